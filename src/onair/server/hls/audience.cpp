// SPDX-License-Identifier: Apache-2.0
#include "onair/server/hls/audience.h"

#include "onair/server/bus/event_envelope.h"

#include <bit>
#include <cmath>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>

#include "onair/format/hls/date_time.h"

namespace onair::server::hls {

namespace {

uint64_t ClientHash(std::string_view client_ip, std::string_view user_agent) {
    // FNV-1a over "ip\0ua", then a 64-bit mix: cheap, no allocation.
    uint64_t h = 0xcbf29ce484222325ull;
    auto feed = [&h](std::string_view s) {
        for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
    };
    feed(client_ip);
    h = (h ^ 0xff) * 0x100000001b3ull;
    feed(user_agent);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

}  // namespace

std::string EdgeStatsEvent(const BroadcastAudience& a, std::string_view node, std::chrono::milliseconds window,
                           std::chrono::milliseconds viewer_window, int64_t now_ms) {
    nlohmann::json event = bus::EventEnvelope("edge.stats", "edge", node, now_ms);
    event["channel"] = {{"name", a.channel}};
    event["broadcast_id"] = a.broadcast_id;
    event["viewers"] = a.viewers;
    event["viewers_approximate"] = a.approximate;
    event["bytes"] = a.bytes;
    event["requests"] = a.requests;
    event["window_ms"] = window.count();
    event["viewer_window_ms"] = viewer_window.count();
    return event.dump();
}

void Audience::Record(std::string_view channel, std::string_view broadcast_id, std::string_view client_ip,
                      std::string_view user_agent, uint64_t bytes, bool counts_as_viewer, Clock::time_point now) {
    const uint64_t key = counts_as_viewer ? ClientHash(client_ip, user_agent) : 0;
    std::lock_guard lock(mu_);
    auto it = broadcasts_.find(broadcast_id);
    if (it == broadcasts_.end()) it = broadcasts_.emplace(std::string(broadcast_id), Tracked{}).first;
    Tracked& t = it->second;
    if (t.channel != channel) t.channel = std::string(channel);
    t.reported_empty = false;
    t.bytes += bytes;
    ++t.requests;
    if (!counts_as_viewer) return;
    if (auto c = t.clients.find(key); c != t.clients.end()) {
        c->second = now;
        return;
    }
    if (t.clients.size() < options_.max_clients_per_broadcast) {
        t.clients.emplace(key, now);
        return;
    }
    if (!t.overflow) {
        t.overflow = std::make_unique<Overflow>();
        t.overflow->current.assign(kOverflowBits / 64, 0);
        t.overflow->previous.assign(kOverflowBits / 64, 0);
        t.overflow->epoch_start = now;
    }
    const size_t bit = static_cast<size_t>(key % kOverflowBits);
    t.overflow->current[bit / 64] |= uint64_t{1} << (bit % 64);
}

uint64_t Audience::EstimateOverflow(const Overflow& o) {
    size_t set = 0;
    for (size_t i = 0; i < o.current.size(); ++i) set += static_cast<size_t>(std::popcount(o.current[i] | o.previous[i]));
    const double m = static_cast<double>(kOverflowBits);
    const size_t zero = kOverflowBits - set;
    // Linear counting: n ≈ -m ln(V), V the fraction of bits still zero; a
    // full bitmap says "at least m ln m".
    const double v = zero == 0 ? 1.0 / m : static_cast<double>(zero) / m;
    return static_cast<uint64_t>(std::llround(-m * std::log(v)));
}

std::vector<BroadcastAudience> Audience::Collect(Clock::time_point now) {
    std::vector<BroadcastAudience> out;
    std::lock_guard lock(mu_);
    for (auto it = broadcasts_.begin(); it != broadcasts_.end();) {
        Tracked& t = it->second;
        std::erase_if(t.clients, [&](const auto& kv) { return now - kv.second >= options_.viewer_window; });
        uint64_t beyond = 0;
        if (t.overflow) {
            if (now - t.overflow->epoch_start >= options_.viewer_window) {
                t.overflow->previous.swap(t.overflow->current);
                std::fill(t.overflow->current.begin(), t.overflow->current.end(), 0);
                t.overflow->epoch_start = now;
            }
            beyond = EstimateOverflow(*t.overflow);
            if (beyond == 0 && t.clients.size() < options_.max_clients_per_broadcast) t.overflow.reset();
        }
        if (t.clients.empty() && beyond == 0 && t.requests == 0) {
            // Reported once as empty (so the manager sees 0 at once), then forgotten.
            if (t.reported_empty) {
                it = broadcasts_.erase(it);
                continue;
            }
            t.reported_empty = true;
        }
        out.push_back(BroadcastAudience{t.channel, it->first, t.clients.size() + beyond, t.overflow != nullptr,
                                        t.bytes, t.requests});
        t.bytes = 0;
        t.requests = 0;
        ++it;
    }
    return out;
}

}  // namespace onair::server::hls
