// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <string>

#include "bench_stats.h"

namespace onair::bench {

struct RtmpTarget {
    std::string host;
    uint16_t port = 1935;
    std::string app;     // "live"
    std::string stream;  // channel name
};

/// One light RTMP player: plain handshake, connect/createStream/play
/// pipelined, then reads and counts media until `until`. With
/// read_batch_ms > 0 it sleeps between reads, like a client that reads in
/// batches.
boost::asio::awaitable<void> RunRtmpPlayer(RtmpTarget target, std::chrono::steady_clock::time_point until,
                                           int read_batch_ms, ClientStats& stats);

}  // namespace onair::bench
