// libmosquitto's client API. The calls door-greeter uses are plain functions, enums and integer macros that
// import into Swift as they are, so no inline shims are needed.
#include <mosquitto.h>
