// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "onair/bus/bus.h"
#include "onair/server/hls/audience.h"
#include "onair/server/hls/audience_observer.h"

namespace onair::server::hls {

/// Every `interval`, on a thread of its own, publishes on the bus the
/// `edge.stats` event (docs/EVENTS.md) of each broadcast the Audience
/// counted, for the manager to sum by channel. Only a channel's current
/// broadcast (BroadcastAudienceObserver::CurrentBroadcast) is reported: an
/// earlier one still lingering here (its last report: zeros) must not
/// replace this edge's count of the live one.
class AudienceReporter {
public:
    static constexpr std::chrono::seconds kInterval{5};

    AudienceReporter(onair::bus::Bus& bus, Audience& audience, const BroadcastAudienceObserver& observer, std::string node,
                     std::chrono::milliseconds interval = kInterval)
        : bus_(bus), audience_(audience), observer_(observer), node_(std::move(node)), interval_(interval) {}
    ~AudienceReporter() { Stop(); }
    AudienceReporter(const AudienceReporter&) = delete;
    AudienceReporter& operator=(const AudienceReporter&) = delete;

    void Start();
    void Stop();
    /// One round (the thread's, every interval; tests).
    void Report(std::chrono::steady_clock::time_point now);

private:
    onair::bus::Bus& bus_;
    Audience& audience_;
    const BroadcastAudienceObserver& observer_;
    const std::string node_;
    const std::chrono::milliseconds interval_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace onair::server::hls
