// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>


namespace onair::server::hls {

struct AudienceOptions {
    /// A viewer is a client (address + User-Agent) that fetched one of the
    /// broadcast's playlists or segments this recently.
    std::chrono::milliseconds viewer_window{30000};
    /// Clients tracked one by one per broadcast; beyond it they are counted
    /// approximately (linear counting in a fixed bitmap), in bounded memory.
    size_t max_clients_per_broadcast = 100000;
};

/// What one edge saw of one broadcast.
struct BroadcastAudience {
    std::string channel;
    std::string broadcast_id;
    uint64_t viewers = 0;      // distinct clients within the viewer window
    bool approximate = false;  // more clients than tracked one by one: an estimate beyond the cap
    uint64_t bytes = 0;        // body bytes served since the previous Collect
    uint64_t requests = 0;     // requests answered since the previous Collect
};

/// The `edge.stats` event (docs/EVENTS.md) of one broadcast's audience at
/// one edge over `window` (the report interval).
std::string EdgeStatsEvent(const BroadcastAudience& audience, std::string_view node, std::chrono::milliseconds window,
                           std::chrono::milliseconds viewer_window, int64_t now_ms);

/// Viewers and traffic per broadcast, as an edge counts them for the
/// manager (`edge.stats` events). Record is called on the IO threads for
/// every answered request of a broadcast; Collect every few seconds.
/// Memory is bounded by the live broadcasts times the cap (plus one bitmap
/// of kOverflowBits per broadcast past it). Thread-safe; no clock: the
/// caller passes the time.
class Audience {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr size_t kOverflowBits = size_t{1} << 18;  // 32 KiB per overflowing broadcast

    explicit Audience(AudienceOptions options = {}) : options_(options) {}

    /// One answered request. `counts_as_viewer`: a playlist or segment
    /// served (200, 206, 304), not an error.
    void Record(std::string_view channel, std::string_view broadcast_id, std::string_view client_ip,
                std::string_view user_agent, uint64_t bytes, bool counts_as_viewer, Clock::time_point now);

    /// Every broadcast with viewers or traffic: viewers now, bytes and
    /// requests since the previous call (which are then reset). Clients
    /// silent for the viewer window are forgotten; a broadcast left with
    /// neither is returned once more with zeros, then forgotten.
    std::vector<BroadcastAudience> Collect(Clock::time_point now);

private:
    struct Overflow {
        // Two epochs of one viewer window each: a client past the cap is
        // a bit in `current`; the estimate is over current | previous.
        std::vector<uint64_t> current, previous;
        Clock::time_point epoch_start;
    };
    struct Tracked {
        std::string channel;
        std::unordered_map<uint64_t, Clock::time_point> clients;  // by hash of address + User-Agent
        std::unique_ptr<Overflow> overflow;
        uint64_t bytes = 0;
        uint64_t requests = 0;
        bool reported_empty = false;
    };
    static uint64_t EstimateOverflow(const Overflow& o);

    const AudienceOptions options_;
    std::mutex mu_;
    std::map<std::string, Tracked, std::less<>> broadcasts_;  // by broadcast id
};

}  // namespace onair::server::hls
