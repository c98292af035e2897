#include "CVisionBridge.h"
#include "Bridge.hpp"

#include <opencv2/videoio.hpp>

struct cvb_video {
    cv::VideoCapture capture;
    cv::Mat frame;
};

extern "C" cvb_video *cvb_video_open(const char *path) {
    cvb_video *result = nullptr;
    cvb::guarded("open video", [&] {
        cv::VideoCapture capture(path, cv::CAP_FFMPEG);
        if (!capture.isOpened()) throw std::runtime_error("not a video OpenCV can read");
        result = new cvb_video{std::move(capture), cv::Mat()};
        return 0;
    });
    return result;
}

extern "C" double cvb_video_fps(cvb_video *video) {
    double fps = 0;
    cvb::guarded("video fps", [&] { fps = video->capture.get(cv::CAP_PROP_FPS); return 0; });
    return fps;
}

extern "C" long cvb_video_frame_count(cvb_video *video) {
    long frames = -1;
    cvb::guarded("video frame count", [&] {
        const double n = video->capture.get(cv::CAP_PROP_FRAME_COUNT);
        frames = n > 0 ? long(n) : -1;
        return 0;
    });
    return frames;
}

extern "C" int cvb_video_read(cvb_video *video, uint8_t *dst, size_t capacity, int *width, int *height) {
    return cvb::guarded("read video frame", [&] {
        if (!video->capture.read(video->frame) || video->frame.empty()) return 0;
        if (video->frame.type() != CV_8UC3) throw std::runtime_error("video frame is not 8-bit BGR");
        *width = video->frame.cols;
        *height = video->frame.rows;
        if (size_t(*width) * *height * 3 <= capacity) cvb_video_copy_frame(video, dst);
        return 1;
    });
}

extern "C" int cvb_video_copy_frame(cvb_video *video, uint8_t *dst) {
    return cvb::guarded("copy video frame", [&] {
        cv::Mat out(video->frame.rows, video->frame.cols, CV_8UC3, dst);
        video->frame.copyTo(out);
        return 0;
    });
}

extern "C" void cvb_video_close(cvb_video *video) { delete video; }
