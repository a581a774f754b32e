// SPDX-License-Identifier: Apache-2.0
// The pull-through cache between two real HttpServers on loopback: an
// upstream that counts its requests, and an edge whose /live and /vod are
// PullThroughCache::Serve. Coalescing (20 concurrent GETs of one segment →
// one upstream request), a playlist refetched after its max-age, the
// upstream's headers kept (304 and 206 served from the cache), the LRU
// bound, and a 502 when the upstream is down.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "onair/server/http/http_dispatcher.h"
#include "onair/server/http/pull_through_cache.h"
#include "unit/server/http/http_test_server.h"

namespace onair::server::http {
namespace {

using std::chrono::milliseconds;
using testing::RawConnection;
using testing::TestHttpServer;

// An upstream: segments (immutable, slow to answer so that requests
// overlap), a live playlist (max-age=1, numbered per request), a 404.
class Upstream {
public:
    Upstream() : server_(Dispatcher(), {}, 1) {}
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
    int count(const std::string& path) {
        std::lock_guard lock(mu_);
        return counts_[path];
    }
    std::atomic<int> segment_delay_ms{0};

private:
    HttpDispatcher Dispatcher() {
        HttpDispatcher d;
        d.HandleBlocking("/", [this](const HttpRequest& req) {
            const std::string path(req.path);
            int n = 0;
            {
                std::lock_guard lock(mu_);
                n = ++counts_[path];
            }
            if (path.ends_with(".m3u8")) {
                HttpResponse r = HttpResponse::Text(
                    200, "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:" + std::to_string(n) + "\n");
                r.content_type = "application/vnd.apple.mpegurl";
                r.cache_control = "max-age=1";
                return r;
            }
            if (path.ends_with(".ts")) {
                std::this_thread::sleep_for(milliseconds(segment_delay_ms.load()));
                HttpResponse r = HttpResponse::Text(200, std::string(1000, static_cast<char>('a' + path.size() % 26)));
                r.content_type = "video/mp2t";
                r.cache_control = "public, max-age=31536000, immutable";
                r.etag = "\"seg-" + path + "\"";
                return r;
            }
            return HttpResponse::NotFound();
        });
        return d;
    }

    std::mutex mu_;
    std::map<std::string, int> counts_;
    TestHttpServer server_;
};

HttpDispatcher EdgeDispatcher(PullThroughCache& cache) {
    HttpDispatcher d;
    auto serve = [&cache](const HttpRequest& req) { return cache.Serve(req); };
    d.HandleAsync("/live", serve);
    d.HandleAsync("/vod", serve);
    return d;
}

std::unique_ptr<PullThroughCache> MakeCache(const std::string& upstream, runtime::Metrics& metrics,
                                            uint64_t max_bytes = 1u << 20) {
    PullThroughOptions o;
    o.upstream = upstream;
    o.max_bytes = max_bytes;
    o.fetch_timeout = milliseconds(2000);
    auto made = PullThroughCache::Make(o, metrics);
    EXPECT_TRUE(made.ok()) << made.error().message;
    return made.ok() ? std::move(made.value()) : nullptr;
}

// An upstream and an edge caching it, with its IO threads.
struct Tier {
    explicit Tier(uint64_t max_bytes = 1u << 20, unsigned edge_threads = 1)
        : cache(MakeCache(upstream.url(), metrics, max_bytes)), edge(EdgeDispatcher(*cache), {}, edge_threads) {}
    Upstream upstream;
    runtime::Metrics metrics;
    std::unique_ptr<PullThroughCache> cache;
    TestHttpServer edge;
};

boost::beast::http::response<boost::beast::http::string_body> Get(uint16_t port, const std::string& path,
                                                                  const std::string& extra = "") {
    RawConnection c(port);
    c.Send("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + extra + "Connection: close\r\n\r\n");
    return c.Read();
}

TEST(PullThroughCacheTest, TwentyConcurrentMissesMakeOneUpstreamRequest) {
    Tier t(1u << 20, /*edge_threads=*/2);
    t.upstream.segment_delay_ms = 300;  // every request arrives while the first fetch is on the way

    constexpr int kClients = 20;
    std::vector<std::thread> clients;
    std::vector<int> statuses(kClients);
    std::vector<size_t> sizes(kClients);
    for (int i = 0; i < kClients; ++i) {
        clients.emplace_back([&, i] {
            auto r = Get(t.edge.port(), "/live/studio/src/b1-7.ts");
            statuses[i] = r.result_int();
            sizes[i] = r.body().size();
        });
    }
    for (auto& c : clients) c.join();
    for (int i = 0; i < kClients; ++i) {
        EXPECT_EQ(statuses[i], 200) << i;
        EXPECT_EQ(sizes[i], 1000u) << i;
    }
    EXPECT_EQ(t.upstream.count("/live/studio/src/b1-7.ts"), 1);
    const auto s = t.cache->stats();
    EXPECT_EQ(s.misses, 1u);
    EXPECT_EQ(s.coalesced + s.hits, kClients - 1u);
    EXPECT_GT(s.coalesced, 0u);
    EXPECT_EQ(s.upstream_errors, 0u);

    // Immutable: served from memory from now on, with the upstream's headers.
    auto again = Get(t.edge.port(), "/live/studio/src/b1-7.ts");
    EXPECT_EQ(again.result_int(), 200);
    EXPECT_EQ(again[boost::beast::http::field::content_type], "video/mp2t");
    EXPECT_EQ(again[boost::beast::http::field::cache_control], "public, max-age=31536000, immutable");
    EXPECT_EQ(again[boost::beast::http::field::etag], "\"seg-/live/studio/src/b1-7.ts\"");
    EXPECT_FALSE(again["Age"].empty());
    EXPECT_EQ(t.upstream.count("/live/studio/src/b1-7.ts"), 1);
}

TEST(PullThroughCacheTest, EtagAndRangeAreServedFromTheCache) {
    Tier t;
    const std::string path = "/vod/rec1/12.ts";
    ASSERT_EQ(Get(t.edge.port(), path).result_int(), 200);
    auto not_modified = Get(t.edge.port(), path, "If-None-Match: \"seg-" + path + "\"\r\n");
    EXPECT_EQ(not_modified.result_int(), 304);
    auto part = Get(t.edge.port(), path, "Range: bytes=10-19\r\n");
    EXPECT_EQ(part.result_int(), 206);
    EXPECT_EQ(part.body().size(), 10u);
    EXPECT_EQ(t.upstream.count(path), 1);
}

TEST(PullThroughCacheTest, APlaylistIsRefetchedAfterItsMaxAge) {
    Tier t;
    const std::string path = "/live/studio/src/index.m3u8";
    auto first = Get(t.edge.port(), path);
    ASSERT_EQ(first.result_int(), 200);
    EXPECT_NE(first.body().find("MEDIA-SEQUENCE:1\n"), std::string::npos);
    EXPECT_EQ(first[boost::beast::http::field::cache_control], "max-age=1");
    auto cached = Get(t.edge.port(), path);
    EXPECT_EQ(cached.body(), first.body());
    EXPECT_EQ(t.upstream.count(path), 1);
    std::this_thread::sleep_for(milliseconds(1100));  // max-age=1 (under half the 4 s target)
    auto fresh = Get(t.edge.port(), path);
    EXPECT_NE(fresh.body().find("MEDIA-SEQUENCE:2\n"), std::string::npos) << fresh.body();
    EXPECT_EQ(t.upstream.count(path), 2);
}

TEST(PullThroughCacheTest, NotFoundIsPassedOnAndNotKept) {
    Tier t;
    EXPECT_EQ(Get(t.edge.port(), "/live/nobody/x").result_int(), 404);
    EXPECT_EQ(Get(t.edge.port(), "/live/nobody/x").result_int(), 404);
    EXPECT_EQ(t.upstream.count("/live/nobody/x"), 2);
    EXPECT_EQ(t.cache->stats().objects, 0u);
}

TEST(PullThroughCacheTest, TheCacheIsBoundedByBytesLeastRecentlyUsedFirstOut) {
    Tier t(/*max_bytes=*/8000);  // 8 segments of 1000 bytes
    for (int i = 0; i < 20; ++i) ASSERT_EQ(Get(t.edge.port(), "/live/s/src/b-" + std::to_string(i) + ".ts").result_int(), 200);
    EXPECT_LE(t.cache->stats().bytes, 8000u);
    EXPECT_EQ(t.cache->stats().objects, 8u);
    // The newest are kept, the oldest went.
    ASSERT_EQ(Get(t.edge.port(), "/live/s/src/b-19.ts").result_int(), 200);
    EXPECT_EQ(t.upstream.count("/live/s/src/b-19.ts"), 1);
    ASSERT_EQ(Get(t.edge.port(), "/live/s/src/b-0.ts").result_int(), 200);
    EXPECT_EQ(t.upstream.count("/live/s/src/b-0.ts"), 2);
    EXPECT_NE(t.metrics.Render().find("onair_edge_cache_bytes 8000"), std::string::npos);
}

TEST(PullThroughCacheTest, AnUpstreamThatIsDownIsA502) {
    // A port nobody listens on: bound, then closed.
    uint16_t port = 0;
    {
        boost::asio::io_context io;
        boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
        port = a.local_endpoint().port();
    }
    runtime::Metrics metrics;
    auto cache = MakeCache("http://127.0.0.1:" + std::to_string(port), metrics);
    TestHttpServer edge(EdgeDispatcher(*cache), {}, 1);
    auto r = Get(edge.port(), "/live/studio/src/b1-1.ts");
    EXPECT_EQ(r.result_int(), 502);
    EXPECT_NE(r.body().find("bad gateway: upstream 127.0.0.1:" + std::to_string(port)), std::string::npos) << r.body();
    EXPECT_EQ(r[boost::beast::http::field::cache_control], "no-store");
    EXPECT_EQ(cache->stats().upstream_errors, 1u);
    EXPECT_EQ(cache->stats().objects, 0u);
}

TEST(PullThroughCacheTest, FreshnessFollowsCacheControlAndCapsLivePlaylists) {
    using std::chrono::milliseconds;
    const std::string live = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n";
    auto f = FreshnessOf("/live/a/src/b-1.ts", "video/mp2t", "public, max-age=31536000, immutable", "");
    EXPECT_TRUE(f.store);
    EXPECT_FALSE(f.ttl);
    f = FreshnessOf("/live/a/src/index.m3u8", "application/vnd.apple.mpegurl", "max-age=10", live);
    EXPECT_TRUE(f.store);
    EXPECT_EQ(f.ttl, milliseconds(3000));  // half of TARGETDURATION 6
    f = FreshnessOf("/live/a/src/index.m3u8", "application/vnd.apple.mpegurl", "max-age=1", live);
    EXPECT_EQ(f.ttl, milliseconds(1000));
    f = FreshnessOf("/x", "application/vnd.apple.mpegurl", "", "#EXTM3U\n");
    EXPECT_EQ(f.ttl, milliseconds(1000));  // no max-age, no target: 1 s
    f = FreshnessOf("/vod/r/index.m3u8", "application/vnd.apple.mpegurl", "public, max-age=60",
                    live + "#EXT-X-ENDLIST\n");
    EXPECT_EQ(f.ttl, milliseconds(60000));  // a finished playlist is not live
    EXPECT_FALSE(FreshnessOf("/a.ts", "video/mp2t", "no-store", "").store);
    EXPECT_FALSE(FreshnessOf("/a.ts", "video/mp2t", "max-age=60, No-Cache", "").store);
    EXPECT_FALSE(FreshnessOf("/a.ts", "video/mp2t", "", "").store);
    EXPECT_FALSE(FreshnessOf("/a.m3u8", "", "max-age=0", live).store);
    EXPECT_EQ(FreshnessOf("/a.mp4", "video/mp4", "public, max-age=3600", "").ttl, milliseconds(3600000));
}

TEST(PullThroughCacheTest, TheUpstreamMustBeSchemeHostAndPort) {
    runtime::Metrics metrics;
    EXPECT_FALSE(PullThroughCache::Make({"http://127.0.0.1:1/live"}, metrics).ok());
    EXPECT_FALSE(PullThroughCache::Make({"ftp://host"}, metrics).ok());
    EXPECT_TRUE(PullThroughCache::Make({"http://edge-1:8080"}, metrics).ok());
}

}  // namespace
}  // namespace onair::server::http
