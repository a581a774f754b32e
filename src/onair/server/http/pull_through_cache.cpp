// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/pull_through_cache.h"

#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <vector>

#include "onair/runtime/logger.h"
#include "onair/server/http/http_client.h"

namespace onair::server::http {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr std::chrono::milliseconds kDefaultPlaylistTtl{1000};
// A playlist's TARGETDURATION is looked for in its first bytes only.
constexpr size_t kPlaylistHeadBytes = 4096;

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<int64_t> Number(std::string_view s) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p == s.data() || v < 0) return std::nullopt;
    return v;
}

struct CacheControl {
    bool no_store = false;  // no-store, no-cache, private
    bool immutable = false;
    std::optional<int64_t> max_age_s;
};

CacheControl ParseCacheControl(std::string_view value) {
    CacheControl cc;
    const std::string lower = Lower(value);
    std::string_view rest = lower;
    while (!rest.empty()) {
        const size_t comma = rest.find(',');
        const std::string_view d = Trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (d == "no-store" || d == "no-cache" || d == "private") cc.no_store = true;
        if (d == "immutable") cc.immutable = true;
        if (d.starts_with("max-age=")) cc.max_age_s = Number(d.substr(8));
    }
    return cc;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Freshness FreshnessOf(std::string_view path, std::string_view content_type, std::string_view cache_control,
                      std::string_view body) {
    const CacheControl cc = ParseCacheControl(cache_control);
    if (cc.no_store) return {};
    const bool playlist = EndsWith(path, ".m3u8") || Lower(content_type).find("mpegurl") != std::string::npos;
    const std::chrono::milliseconds max_age{cc.max_age_s ? std::min<int64_t>(*cc.max_age_s, 365LL * 86400) * 1000 : 0};
    if (playlist && body.find("#EXT-X-ENDLIST") == std::string_view::npos) {
        std::chrono::milliseconds cap = kDefaultPlaylistTtl;
        const std::string_view head = body.substr(0, kPlaylistHeadBytes);
        constexpr std::string_view kTag = "#EXT-X-TARGETDURATION:";
        if (const size_t at = head.find(kTag); at != std::string_view::npos) {
            std::string_view v = head.substr(at + kTag.size());
            v = v.substr(0, v.find_first_of("\r\n"));
            if (auto target = Number(Trim(v)); target && *target > 0 && *target <= 3600)
                cap = std::chrono::milliseconds(*target * 500);
        }
        const auto ttl = cc.max_age_s ? std::min(max_age, cap) : cap;
        if (ttl.count() == 0) return {};
        return {true, ttl};
    }
    if (cc.immutable) return {true, std::nullopt};
    if (!cc.max_age_s || max_age.count() == 0) return {};
    return {true, max_age};
}

struct PullThroughCache::Waiter {
    explicit Waiter(asio::any_io_executor ex) : timer(std::move(ex)) {}
    asio::steady_timer timer;  // cancelled (on its own executor) when the fetch is done
};

struct PullThroughCache::Pending {
    std::vector<std::shared_ptr<Waiter>> waiters;
    std::optional<HttpResponse> result;
};

base::Result<std::unique_ptr<PullThroughCache>> PullThroughCache::Make(PullThroughOptions options,
                                                                       runtime::Metrics& metrics) {
    auto url = ParseUrl(options.upstream);
    if (!url.ok()) return base::MakeError(url.error().code, "edge upstream: " + url.error().message);
    if (url->path != "/" || !url->query.empty())
        return base::MakeError(base::ErrorCode::kInvalidData, "edge upstream: give scheme://HOST:PORT, no path");
    return std::unique_ptr<PullThroughCache>(new PullThroughCache(std::move(options), std::move(url.value()), metrics));
}

PullThroughCache::PullThroughCache(PullThroughOptions options, Url upstream, runtime::Metrics& metrics)
    : options_(std::move(options)),
      upstream_(std::move(upstream)),
      hits_(metrics.counter("onair_edge_cache_requests_total", "Requests of the pull-through cache by outcome",
                            "result=\"hit\"")),
      misses_(metrics.counter("onair_edge_cache_requests_total", "Requests of the pull-through cache by outcome",
                              "result=\"miss\"")),
      coalesced_(metrics.counter("onair_edge_cache_requests_total", "Requests of the pull-through cache by outcome",
                                 "result=\"coalesced\"")),
      upstream_errors_(metrics.counter("onair_edge_cache_upstream_errors_total",
                                       "Upstream fetches that failed (answered 502)")),
      bytes_gauge_(metrics.gauge("onair_edge_cache_bytes", "Bytes of bodies the pull-through cache holds")) {}

PullThroughCache::Stats PullThroughCache::stats() const {
    std::lock_guard lock(mu_);
    return Stats{hits_.Value(), misses_.Value(), coalesced_.Value(), upstream_errors_.Value(), bytes_,
                 entries_.size()};
}

void PullThroughCache::EraseLocked(std::unordered_map<std::string, Entry>::iterator it) {
    bytes_ -= it->second.response.body.size();
    lru_.erase(it->second.lru);
    entries_.erase(it);
}

std::optional<HttpResponse> PullThroughCache::FreshLocked(const std::string& key, Clock::time_point now) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    Entry& e = it->second;
    if (e.expires_at && now >= *e.expires_at) {
        EraseLocked(it);
        bytes_gauge_.Set(static_cast<int64_t>(bytes_));
        return std::nullopt;
    }
    lru_.splice(lru_.begin(), lru_, e.lru);
    HttpResponse r = e.response;
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - e.fetched_at).count();
    r.headers.emplace_back("Age", std::to_string(age));
    return r;
}

void PullThroughCache::StoreLocked(const std::string& key, const HttpResponse& response, const Freshness& freshness,
                                   Clock::time_point now) {
    const uint64_t size = response.body.size();
    // One object never takes more than an eighth of the cache.
    if (!freshness.store || size > options_.max_bytes / 8) return;
    if (auto old = entries_.find(key); old != entries_.end()) EraseLocked(old);
    while (bytes_ + size > options_.max_bytes && !lru_.empty()) EraseLocked(entries_.find(lru_.back()));
    lru_.push_front(key);
    Entry e{response, now, std::nullopt, lru_.begin()};
    if (freshness.ttl) e.expires_at = now + *freshness.ttl;
    entries_.emplace(key, std::move(e));
    bytes_ += size;
    bytes_gauge_.Set(static_cast<int64_t>(bytes_));
}

HttpResponse PullThroughCache::UpstreamError(const std::string& target, const std::string& why) {
    upstream_errors_.Inc();
    const uint64_t n = errors_logged_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (n <= 10 || n % 100 == 0) {
        // The path only: a query string may carry a token.
        runtime::Logger("edge").Warn("upstream fetch failed", {{"url.path", target.substr(0, target.find('?'))},
                                                               {"onair.upstream", upstream_.Redacted()},
                                                               {"error.message", why},
                                                               {"onair.upstream_errors", n}});
    }
    HttpResponse r = HttpResponse::Text(502, "bad gateway: upstream " + upstream_.authority() + ": " + why + "\n");
    r.cache_control = "no-store";
    return r;
}

asio::awaitable<HttpResponse> PullThroughCache::FetchUpstream(const std::string& target) {
    FetchRequest req;
    req.method = HttpMethod::kGet;
    req.url = upstream_.scheme + "://" + upstream_.authority() + target;
    req.timeout = options_.fetch_timeout;
    req.max_body_bytes = static_cast<size_t>(options_.max_object_bytes);
    const auto executor = co_await asio::this_coro::executor;
    auto fetched = co_await Fetch(executor, std::move(req));
    if (!fetched.ok()) co_return UpstreamError(target, fetched.error().message);
    FetchResponse& up = fetched.value();
    if (up.status >= 500) co_return UpstreamError(target, "answered " + std::to_string(up.status));
    HttpResponse r;
    r.status = up.status;
    r.content_type = up.header("Content-Type").empty() ? "application/octet-stream" : std::string(up.header("Content-Type"));
    r.cache_control = up.header("Cache-Control").empty() ? "no-cache" : std::string(up.header("Cache-Control"));
    r.etag = std::string(up.header("ETag"));
    r.body = base::SharedBuffer::Copy(std::string_view(up.body));
    co_return r;
}

asio::awaitable<HttpResponse> PullThroughCache::Serve(const HttpRequest& request) {
    if (request.verb == HttpMethod::kOptions) {
        HttpResponse r;
        r.status = 204;
        r.headers = {{"Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"},
                     {"Access-Control-Allow-Headers", "Range, If-None-Match"},
                     {"Access-Control-Max-Age", "86400"}};
        co_return r;
    }
    if (request.verb != HttpMethod::kGet && request.verb != HttpMethod::kHead) {
        auto r = HttpResponse::Text(405, "method not allowed\n");
        r.headers = {{"Allow", "GET, HEAD, OPTIONS"}};
        co_return r;
    }
    std::string key(request.path);
    if (!request.query.empty()) key.append("?").append(request.query);

    const auto executor = co_await asio::this_coro::executor;
    std::shared_ptr<Pending> pending;
    std::shared_ptr<Waiter> waiter;
    {
        std::lock_guard lock(mu_);
        if (auto hit = FreshLocked(key, Clock::now())) {
            hits_.Inc();
            co_return std::move(*hit);
        }
        if (auto p = pending_.find(key); p != pending_.end()) {
            pending = p->second;
            waiter = std::make_shared<Waiter>(executor);
            pending->waiters.push_back(waiter);
            coalesced_.Inc();
        } else {
            pending = std::make_shared<Pending>();
            pending_.emplace(key, pending);
            misses_.Inc();
        }
    }
    if (waiter) {
        // Woken by the fetcher's cancel, or the bounded wait is over.
        waiter->timer.expires_after(options_.wait_timeout());
        co_await waiter->timer.async_wait(kTuple);
        std::lock_guard lock(mu_);
        if (pending->result) co_return *pending->result;
        co_return UpstreamError(key, "no answer within " + std::to_string(options_.wait_timeout().count()) + " ms");
    }

    HttpResponse r = co_await FetchUpstream(key);
    std::vector<std::shared_ptr<Waiter>> waiters;
    {
        std::lock_guard lock(mu_);
        if (r.status == 200)
            StoreLocked(key, r, FreshnessOf(request.path, r.content_type, r.cache_control, r.body.view()),
                        Clock::now());
        pending->result = r;
        waiters.swap(pending->waiters);
        pending_.erase(key);
    }
    for (auto& w : waiters) asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
    co_return r;
}

}  // namespace onair::server::http
