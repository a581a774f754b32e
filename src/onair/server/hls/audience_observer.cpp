// SPDX-License-Identifier: Apache-2.0
#include "onair/server/hls/audience_observer.h"

#include <algorithm>

namespace onair::server::hls {

namespace {

/// "/<app>/<channel>/<rest>": the channel and the rest (may be empty), or
/// an empty channel.
struct AppPath {
    std::string_view channel;
    std::string_view rest;
};

AppPath SplitAppPath(std::string_view path, std::string_view app) {
    if (path.size() < app.size() + 3 || path[0] != '/' || path.substr(1, app.size()) != app ||
        path[app.size() + 1] != '/')
        return {};
    path.remove_prefix(app.size() + 2);
    const size_t slash = path.find('/');
    if (slash == std::string_view::npos || slash == 0) return {};
    return {path.substr(0, slash), path.substr(slash + 1)};
}

bool Answered(unsigned status) { return status == 200 || status == 206 || status == 304; }

}  // namespace

void AudienceObserver::OnRequest(const http::CompletedRequest& r) {
    const AppPath p = SplitAppPath(r.path, app_);
    if (p.channel.empty()) return;
    auto hls = hls_.Find(p.channel);
    if (!hls) return;
    audience_.Record(hls->channel(), hls->broadcast_id(), r.client_ip, r.user_agent, r.body_bytes, Answered(r.status),
                     std::chrono::steady_clock::now());
}

std::optional<std::string> AudienceObserver::CurrentBroadcast(std::string_view channel) const {
    auto hls = hls_.Find(channel);
    if (!hls) return std::nullopt;
    return std::string(hls->broadcast_id());
}

std::string_view CacheAudienceObserver::BroadcastOfSegment(std::string_view file) {
    const size_t dot = file.rfind('.');
    if (dot == std::string_view::npos) return {};
    const std::string_view ext = file.substr(dot + 1);
    if (ext != "ts" && ext != "m4s") return {};
    const std::string_view stem = file.substr(0, dot);
    const size_t dash = stem.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == stem.size()) return {};
    const std::string_view number = stem.substr(dash + 1);
    if (!std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; })) return {};
    const std::string_view id = stem.substr(0, dash);
    const bool name_chars = id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    return name_chars ? id : std::string_view{};
}

void CacheAudienceObserver::OnRequest(const http::CompletedRequest& r) {
    if (!Answered(r.status)) return;
    const AppPath p = SplitAppPath(r.path, app_);
    if (p.channel.empty() || p.channel.size() > 64) return;
    const std::string_view file = p.rest.substr(p.rest.rfind('/') + 1);
    const std::string_view named = BroadcastOfSegment(file);
    const auto now = std::chrono::steady_clock::now();
    std::string broadcast;
    {
        std::lock_guard lock(mu_);
        auto it = channels_.find(p.channel);
        if (named.empty()) {
            if (it == channels_.end()) return;  // a playlist before any segment
            broadcast = it->second.broadcast_id;
        } else {
            if (it == channels_.end()) {
                if (channels_.size() >= max_channels_) {
                    channels_.erase(std::min_element(channels_.begin(), channels_.end(), [](const auto& a, const auto& b) {
                        return a.second.seen < b.second.seen;
                    }));
                }
                it = channels_.emplace(std::string(p.channel), Learnt{}).first;
            }
            if (it->second.broadcast_id != named) it->second.broadcast_id = std::string(named);
            broadcast = it->second.broadcast_id;
        }
        it->second.seen = now;
    }
    audience_.Record(p.channel, broadcast, r.client_ip, r.user_agent, r.body_bytes, /*counts_as_viewer=*/true, now);
}

std::optional<std::string> CacheAudienceObserver::CurrentBroadcast(std::string_view channel) const {
    std::lock_guard lock(mu_);
    auto it = channels_.find(channel);
    if (it == channels_.end()) return std::nullopt;
    return it->second.broadcast_id;
}

}  // namespace onair::server::hls
