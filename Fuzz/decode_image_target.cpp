// libFuzzer target: the bridge's photo decoder (libjpeg-turbo, libpng, libwebp), which refuses truncated and
// corrupt files. Built by scripts/fuzz from the bridge sources it exercises.
#include <cstddef>
#include <cstdint>

#include "CVisionBridge.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    cvb_pixels pixels{};
    if (cvb_decode_image(data, size, &pixels) == 0) cvb_free(pixels.data);
    return 0;
}
