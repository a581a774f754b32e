// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/nginx_sessions.h"

#include <functional>
#include <string_view>

namespace onair::manager {

NginxSessions::NginxSessions(size_t max_sessions) : max_sessions_(max_sessions > 0 ? max_sessions : 1) {}

std::string NginxSessions::KeyOf(const NginxRtmpCall& call) {
    std::string key = call.app;
    key += '\0';
    key += call.addr;
    key += '\0';
    key += call.clientid;
    key += '\0';
    key += std::to_string(std::hash<std::string_view>{}(call.name));
    return key;
}

std::optional<std::string> NginxSessions::Add(const NginxRtmpCall& call, NginxSession session) {
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
    sessions_.emplace(std::move(key), Entry{std::move(session), lru_.begin()});
    return displaced;
}

std::optional<NginxSession> NginxSessions::Touch(const NginxRtmpCall& call) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(KeyOf(call));
    if (it == sessions_.end()) return std::nullopt;
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

size_t NginxSessions::size() const {
    std::lock_guard lock(mu_);
    return sessions_.size();
}

}  // namespace onair::manager
