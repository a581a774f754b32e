// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "onair/manager/nginx_rtmp_hooks.h"

namespace onair::manager {

/// The broadcast the manager made for an nginx-rtmp publish session.
struct NginxSession {
    std::string broadcast_id;
    std::string channel;
};

/// nginx-rtmp's later callbacks (on_update, on_publish_done) name a session
/// only as on_publish did: app, addr, clientid and the name first published
/// (the key, also after a rename or push). This maps that to the broadcast
/// on_publish created. A session is told apart by all four (clientid alone
/// restarts at 1 with nginx, and one connection may publish several
/// streams); the name is kept only as a hash.
///
/// Bounded: beyond `max_sessions` the least recently seen is forgotten (its
/// publisher is then dropped at its next on_update, as unknown).
/// Thread-safe.
class NginxSessions {
public:
    explicit NginxSessions(size_t max_sessions = 4096);

    /// An allowed on_publish. Returns the broadcast this displaced, for the
    /// caller to end: the one held under the same session (a stale one,
    /// from before nginx restarted) or the one forgotten to stay bounded.
    std::optional<std::string> Add(const NginxRtmpCall& call, NginxSession session);
    /// on_update: the session, now the most recently seen.
    std::optional<NginxSession> Touch(const NginxRtmpCall& call);
    /// on_publish_done: the session, forgotten.
    std::optional<NginxSession> Take(const NginxRtmpCall& call);

    size_t size() const;

private:
    struct Entry {
        NginxSession session;
        std::list<std::string>::iterator lru;
    };
    static std::string KeyOf(const NginxRtmpCall& call);

    const size_t max_sessions_;
    mutable std::mutex mu_;
    std::list<std::string> lru_;  // front: most recently seen
    std::unordered_map<std::string, Entry> sessions_;
};

}  // namespace onair::manager
