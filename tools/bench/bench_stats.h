// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace onair::bench {

/// What one kind of client (RTMP players or HLS pollers) measured.
struct ClientStats {
    uint64_t started = 0;
    uint64_t connected = 0;   // got media
    uint64_t failed = 0;
    uint64_t bytes = 0;
    uint64_t stalls = 0;
    std::vector<double> startup_ms;  // connect -> first media (RTMP: first video; HLS: first segment)
    std::vector<double> keyframe_ms; // RTMP: connect -> first video keyframe

    static double Percentile(std::vector<double> v, double p) {
        if (v.empty()) return -1;
        std::sort(v.begin(), v.end());
        const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
        return v[i];
    }
};

}  // namespace onair::bench
