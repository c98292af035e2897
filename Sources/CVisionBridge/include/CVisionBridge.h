// The plain C face of the OpenCV code: opaque handles, caller-owned pixel buffers, no C++ types.
// Every function catches every exception; a failure returns non-zero (or NULL) and leaves a message for
// cvb_last_error() on the calling thread, because a C++ exception that reaches Swift aborts the process.
#ifndef CVISIONBRIDGE_H
#define CVISIONBRIDGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The message of the last failed call on this thread ("" when none).
const char *cvb_last_error(void);

/// Worker threads OpenCV may use for one call (dnn, resize).
void cvb_set_num_threads(int threads);

/// Pixels the bridge allocated (a decoded image); release with cvb_free.
typedef struct {
    uint8_t *data;   ///< width * height * 3 bytes, BGR, rows packed
    int width;
    int height;
} cvb_pixels;

void cvb_free(void *pointer);

/// Decodes JPEG (libjpeg-turbo), PNG (libpng) or WebP (libwebp) from memory into BGR: alpha dropped, 16-bit
/// scaled to 8, grey and CMYK to colour, a JPEG's EXIF rotation applied. A truncated or corrupt file is an error.
int cvb_decode_image(const uint8_t *bytes, size_t length, cvb_pixels *out);
/// Encodes to a file: JPEG (quality 95) for .jpg/.jpeg, PNG for .png, an error for any other extension.
int cvb_write_image(const char *path, const uint8_t *bgr, int width, int height);
/// Encodes to JPEG in memory (quality 0...100); `*out` is malloc'ed, release with cvb_free.
int cvb_encode_jpeg(const uint8_t *bgr, int width, int height, int quality, uint8_t **out, size_t *length);

enum { CVB_INTER_LINEAR = 1, CVB_INTER_AREA = 3 };

/// Resizes packed 8-bit images with `channels` (1 or 3) channels.
int cvb_resize(const uint8_t *src, int srcWidth, int srcHeight, int channels,
               uint8_t *dst, int dstWidth, int dstHeight, int interpolation);
/// Crops the BGR rectangle (x, y, w, h) — which may reach outside the image, the outside being black — and
/// resizes it into dst.
int cvb_crop_resize(const uint8_t *src, int srcWidth, int srcHeight, int x, int y, int w, int h,
                    uint8_t *dst, int dstWidth, int dstHeight, int interpolation);
/// dst(x, y) = src(M · (x, y, 1)) inverted: M maps source to destination, as cv::warpAffine takes it.
int cvb_warp_affine(const uint8_t *src, int srcWidth, int srcHeight, const double matrix[6],
                    uint8_t *dst, int dstWidth, int dstHeight);
/// Grey (BT.601) of a BGR image, resized to dst size with area averaging: the motion gate's cheap thumbnail.
int cvb_gray_thumbnail(const uint8_t *src, int srcWidth, int srcHeight, uint8_t *dst, int dstWidth, int dstHeight);

/// Drawing on a BGR image in place, anti-aliased.
int cvb_draw_rect(uint8_t *bgr, int width, int height, int x, int y, int w, int h,
                  const uint8_t color[3], int thickness);
int cvb_draw_circle(uint8_t *bgr, int width, int height, int cx, int cy, int radius,
                    const uint8_t color[3], int thickness);
int cvb_draw_text(uint8_t *bgr, int width, int height, const char *text, int x, int y, double scale,
                  const uint8_t color[3], int thickness);
/// Fills a polygon of `count` points (x0, y0, x1, y1, ...), blended with `opacity` 0...1.
int cvb_fill_polygon(uint8_t *bgr, int width, int height, const float *points, int count,
                     const uint8_t color[3], double opacity);

/// A neural network loaded by cv::dnn (ONNX or TensorFlow frozen graph, by extension).
typedef struct cvb_net cvb_net;

cvb_net *cvb_net_load(const char *path);
void cvb_net_free(cvb_net *net);

/// One output blob that OpenCV allocated; release with cvb_tensor_free.
typedef struct {
    float *data;
    int shape[6];
    int dims;
    size_t count;
} cvb_tensor;

/// Runs the net on one float input blob of `dims` dimensions and fetches `count` named outputs into `outputs`.
/// A net must not be used by two threads at once.
int cvb_net_forward(cvb_net *net, const float *input, const int *shape, int dims,
                    const char *const *names, int count, cvb_tensor *outputs);
void cvb_tensor_free(cvb_tensor *tensor);

/// A video file decoded by an `ffmpeg` child process (see Video.cpp for why not in-process).
typedef struct cvb_video cvb_video;

cvb_video *cvb_video_open(const char *path);
/// Frames per second the file declares (0 when unknown) and its frame count (-1 when unknown).
double cvb_video_fps(cvb_video *video);
long cvb_video_frame_count(cvb_video *video);
/// 1 with a frame, 0 at the end of the file, -1 on error (ffmpeg's message in cvb_last_error). The frame's size goes to `width` and `height`; its
/// pixels are copied into `dst` when `capacity` bytes hold them (else call again with a larger buffer: the frame
/// is kept until the next read), so a frame is copied once, straight into the caller's image.
int cvb_video_read(cvb_video *video, uint8_t *dst, size_t capacity, int *width, int *height);
/// Copies the frame the last read returned into `dst` (width * height * 3 bytes).
int cvb_video_copy_frame(cvb_video *video, uint8_t *dst);
void cvb_video_close(cvb_video *video);

#ifdef __cplusplus
}
#endif

#endif
