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
/// target duration and downloads each new segment once (starting with the
/// last three, as players do). A stall is counted when the playlist stops
/// advancing for two target durations, or when the viewer's buffer runs
/// dry: a playhead that runs with the wall clock from the first segment on
/// passes the media downloaded so far (then it waits for a second of media).
boost::asio::awaitable<void> RunHlsPoller(HlsTarget target, std::chrono::steady_clock::time_point until,
                                          ClientStats& stats);

}  // namespace onair::bench
