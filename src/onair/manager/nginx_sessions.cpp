// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/nginx_sessions.h"

#include <functional>
#include <string_view>

namespace onair::manager {

NginxSessions::NginxSessions(size_t max_sessions, int64_t fresh_ms)
    : max_sessions_(max_sessions > 0 ? max_sessions : 1), fresh_ms_(fresh_ms) {}

std::string NginxSessions::StreamOf(const NginxRtmpCall& call) {
    std::string stream = call.app;
    stream += '\0';
    stream += std::to_string(std::hash<std::string_view>{}(call.name));
    return stream;
}

std::string NginxSessions::KeyOf(const NginxRtmpCall& call) {
    std::string key = StreamOf(call);
    key += '\0';
    key += call.addr;
    key += '\0';
    key += call.clientid;
    return key;
}

std::optional<std::string> NginxSessions::Add(const NginxRtmpCall& call, NginxSession session, int64_t now_ms) {
    std::string key = KeyOf(call);
    std::lock_guard lock(mu_);
    std::optional<std::string> displaced;
    if (auto it = sessions_.find(key); it != sessions_.end()) {
        displaced = std::move(it->second.session.broadcast_id);
        lru_.erase(it->second.lru);
        sessions_.erase(it);
    } else if (sessions_.size() >= max_sessions_) {
        auto oldest = sessions_.find(lru_.back());
        displaced = std::move(oldest->second.session.broadcast_id);
        sessions_.erase(oldest);
        lru_.pop_back();
    }
    lru_.push_front(key);
    sessions_.emplace(std::move(key), Entry{std::move(session), StreamOf(call), now_ms, lru_.begin()});
    return displaced;
}

std::optional<NginxSession> NginxSessions::Touch(const NginxRtmpCall& call, int64_t now_ms) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(KeyOf(call));
    if (it == sessions_.end()) return std::nullopt;
    it->second.seen_ms = now_ms;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second.session;
}

std::optional<NginxSession> NginxSessions::Take(const NginxRtmpCall& call) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(KeyOf(call));
    if (it == sessions_.end()) return std::nullopt;
    NginxSession s = std::move(it->second.session);
    lru_.erase(it->second.lru);
    sessions_.erase(it);
    return s;
}

bool NginxSessions::Publishing(const NginxRtmpCall& call, int64_t now_ms) const {
    const std::string stream = StreamOf(call);
    const std::string own = KeyOf(call);
    std::lock_guard lock(mu_);
    for (const auto& [key, e] : sessions_) {  // on_publish only; at most max_sessions
        if (e.stream == stream && key != own && now_ms - e.seen_ms <= fresh_ms_) return true;
    }
    return false;
}

size_t NginxSessions::size() const {
    std::lock_guard lock(mu_);
    return sessions_.size();
}

}  // namespace onair::manager
