// Photo decoding and encoding with the image libraries themselves (libjpeg-turbo, libpng, libwebp) instead of
// OpenCV's imgcodecs, whose dependencies (GDAL, OpenEXR, libtiff, ...) are dozens of libraries mapped into the
// daemon for formats a gallery never holds. Decoding is strict: a truncated or corrupt file is an error, never
// the decoded half of a face.
#include "CVisionBridge.h"
#include "Bridge.hpp"

#include <cctype>
#include <cerrno>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <webp/decode.h>

namespace {
using Pixels = std::unique_ptr<uint8_t, decltype(&std::free)>;

Pixels allocate(size_t bytes) {
    Pixels pixels(static_cast<uint8_t *>(std::malloc(bytes ? bytes : 1)), &std::free);
    if (!pixels) throw std::runtime_error("out of memory");
    return pixels;
}

// MARK: JPEG

struct JpegErrors {
    jpeg_error_mgr manager;
    std::jmp_buf exit;
    char message[JMSG_LENGTH_MAX];
};

void jpegFail(j_common_ptr info) {
    auto *errors = reinterpret_cast<JpegErrors *>(info->err);
    info->err->format_message(info, errors->message);
    std::longjmp(errors->exit, 1);
}

// libjpeg only warns about a file that ends early or has damaged data and fills the rest with grey: for a
// gallery photo that is a half face, so those warnings are errors here. Harmless ones (an unknown JFIF
// revision, stray bytes between markers that many cameras write) are not.
void jpegWarn(j_common_ptr info, int level) {
    if (level >= 0) return;  // trace messages
    switch (info->err->msg_code) {
    case JWRN_JPEG_EOF: case JWRN_HIT_MARKER: case JWRN_HUFF_BAD_CODE: case JWRN_ARITH_BAD_CODE:
    case JWRN_MUST_RESYNC:
        jpegFail(info);
    default:
        break;
    }
}

/// The EXIF orientation (1...8) of a decoded header's APP1 marker, 1 when there is none.
int exifOrientation(j_decompress_ptr info) {
    for (jpeg_saved_marker_ptr marker = info->marker_list; marker; marker = marker->next) {
        const uint8_t *d = marker->data;
        const size_t n = marker->data_length;
        if (marker->marker != JPEG_APP0 + 1 || n < 14 || std::memcmp(d, "Exif\0\0", 6) != 0) continue;
        const uint8_t *t = d + 6;
        const size_t size = n - 6;
        const bool little = t[0] == 'I';
        auto u16 = [&](size_t at) -> unsigned {
            return at + 2 > size ? 0 : little ? t[at] | t[at + 1] << 8 : t[at] << 8 | t[at + 1];
        };
        auto u32 = [&](size_t at) -> size_t { return little ? u16(at) | size_t(u16(at + 2)) << 16 : size_t(u16(at)) << 16 | u16(at + 2); };
        const size_t ifd = u32(4);
        const unsigned entries = u16(ifd);
        for (unsigned e = 0; e < entries; e++) {
            const size_t entry = ifd + 2 + 12 * size_t(e);
            if (entry + 12 > size) break;
            if (u16(entry) == 0x0112) {
                const unsigned value = u16(entry + 8);
                return value >= 1 && value <= 8 ? int(value) : 1;
            }
        }
    }
    return 1;
}

/// Turns BGR pixels the way EXIF orientation `o` says the camera held them (as OpenCV's imdecode did).
void orient(Pixels &pixels, int &width, int &height, int o) {
    if (o <= 1) return;
    const bool transpose = o >= 5;
    const int w = transpose ? height : width, h = transpose ? width : height;
    Pixels out = allocate(size_t(w) * h * 3);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            int sx, sy;  // source pixel of destination (x, y)
            switch (o) {
            case 2: sx = width - 1 - x; sy = y; break;
            case 3: sx = width - 1 - x; sy = height - 1 - y; break;
            case 4: sx = x; sy = height - 1 - y; break;
            case 5: sx = y; sy = x; break;
            case 6: sx = y; sy = height - 1 - x; break;
            case 7: sx = width - 1 - y; sy = height - 1 - x; break;
            default: sx = width - 1 - y; sy = x; break;  // 8
            }
            std::memcpy(out.get() + (size_t(y) * w + x) * 3, pixels.get() + (size_t(sy) * width + sx) * 3, 3);
        }
    }
    pixels = std::move(out);
    width = w;
    height = h;
}

// Plain C-style: nothing with a destructor lives between setjmp and a longjmp out of libjpeg.
bool decodeJpegInto(const uint8_t *bytes, size_t length, uint8_t **data, int *width, int *height, int *orientation,
                    char *message) {
    jpeg_decompress_struct info;
    JpegErrors errors;
    info.err = jpeg_std_error(&errors.manager);
    errors.manager.error_exit = jpegFail;
    errors.manager.emit_message = jpegWarn;
    *data = nullptr;
    if (setjmp(errors.exit)) {
        std::free(*data);
        *data = nullptr;
        std::strcpy(message, errors.message);
        jpeg_destroy_decompress(&info);
        return false;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, bytes, static_cast<unsigned long>(length));
    jpeg_save_markers(&info, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&info, TRUE);
    *orientation = exifOrientation(&info);
    info.out_color_space = JCS_EXT_BGR;  // also for greyscale and CMYK sources
    if (info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) info.out_color_space = JCS_CMYK;
    jpeg_start_decompress(&info);
    *width = int(info.output_width);
    *height = int(info.output_height);
    const int channels = info.out_color_space == JCS_CMYK ? 4 : 3;
    *data = static_cast<uint8_t *>(std::malloc(size_t(*width) * *height * channels));
    if (!*data) {
        std::strcpy(message, "out of memory");
        jpeg_destroy_decompress(&info);
        return false;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = *data + size_t(info.output_scanline) * *width * channels;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    if (channels == 4) {  // Adobe's inverted CMYK, to BGR
        const bool inverted = info.saw_Adobe_marker;
        for (size_t i = 0, n = size_t(*width) * *height; i < n; i++) {
            uint8_t *p = *data + i * 4;
            const int c = inverted ? p[0] : 255 - p[0], m = inverted ? p[1] : 255 - p[1];
            const int y = inverted ? p[2] : 255 - p[2], k = inverted ? p[3] : 255 - p[3];
            uint8_t *q = *data + i * 3;
            q[0] = uint8_t(y * k / 255); q[1] = uint8_t(m * k / 255); q[2] = uint8_t(c * k / 255);
        }
    }
    jpeg_destroy_decompress(&info);
    return true;
}

void decodeJpeg(const uint8_t *bytes, size_t length, cvb_pixels *out) {
    uint8_t *data = nullptr;
    int width = 0, height = 0, orientation = 1;
    char message[JMSG_LENGTH_MAX] = {0};
    if (!decodeJpegInto(bytes, length, &data, &width, &height, &orientation, message))
        throw std::runtime_error(std::string("corrupt or truncated JPEG (") + message + ")");
    Pixels pixels(data, &std::free);
    orient(pixels, width, height, orientation);
    *out = {pixels.release(), width, height};
}

// MARK: PNG

void decodePng(const uint8_t *bytes, size_t length, cvb_pixels *out) {
    png_image image;
    std::memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    auto fail = [&](const char *what) {
        const std::string message = std::string(what) + " PNG (" + image.message + ")";
        png_image_free(&image);
        throw std::runtime_error(message);
    };
    if (!png_image_begin_read_from_memory(&image, bytes, length)) fail("unreadable");
    // BGRA then dropping alpha keeps the colours under transparent pixels, as OpenCV did (no compositing).
    image.format = PNG_FORMAT_BGRA;
    const size_t count = size_t(image.width) * image.height;
    Pixels bgra = allocate(count * 4);
    if (!png_image_finish_read(&image, nullptr, bgra.get(), 0, nullptr)) fail("corrupt or truncated");
    Pixels bgr = allocate(count * 3);
    for (size_t i = 0; i < count; i++) std::memcpy(bgr.get() + i * 3, bgra.get() + i * 4, 3);
    *out = {bgr.release(), int(image.width), int(image.height)};
}

// MARK: WebP

void decodeWebp(const uint8_t *bytes, size_t length, cvb_pixels *out) {
    int width = 0, height = 0;
    if (!WebPGetInfo(bytes, length, &width, &height)) throw std::runtime_error("corrupt WebP header");
    Pixels pixels = allocate(size_t(width) * height * 3);
    if (!WebPDecodeBGRInto(bytes, length, pixels.get(), size_t(width) * height * 3, width * 3))
        throw std::runtime_error("corrupt or truncated WebP");
    *out = {pixels.release(), width, height};
}

// MARK: Writing

bool endsWith(const std::string &s, const char *suffix) {
    const size_t n = std::strlen(suffix);
    if (s.size() < n) return false;
    for (size_t i = 0; i < n; i++)
        if (std::tolower(static_cast<unsigned char>(s[s.size() - n + i])) != suffix[i]) return false;
    return true;
}

using File = std::unique_ptr<FILE, decltype(&std::fclose)>;

/// Encodes through libjpeg into a file (`file`) or, with no file, into a malloc'ed buffer (`*buffer`, `*size`).
bool encodeJpeg(FILE *file, unsigned char **buffer, unsigned long *size, const uint8_t *bgr, int width, int height,
                int quality, char *message) {
    jpeg_compress_struct info;
    JpegErrors errors;
    info.err = jpeg_std_error(&errors.manager);
    errors.manager.error_exit = jpegFail;
    if (setjmp(errors.exit)) {
        std::strcpy(message, errors.message);
        jpeg_destroy_compress(&info);
        return false;
    }
    jpeg_create_compress(&info);
    if (file) jpeg_stdio_dest(&info, file); else jpeg_mem_dest(&info, buffer, size);
    info.image_width = JDIMENSION(width);
    info.image_height = JDIMENSION(height);
    info.input_components = 3;
    info.in_color_space = JCS_EXT_BGR;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = const_cast<uint8_t *>(bgr) + size_t(info.next_scanline) * width * 3;
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    return true;
}
}  // namespace

extern "C" int cvb_decode_image(const uint8_t *bytes, size_t length, cvb_pixels *out) {
    return cvb::guarded("decode image", [&] {
        if (length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
            decodeJpeg(bytes, length, out);
        } else if (length >= 8 && std::memcmp(bytes, "\x89PNG\r\n\x1a\n", 8) == 0) {
            decodePng(bytes, length, out);
        } else if (length >= 12 && std::memcmp(bytes, "RIFF", 4) == 0 && std::memcmp(bytes + 8, "WEBP", 4) == 0) {
            decodeWebp(bytes, length, out);
        } else {
            throw std::runtime_error("not a JPEG, PNG or WebP image");
        }
        return 0;
    });
}

extern "C" int cvb_write_image(const char *path, const uint8_t *bgr, int width, int height) {
    return cvb::guarded("write image", [&] {
        const std::string name(path);
        if (endsWith(name, ".png")) {
            png_image image;
            std::memset(&image, 0, sizeof image);
            image.version = PNG_IMAGE_VERSION;
            image.width = png_uint_32(width);
            image.height = png_uint_32(height);
            image.format = PNG_FORMAT_BGR;
            if (!png_image_write_to_file(&image, path, 0, bgr, 0, nullptr))
                throw std::runtime_error("cannot write " + name + ": " + image.message);
            return 0;
        }
        if (!endsWith(name, ".jpg") && !endsWith(name, ".jpeg"))
            throw std::runtime_error("cannot write " + name + ": only .jpg, .jpeg and .png are written");
        File file(std::fopen(path, "wb"), &std::fclose);
        if (!file) throw std::runtime_error("cannot write " + name + ": " + std::strerror(errno));
        char message[JMSG_LENGTH_MAX] = {0};
        if (!encodeJpeg(file.get(), nullptr, nullptr, bgr, width, height, 95, message))
            throw std::runtime_error("cannot write " + name + ": " + message);
        if (std::fclose(file.release()) != 0) throw std::runtime_error("cannot write " + name + ": " + std::strerror(errno));
        return 0;
    });
}

extern "C" int cvb_encode_jpeg(const uint8_t *bgr, int width, int height, int quality, uint8_t **out, size_t *length) {
    return cvb::guarded("encode JPEG", [&] {
        unsigned char *buffer = nullptr;
        unsigned long size = 0;
        char message[JMSG_LENGTH_MAX] = {0};
        if (!encodeJpeg(nullptr, &buffer, &size, bgr, width, height, quality, message)) {
            std::free(buffer);
            throw std::runtime_error(std::string("cannot encode JPEG: ") + message);
        }
        *out = buffer;
        *length = size_t(size);
        return 0;
    });
}
