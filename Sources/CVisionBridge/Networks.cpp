#include "CVisionBridge.h"
#include "Bridge.hpp"

#include <cstdlib>
#include <cstring>
#include <opencv2/dnn.hpp>
#include <vector>

struct cvb_net {
    cv::dnn::Net net;
};

extern "C" cvb_net *cvb_net_load(const char *path) {
    cvb_net *result = nullptr;
    cvb::guarded("load network", [&] {
        cv::dnn::Net net = cv::dnn::readNet(path);
        if (net.empty()) throw std::runtime_error(std::string("no layers in ") + path);
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        result = new cvb_net{net};
        return 0;
    });
    return result;
}

extern "C" void cvb_net_free(cvb_net *net) { delete net; }

extern "C" int cvb_net_forward(cvb_net *net, const float *input, const int *shape, int dims,
                               const char *const *names, int count, cvb_tensor *outputs) {
    for (int i = 0; i < count; ++i) outputs[i] = {};
    return cvb::guarded("network forward", [&] {
        const cv::Mat blob(dims, shape, CV_32F, const_cast<float *>(input));
        net->net.setInput(blob);
        std::vector<cv::String> wanted(names, names + count);
        std::vector<cv::Mat> results;
        net->net.forward(results, wanted);
        for (int i = 0; i < count; ++i) {
            const cv::Mat &m = results[i];
            if (m.dims > 6) throw std::runtime_error("output with more than 6 dimensions");
            cvb_tensor &t = outputs[i];
            t.dims = m.dims;
            for (int d = 0; d < m.dims; ++d) t.shape[d] = m.size[d];
            t.count = m.total();
            t.data = static_cast<float *>(std::malloc(t.count * sizeof(float)));
            if (!t.data) throw std::runtime_error("out of memory");
            const cv::Mat continuous = m.isContinuous() ? m : m.clone();
            std::memcpy(t.data, continuous.ptr<float>(), t.count * sizeof(float));
        }
        return 0;
    });
}

extern "C" void cvb_tensor_free(cvb_tensor *tensor) {
    std::free(tensor->data);
    tensor->data = nullptr;
}
