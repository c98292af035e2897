#include "CVisionBridge.h"
#include "Bridge.hpp"

#include <cstdlib>
#include <opencv2/core.hpp>

namespace {
thread_local std::string lastError;
}

void cvb::setError(const std::string &message) { lastError = message; }
void cvb::clearError() { lastError.clear(); }

extern "C" const char *cvb_last_error(void) { return lastError.c_str(); }

extern "C" void cvb_set_num_threads(int threads) {
    cvb::guarded("set threads", [&] { cv::setNumThreads(threads); return 0; });
}

extern "C" void cvb_free(void *pointer) { std::free(pointer); }
