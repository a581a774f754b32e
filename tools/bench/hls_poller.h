// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>

#include "bench_stats.h"

namespace onair::bench {

struct HlsTarget {
    std::string host;
    uint16_t port = 8080;
    std::string path;  // "/live/NAME/index.m3u8" (multivariant or media playlist)
};

/// One HLS viewer over one keep-alive connection: follows the multivariant
/// playlist to its first variant, then polls the media playlist every half
/// target duration and downloads each new segment once.
boost::asio::awaitable<void> RunHlsPoller(HlsTarget target, std::chrono::steady_clock::time_point until,
                                          ClientStats& stats);

}  // namespace onair::bench
