// Internal helpers shared by the bridge's files.
#pragma once
#include <exception>
#include <string>

#include <opencv2/core.hpp>

#include "CVisionBridge.h"

namespace cvb {
/// Turns any exception into a return value and a thread-local message.
void setError(const std::string &message);
void clearError();

template <typename Body>
int guarded(const char *what, Body body) {
    clearError();
    try {
        return body();
    } catch (const std::exception &e) {
        setError(std::string(what) + ": " + e.what());
    } catch (...) {
        setError(std::string(what) + ": unknown C++ exception");
    }
    return -1;
}
}  // namespace cvb
