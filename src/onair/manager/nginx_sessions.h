// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
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
/// publisher is then dropped at its next on_update, as unknown). Times are
/// the caller's clock (ms). Thread-safe.
class NginxSessions {
public:
    /// A session not seen (on_publish, on_update) for `fresh_ms` no longer
    /// counts as publishing: nginx went away without on_publish_done.
    explicit NginxSessions(size_t max_sessions = 4096, int64_t fresh_ms = 5000);

    /// An allowed on_publish. Returns the broadcast this displaced, for the
    /// caller to end: the one held under the same session (a stale one,
    /// from before nginx restarted) or the one forgotten to stay bounded.
    std::optional<std::string> Add(const NginxRtmpCall& call, NginxSession session, int64_t now_ms);
    /// on_update: the session, now the most recently seen.
    std::optional<NginxSession> Touch(const NginxRtmpCall& call, int64_t now_ms);
    /// on_publish_done: the session, forgotten.
    std::optional<NginxSession> Take(const NginxRtmpCall& call);

    /// Whether another session, fresh, publishes `call`'s name in its app.
    /// nginx-rtmp refuses such a publish itself ("already publishing"), but
    /// only after on_publish: asking the manager would end the live
    /// broadcast as taken over for a publisher nginx then drops. So with
    /// nginx-rtmp the first publisher keeps the stream until it goes.
    bool Publishing(const NginxRtmpCall& call, int64_t now_ms) const;

    size_t size() const;

private:
    struct Entry {
        NginxSession session;
        std::string stream;  // StreamOf
        int64_t seen_ms = 0;
        std::list<std::string>::iterator lru;
    };
    static std::string StreamOf(const NginxRtmpCall& call);  // app and name
    static std::string KeyOf(const NginxRtmpCall& call);     // the stream, addr and clientid

    const size_t max_sessions_;
    const int64_t fresh_ms_;
    mutable std::mutex mu_;
    std::list<std::string> lru_;  // front: most recently seen
    std::unordered_map<std::string, Entry> sessions_;
};

}  // namespace onair::manager
