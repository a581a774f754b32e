// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "onair/router/stream_hub.h"
#include "onair/server/hls/hls_channel.h"

namespace onair::server::hls {

/// Packages every live broadcast as HLS in memory. A broadcast that ended
/// stays readable (with EXT-X-ENDLIST) for `linger` and is then dropped.
class HlsService final : public router::HubListener {
public:
    HlsService(const HlsOptions& options, std::chrono::seconds linger);

    void OnBroadcastStarted(const std::shared_ptr<router::Broadcast>& broadcast) override;
    void OnBroadcastEnded(const std::shared_ptr<router::Broadcast>& broadcast) override;

    std::shared_ptr<HlsChannel> Find(std::string_view channel);

private:
    void PurgeLocked(std::chrono::steady_clock::time_point now);

    struct Entry {
        std::shared_ptr<HlsChannel> channel;
        std::string broadcast_id;
        std::chrono::steady_clock::time_point ended_at{};
        bool ended = false;
    };
    const HlsOptions options_;
    const std::chrono::seconds linger_;
    std::mutex mu_;
    std::map<std::string, Entry, std::less<>> channels_;
};

}  // namespace onair::server::hls
