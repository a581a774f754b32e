// SPDX-License-Identifier: Apache-2.0
#include "onair/server/hls/hls_service.h"

namespace onair::server::hls {

HlsService::HlsService(const HlsOptions& options, std::chrono::seconds linger)
    : options_(options), linger_(linger) {}

std::shared_ptr<HlsChannel> HlsService::Open(const std::string& channel, const std::string& broadcast_id) {
    auto hls = std::make_shared<HlsChannel>(channel, broadcast_id, options_);
    std::lock_guard lock(mu_);
    PurgeLocked(std::chrono::steady_clock::now());
    channels_[channel] = Entry{hls, broadcast_id, {}, false};
    return hls;
}

void HlsService::Ended(const std::string& channel, const std::string& broadcast_id) {
    std::lock_guard lock(mu_);
    auto it = channels_.find(channel);
    if (it != channels_.end() && it->second.broadcast_id == broadcast_id) {
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

size_t HlsService::size() {
    std::lock_guard lock(mu_);
    PurgeLocked(std::chrono::steady_clock::now());
    return channels_.size();
}

void HlsService::PurgeLocked(std::chrono::steady_clock::time_point now) {
    std::erase_if(channels_, [&](const auto& kv) { return kv.second.ended && now - kv.second.ended_at > linger_; });
}

}  // namespace onair::server::hls
