#include "CVisionBridge.h"
#include "Bridge.hpp"

#include <opencv2/imgproc.hpp>
#include <vector>

namespace {
cv::Mat wrap(uint8_t *pixels, int width, int height) { return cv::Mat(height, width, CV_8UC3, pixels); }
cv::Scalar scalar(const uint8_t color[3]) { return cv::Scalar(color[0], color[1], color[2]); }
}  // namespace

extern "C" int cvb_draw_rect(uint8_t *bgr, int width, int height, int x, int y, int w, int h, const uint8_t color[3],
                             int thickness) {
    return cvb::guarded("draw rectangle", [&] {
        cv::Mat image = wrap(bgr, width, height);
        cv::rectangle(image, cv::Rect(x, y, w, h), scalar(color), thickness, cv::LINE_AA);
        return 0;
    });
}

extern "C" int cvb_draw_circle(uint8_t *bgr, int width, int height, int cx, int cy, int radius,
                               const uint8_t color[3], int thickness) {
    return cvb::guarded("draw circle", [&] {
        cv::Mat image = wrap(bgr, width, height);
        cv::circle(image, cv::Point(cx, cy), radius, scalar(color), thickness, cv::LINE_AA);
        return 0;
    });
}

extern "C" int cvb_draw_text(uint8_t *bgr, int width, int height, const char *text, int x, int y, double scale,
                             const uint8_t color[3], int thickness) {
    return cvb::guarded("draw text", [&] {
        cv::Mat image = wrap(bgr, width, height);
        int baseline = 0;
        const auto font = cv::FONT_HERSHEY_SIMPLEX;
        const cv::Size size = cv::getTextSize(text, font, scale, thickness, &baseline);
        // A dark band behind the label keeps it readable on any background.
        cv::rectangle(image, cv::Rect(x, y - size.height - baseline, size.width + 4, size.height + 2 * baseline),
                      cv::Scalar::all(0), cv::FILLED);
        cv::putText(image, text, cv::Point(x + 2, y), font, scale, scalar(color), thickness, cv::LINE_AA);
        return 0;
    });
}

extern "C" int cvb_fill_polygon(uint8_t *bgr, int width, int height, const float *points, int count,
                                const uint8_t color[3], double opacity) {
    return cvb::guarded("fill polygon", [&] {
        cv::Mat image = wrap(bgr, width, height);
        std::vector<cv::Point> polygon;
        for (int i = 0; i < count; ++i)
            polygon.emplace_back(cvRound(points[2 * i]), cvRound(points[2 * i + 1]));
        if (opacity >= 1) {
            cv::fillPoly(image, std::vector<std::vector<cv::Point>>{polygon}, scalar(color), cv::LINE_AA);
            return 0;
        }
        cv::Mat layer = image.clone();
        cv::fillPoly(layer, std::vector<std::vector<cv::Point>>{polygon}, scalar(color), cv::LINE_AA);
        cv::addWeighted(layer, opacity, image, 1 - opacity, 0, image);
        return 0;
    });
}
