#include "CVisionBridge.h"
#include "Bridge.hpp"

#include <cstdlib>
#include <cstring>
#include <opencv2/imgproc.hpp>

namespace {
cv::Mat wrap(const uint8_t *pixels, int width, int height, int channels = 3) {
    return cv::Mat(height, width, CV_8UC(channels), const_cast<uint8_t *>(pixels));
}
}  // namespace

extern "C" int cvb_resize(const uint8_t *src, int srcWidth, int srcHeight, int channels, uint8_t *dst,
                          int dstWidth, int dstHeight, int interpolation) {
    return cvb::guarded("resize", [&] {
        cv::Mat out = wrap(dst, dstWidth, dstHeight, channels);
        cv::resize(wrap(src, srcWidth, srcHeight, channels), out, out.size(), 0, 0, interpolation);
        return 0;
    });
}

extern "C" int cvb_crop_resize(const uint8_t *src, int srcWidth, int srcHeight, int x, int y, int w, int h,
                               uint8_t *dst, int dstWidth, int dstHeight, int interpolation) {
    return cvb::guarded("crop", [&] {
        if (w <= 0 || h <= 0) throw std::runtime_error("empty crop");
        const cv::Mat image = wrap(src, srcWidth, srcHeight);
        cv::Mat out = wrap(dst, dstWidth, dstHeight);
        const cv::Rect wanted(x, y, w, h);
        const cv::Rect inside = wanted & cv::Rect(0, 0, srcWidth, srcHeight);
        if (inside == wanted) {
            cv::resize(image(wanted), out, out.size(), 0, 0, interpolation);
            return 0;
        }
        // Reaching past the border: paste what exists into a black canvas first, as MTCNN expects.
        cv::Mat canvas(h, w, CV_8UC3, cv::Scalar::all(0));
        if (inside.area() > 0) image(inside).copyTo(canvas(inside - wanted.tl()));
        cv::resize(canvas, out, out.size(), 0, 0, interpolation);
        return 0;
    });
}

extern "C" int cvb_warp_affine(const uint8_t *src, int srcWidth, int srcHeight, const double matrix[6],
                               uint8_t *dst, int dstWidth, int dstHeight) {
    return cvb::guarded("warp", [&] {
        const cv::Mat m(2, 3, CV_64F, const_cast<double *>(matrix));
        cv::Mat out = wrap(dst, dstWidth, dstHeight);
        cv::warpAffine(wrap(src, srcWidth, srcHeight), out, m, out.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT);
        return 0;
    });
}

extern "C" int cvb_gray_thumbnail(const uint8_t *src, int srcWidth, int srcHeight, uint8_t *dst, int dstWidth,
                                  int dstHeight) {
    return cvb::guarded("grey thumbnail", [&] {
        // Sample a grid twice as fine with nearest-neighbour, then average 2x2: the noise averaging of an area
        // filter while reading only a few thousand pixels of the frame (this runs on every idle frame).
        cv::Mat grid, small;
        cv::resize(wrap(src, srcWidth, srcHeight), grid, cv::Size(2 * dstWidth, 2 * dstHeight), 0, 0, cv::INTER_NEAREST);
        cv::resize(grid, small, cv::Size(dstWidth, dstHeight), 0, 0, cv::INTER_AREA);
        cv::Mat out = wrap(dst, dstWidth, dstHeight, 1);
        cv::cvtColor(small, out, cv::COLOR_BGR2GRAY);
        return 0;
    });
}
