// SPDX-License-Identifier: Apache-2.0
#include "onair/server/hls/audience_reporter.h"

#include "onair/runtime/wall_clock.h"

namespace onair::server::hls {

void AudienceReporter::Start() {
    if (thread_.joinable()) return;
    thread_ = std::thread([this] {
        std::unique_lock lock(mu_);
        while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
            lock.unlock();
            Report(std::chrono::steady_clock::now());
            lock.lock();
        }
    });
}

void AudienceReporter::Stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void AudienceReporter::Report(std::chrono::steady_clock::time_point now) {
    const AudienceOptions defaults;
    for (const auto& a : audience_.Collect(now)) {
        const auto current = observer_.CurrentBroadcast(a.channel);
        if (!current || *current != a.broadcast_id) continue;
        bus_.PublishEvent(a.channel, EdgeStatsEvent(a, node_, interval_, defaults.viewer_window, runtime::WallClockMs()));
    }
}

}  // namespace onair::server::hls
