// libmosquitto's client API. The calls door-greeter uses are plain functions and enums that import into Swift
// as they are; the only macro it needs, the version, is re-exported as a constant.
#include <mosquitto.h>

static const int cmosq_version_number = LIBMOSQUITTO_VERSION_NUMBER;
