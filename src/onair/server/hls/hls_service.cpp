// SPDX-License-Identifier: Apache-2.0
#include "onair/server/hls/hls_service.h"

namespace onair::server::hls {

HlsService::HlsService(const HlsOptions& options, std::chrono::seconds linger)
    : options_(options), linger_(linger) {}

void HlsService::OnBroadcastStarted(const std::shared_ptr<router::Broadcast>& broadcast) {
    auto channel = std::make_shared<HlsChannel>(broadcast->channel(), broadcast->id(), options_);
    {
        std::lock_guard lock(mu_);
        PurgeLocked(std::chrono::steady_clock::now());
        channels_[broadcast->channel()] = Entry{channel, broadcast->id(), {}, false};
    }
    broadcast->Subscribe(channel, /*from_gop_cache=*/true);
}

void HlsService::OnBroadcastEnded(const std::shared_ptr<router::Broadcast>& broadcast) {
    std::lock_guard lock(mu_);
    auto it = channels_.find(broadcast->channel());
    if (it != channels_.end() && it->second.broadcast_id == broadcast->id()) {
        it->second.ended = true;
        it->second.ended_at = std::chrono::steady_clock::now();
    }
}

std::shared_ptr<HlsChannel> HlsService::Find(std::string_view channel) {
    std::lock_guard lock(mu_);
    auto it = channels_.find(channel);
    if (it == channels_.end()) return nullptr;
    if (it->second.ended && std::chrono::steady_clock::now() - it->second.ended_at > linger_) {
        channels_.erase(it);
        return nullptr;
    }
    return it->second.channel;
}

void HlsService::PurgeLocked(std::chrono::steady_clock::time_point now) {
    std::erase_if(channels_, [&](const auto& kv) { return kv.second.ended && now - kv.second.ended_at > linger_; });
}

}  // namespace onair::server::hls
