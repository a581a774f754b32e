// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "onair/base/result.h"
#include "onair/runtime/metrics.h"
#include "onair/server/http/http_types.h"
#include "onair/server/http/url.h"

namespace onair::server::http {

/// How long a response from the upstream may be served from the cache.
struct Freshness {
    bool store = false;  // false: not kept (no-store, no-cache, no lifetime, not a 200)
    std::optional<std::chrono::milliseconds> ttl;  // nullopt with store: immutable, kept until evicted
};

/// The lifetime of an upstream 200 (RFC 9111, simplified for HLS):
///  * `no-store` / `no-cache` / `private`: not kept;
///  * a live playlist (`.m3u8`, or a Content-Type with "mpegurl", without
///    EXT-X-ENDLIST): the upstream's max-age, at most half its
///    EXT-X-TARGETDURATION (1 s when it has none or says no max-age);
///  * `immutable`: kept until evicted;
///  * anything else: its max-age (a VOD playlist's included); none: not kept.
Freshness FreshnessOf(std::string_view path, std::string_view content_type, std::string_view cache_control,
                      std::string_view body);

struct PullThroughOptions {
    std::string upstream;                          // http(s)://HOST:PORT of the upstream edge or origin
    uint64_t max_bytes = 512ull << 20;             // bodies kept, all together (LRU beyond)
    uint64_t max_object_bytes = 64ull << 20;       // a larger upstream body is a 502 (never held whole beyond it)
    std::chrono::milliseconds fetch_timeout{5000}; // one upstream exchange, connect to last byte
    /// How long a request waits for another's fetch of the same URL before
    /// it gives up (502): the fetch's own timeout plus a second.
    std::chrono::milliseconds wait_timeout() const { return fetch_timeout + std::chrono::seconds(1); }
};

/// An edge in front of another edge or an origin (`onair edge --upstream`):
/// GET and HEAD of `/live/...` and `/vod/...` are answered from memory, and
/// a miss is fetched from the upstream once however many requests want it
/// (request coalescing: the others wait, without a thread, up to
/// wait_timeout(), and get the same answer). 200s are kept as FreshnessOf
/// says, with the upstream's Content-Type, Cache-Control and ETag (so
/// If-None-Match and Range work here: HttpSession does them on the cached
/// 200) and an `Age`; bounded by bytes, least recently used first out. Other
/// upstream answers are passed on, not kept; an upstream that cannot be
/// reached, times out, answers 5xx or too large a body is a 502 with a short
/// text saying so and a log line (the first 10, then one in 100).
/// Thread-safe: every IO thread serves from the same cache.
class PullThroughCache {
public:
    static base::Result<std::unique_ptr<PullThroughCache>> Make(PullThroughOptions options,
                                                                runtime::Metrics& metrics);

    /// The AsyncHttpHandler of the cached paths.
    boost::asio::awaitable<HttpResponse> Serve(const HttpRequest& request);

    struct Stats {
        uint64_t hits = 0;
        uint64_t misses = 0;     // fetched upstream
        uint64_t coalesced = 0;  // waited for another request's fetch
        uint64_t upstream_errors = 0;
        uint64_t bytes = 0;      // bodies kept now
        uint64_t objects = 0;
    };
    Stats stats() const;

private:
    struct Entry {
        HttpResponse response;
        std::chrono::steady_clock::time_point fetched_at;
        std::optional<std::chrono::steady_clock::time_point> expires_at;  // nullopt: immutable
        std::list<std::string>::iterator lru;
    };
    struct Waiter;
    struct Pending;

    PullThroughCache(PullThroughOptions options, Url upstream, runtime::Metrics& metrics);
    std::optional<HttpResponse> FreshLocked(const std::string& key, std::chrono::steady_clock::time_point now);
    void StoreLocked(const std::string& key, const HttpResponse& response, const Freshness& freshness,
                     std::chrono::steady_clock::time_point now);
    void EraseLocked(std::unordered_map<std::string, Entry>::iterator it);
    boost::asio::awaitable<HttpResponse> FetchUpstream(const std::string& target);
    HttpResponse UpstreamError(const std::string& target, const std::string& why);

    const PullThroughOptions options_;
    const Url upstream_;
    runtime::Counter& hits_;
    runtime::Counter& misses_;
    runtime::Counter& coalesced_;
    runtime::Counter& upstream_errors_;
    runtime::Gauge& bytes_gauge_;
    std::atomic<uint64_t> errors_logged_{0};
    mutable std::mutex mu_;
    std::unordered_map<std::string, Entry> entries_;
    std::list<std::string> lru_;  // most recently used first
    uint64_t bytes_ = 0;
    std::unordered_map<std::string, std::shared_ptr<Pending>> pending_;
};

}  // namespace onair::server::http
