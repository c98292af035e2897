// Video files are decoded by an `ffmpeg` child process that pipes raw frames (PPM, so each frame states its own
// size, rotation included) rather than by OpenCV's videoio in this process. Why a subprocess and not dlopen:
// videoio maps FFmpeg, GStreamer and X11 (~200 libraries) the moment it is linked, and even loaded only for file
// sources it would stay mapped for the process's life; a child keeps all of that out, a decoder crash or hang on
// a damaged file cannot take the daemon down, and the decoding CPU is the child's, so the daemon's own CPU
// figures count only what a camera would cost it (a camera, too, hands over decoded frames).
#include "CVisionBridge.h"
#include "Bridge.hpp"

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <opencv2/imgproc.hpp>

extern char **environ;

namespace {
std::string errnoText(const char *what) { return std::string(what) + ": " + std::strerror(errno); }

/// A child process with its stdout (and optionally stderr) on pipes.
struct Child {
    pid_t pid = -1;
    int out = -1;
    int err = -1;

    Child(const std::vector<std::string> &arguments, bool separateErrors) {
        int outPipe[2], errPipe[2] = {-1, -1};
        if (pipe2(outPipe, O_CLOEXEC) != 0) throw std::runtime_error(errnoText("pipe"));
        if (separateErrors && pipe2(errPipe, O_CLOEXEC) != 0) {
            ::close(outPipe[0]); ::close(outPipe[1]);
            throw std::runtime_error(errnoText("pipe"));
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1);
        posix_spawn_file_actions_adddup2(&actions, separateErrors ? errPipe[1] : outPipe[1], 2);
        // The child gets default signal handling, whatever the daemon blocked for its own signal thread.
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        sigset_t none, all;
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&attributes, &none);
        posix_spawnattr_setsigdefault(&attributes, &all);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        std::vector<char *> argv;
        for (const auto &a : arguments) argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(nullptr);
        const int status = posix_spawnp(&pid, argv[0], &actions, &attributes, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
        ::close(outPipe[1]);
        if (separateErrors) ::close(errPipe[1]);
        out = outPipe[0];
        err = errPipe[0];
        if (status != 0) {
            closeAll();
            throw std::runtime_error("cannot run " + arguments[0] + " (scripts/setup installs ffmpeg): " +
                                     std::strerror(status));
        }
    }

    ~Child() {
        if (pid > 0) {
            kill(pid, SIGKILL);
            wait();
        }
        closeAll();
    }

    /// Exit status (or 128 + signal); -1 when it cannot be had.
    int wait() {
        int status = 0;
        pid_t done;
        do { done = waitpid(pid, &status, 0); } while (done < 0 && errno == EINTR);
        pid = -1;
        if (done < 0) return -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    void closeAll() {
        if (out >= 0) ::close(out);
        if (err >= 0) ::close(err);
        out = err = -1;
    }
};

/// Reads exactly `count` bytes; false at a clean end of stream before the first byte.
bool readFully(int fd, uint8_t *into, size_t count) {
    size_t done = 0;
    while (done < count) {
        const ssize_t n = ::read(fd, into + done, count - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(errnoText("reading from ffmpeg"));
        if (n == 0) {
            if (done == 0) return false;
            throw std::runtime_error("ffmpeg's frame stream ended in the middle of a frame");
        }
        done += size_t(n);
    }
    return true;
}

std::string lastLine(const std::string &text) {
    size_t end = text.find_last_not_of("\r\n ");
    if (end == std::string::npos) return "";
    const size_t start = text.find_last_of('\n', end);
    return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

double parseRate(const std::string &text) {
    const size_t slash = text.find('/');
    const double num = std::atof(text.substr(0, slash).c_str());
    const double den = slash == std::string::npos ? 1 : std::atof(text.substr(slash + 1).c_str());
    return den > 0 && std::isfinite(num / den) ? num / den : 0;
}
}  // namespace

struct cvb_video {
    double fps = 0;
    long frames = -1;
    std::unique_ptr<Child> decoder;
    std::string errors;       // what ffmpeg said on stderr, drained as frames are read
    std::vector<uint8_t> frame;  // a frame too big for the caller's buffer, kept for cvb_video_copy_frame
    std::vector<uint8_t> rgb;    // the frame as ffmpeg sends it, before it is turned into BGR
    int width = 0, height = 0;

    void drainErrors() {
        char buffer[4096];
        ssize_t n;
        while ((n = ::read(decoder->err, buffer, sizeof buffer)) > 0) {
            errors.append(buffer, size_t(n));
            if (errors.size() > 16384) errors.erase(0, errors.size() - 8192);
        }
    }

    /// The PPM header ffmpeg's encoder writes: "P6\n<width> <height>\n255\n". False at the end of the stream.
    bool readHeader() {
        std::string header;
        int fields = 0;
        char c;
        while (fields < 4) {
            ssize_t n = ::read(decoder->out, &c, 1);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw std::runtime_error(errnoText("reading from ffmpeg"));
            if (n == 0) {
                if (header.empty()) return false;
                throw std::runtime_error("ffmpeg's frame stream ended in a frame header");
            }
            if (c == ' ' || c == '\n') {
                if (!header.empty() && header.back() != ' ') { header += ' '; fields++; }
            } else {
                header += c;
            }
            if (header.size() > 64) throw std::runtime_error("unexpected data from ffmpeg");
        }
        int w = 0, h = 0, maximum = 0;
        char magic[3] = {0};
        if (std::sscanf(header.c_str(), "%2s %d %d %d", magic, &w, &h, &maximum) != 4 || std::strcmp(magic, "P6") != 0 ||
            maximum != 255 || w <= 0 || h <= 0)
            throw std::runtime_error("unexpected frame header from ffmpeg: " + header);
        width = w;
        height = h;
        return true;
    }
};

extern "C" cvb_video *cvb_video_open(const char *path) {
    cvb_video *result = nullptr;
    cvb::guarded("open video", [&] {
        auto video = std::make_unique<cvb_video>();
        // "file:" so that a name such as "http://..." or "concat:..." is a file name, never a protocol.
        const std::string file = std::string("file:") + path;
        {
            Child probe({"ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                         "stream=r_frame_rate,nb_frames", "-of", "default=noprint_wrappers=1", file}, false);
            std::string output;
            char buffer[4096];
            ssize_t n;
            while ((n = ::read(probe.out, buffer, sizeof buffer)) != 0) {
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) throw std::runtime_error(errnoText("reading from ffprobe"));
                output.append(buffer, size_t(n));
            }
            const int status = probe.wait();
            const size_t rate = output.find("r_frame_rate=");
            if (status != 0 || rate == std::string::npos) {
                const std::string why = lastLine(output);
                throw std::runtime_error(status != 0 ? "not a video ffmpeg can read (" + why + ")"
                                                     : std::string("no video stream"));
            }
            video->fps = parseRate(output.substr(rate + 13, output.find('\n', rate) - rate - 13));
            const size_t count = output.find("nb_frames=");
            if (count != std::string::npos) {
                const long n = std::atol(output.c_str() + count + 10);
                video->frames = n > 0 ? n : -1;
            }
        }
        // passthrough: each decoded frame once, as the file has them (image2pipe would repeat frames to a
        // constant rate).
        video->decoder = std::make_unique<Child>(
            std::vector<std::string>{"ffmpeg", "-nostdin", "-v", "error", "-i", file, "-map", "0:v:0",
                                     "-fps_mode", "passthrough", "-f", "image2pipe", "-c:v", "ppm", "-pix_fmt", "rgb24", "-"},
            true);
        fcntl(video->decoder->err, F_SETFL, O_NONBLOCK);
        // Room for a whole frame in the pipe, so ffmpeg decodes the next one while this one is processed.
        fcntl(video->decoder->out, F_SETPIPE_SZ, 1 << 20);
        result = video.release();
        return 0;
    });
    return result;
}

extern "C" double cvb_video_fps(cvb_video *video) { return video->fps; }

extern "C" long cvb_video_frame_count(cvb_video *video) { return video->frames; }

extern "C" int cvb_video_read(cvb_video *video, uint8_t *dst, size_t capacity, int *width, int *height) {
    return cvb::guarded("read video frame", [&] {
        if (!video->decoder) return 0;
        video->drainErrors();
        if (!video->readHeader()) {
            const int status = video->decoder->wait();
            video->drainErrors();
            video->decoder.reset();
            if (status != 0)
                throw std::runtime_error("ffmpeg stopped with status " + std::to_string(status) + ": " +
                                         lastLine(video->errors));
            return 0;
        }
        *width = video->width;
        *height = video->height;
        const size_t bytes = size_t(video->width) * video->height * 3;
        const bool fits = bytes <= capacity;
        if (!fits) video->frame.resize(bytes);
        video->rgb.resize(bytes);
        if (!readFully(video->decoder->out, video->rgb.data(), bytes))
            throw std::runtime_error("ffmpeg's frame stream ended in the middle of a frame");
        // Vectorised RGB to BGR from a buffer kept between frames (a byte-by-byte swap in place was a sixth of an
        // idle daemon's CPU; cvtColor in place would copy the frame first).
        const cv::Mat rgb(video->height, video->width, CV_8UC3, video->rgb.data());
        cv::Mat bgr(video->height, video->width, CV_8UC3, fits ? dst : video->frame.data());
        cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
        return 1;
    });
}

extern "C" int cvb_video_copy_frame(cvb_video *video, uint8_t *dst) {
    return cvb::guarded("copy video frame", [&] {
        std::memcpy(dst, video->frame.data(), video->frame.size());
        return 0;
    });
}

extern "C" void cvb_video_close(cvb_video *video) { delete video; }
