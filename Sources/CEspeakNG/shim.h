// libespeak-ng's whole API (espeak_ng.h includes speak_lib.h). Everything in it imports into Swift as is:
// plain functions, enums and integer macros, so no inline shims are needed.
#include <espeak-ng/espeak_ng.h>
