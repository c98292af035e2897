#include "CVisionBridge.h"
#include "Bridge.hpp"

#include <opencv2/videoio.hpp>

struct cvb_video {
    cv::VideoCapture capture;
};

extern "C" cvb_video *cvb_video_open(const char *path) {
    cvb_video *result = nullptr;
    cvb::guarded("open video", [&] {
        cv::VideoCapture capture(path, cv::CAP_FFMPEG);
        if (!capture.isOpened()) throw std::runtime_error("not a video OpenCV can read");
        result = new cvb_video{std::move(capture)};
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

extern "C" int cvb_video_read(cvb_video *video, cvb_pixels *out) {
    return cvb::guarded("read video frame", [&] {
        cv::Mat frame;
        if (!video->capture.read(frame) || frame.empty()) return 0;
        cvb::exportPixels(frame, out);
        return 1;
    });
}

extern "C" void cvb_video_close(cvb_video *video) { delete video; }
