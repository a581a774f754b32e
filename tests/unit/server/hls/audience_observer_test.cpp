// SPDX-License-Identifier: Apache-2.0
#include "onair/server/hls/audience_observer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "onair/bus/in_process_bus.h"
#include "onair/runtime/metrics.h"
#include "onair/server/hls/audience_reporter.h"

namespace onair::server::hls {
namespace {

http::CompletedRequest Request(std::string_view path, unsigned status, std::string_view ip = "192.0.2.1",
                               uint64_t bytes = 100) {
    http::CompletedRequest r;
    r.client_ip = ip;
    r.method = "GET";
    r.path = path;
    r.user_agent = "hls.js";
    r.status = status;
    r.body_bytes = bytes;
    return r;
}

const BroadcastAudience* Find(const std::vector<BroadcastAudience>& v, std::string_view id) {
    for (const auto& a : v)
        if (a.broadcast_id == id) return &a;
    return nullptr;
}

TEST(CacheAudienceObserver, NamesTheBroadcastOfASegment) {
    EXPECT_EQ(CacheAudienceObserver::BroadcastOfSegment("b7-12.ts"), "b7");
    EXPECT_EQ(CacheAudienceObserver::BroadcastOfSegment("bc-1f-0.m4s"), "bc-1f");
    for (std::string_view no : {"index.m3u8", "b7-.ts", "-12.ts", "b7-12.mp4", "b7-1x.ts", "b7.ts", "", "b/7-1.ts"})
        EXPECT_EQ(CacheAudienceObserver::BroadcastOfSegment(no), "") << no;
}

TEST(CacheAudienceObserver, LearnsTheBroadcastFromSegmentsAndCountsPlaylistsForIt) {
    Audience audience;
    CacheAudienceObserver observer("live", audience);
    // Nothing is known of a channel until one of its segments is served:
    // a playlist alone, or errors, count nothing and teach nothing.
    observer.OnRequest(Request("/live/studio/index.m3u8", 200));
    observer.OnRequest(Request("/live/studio/src/b1-4.ts", 404));
    observer.OnRequest(Request("/live/studio/src/b1-4.ts", 502));
    observer.OnRequest(Request("/live/nope/src/b9-1.ts", 404));
    observer.OnRequest(Request("/healthz", 200));
    EXPECT_FALSE(observer.CurrentBroadcast("studio"));
    EXPECT_TRUE(audience.Collect(Audience::Clock::now()).empty());

    observer.OnRequest(Request("/live/studio/src/b1-4.ts", 200, "192.0.2.1", 1000));
    observer.OnRequest(Request("/live/studio/src/index.m3u8", 200, "192.0.2.2", 50));
    observer.OnRequest(Request("/live/studio/720p/b1-4.ts", 206, "192.0.2.3", 10));
    observer.OnRequest(Request("/live/studio/src/b1-5.ts", 304, "192.0.2.1", 0));
    EXPECT_EQ(observer.CurrentBroadcast("studio"), "b1");
    auto report = audience.Collect(Audience::Clock::now());
    ASSERT_EQ(report.size(), 1u);
    EXPECT_EQ(report[0].channel, "studio");
    EXPECT_EQ(report[0].broadcast_id, "b1");
    EXPECT_EQ(report[0].viewers, 3u);
    EXPECT_EQ(report[0].bytes, 1060u);
    EXPECT_EQ(report[0].requests, 4u);

    // A new broadcast on the channel: its segments make it the current one.
    observer.OnRequest(Request("/live/studio/src/b2-0.ts", 200));
    observer.OnRequest(Request("/live/studio/src/index.m3u8", 200));
    EXPECT_EQ(observer.CurrentBroadcast("studio"), "b2");
    report = audience.Collect(Audience::Clock::now());
    ASSERT_TRUE(Find(report, "b2"));
    EXPECT_EQ(Find(report, "b2")->requests, 2u);
}

TEST(CacheAudienceObserver, RemembersAtMostMaxChannels) {
    Audience audience;
    CacheAudienceObserver observer("live", audience, /*max_channels=*/3);
    for (int i = 0; i < 50; ++i) {
        const std::string path = "/live/ch" + std::to_string(i) + "/src/b" + std::to_string(i) + "-1.ts";
        observer.OnRequest(Request(path, 200));
    }
    int known = 0;
    for (int i = 0; i < 50; ++i) known += observer.CurrentBroadcast("ch" + std::to_string(i)) ? 1 : 0;
    EXPECT_EQ(known, 3);
    EXPECT_TRUE(observer.CurrentBroadcast("ch49"));  // the latest stay
}

struct Events final : onair::bus::EventSink {
    void OnEvent(std::string_view, std::string_view json) override { seen.push_back(nlohmann::json::parse(json)); }
    std::vector<nlohmann::json> seen;
};

// Only a channel's current broadcast is reported: the earlier one's last
// report must not replace the live one's count at the manager.
TEST(AudienceReporter, ReportsTheCurrentBroadcastOfEachChannel) {
    runtime::Metrics metrics;
    onair::bus::InProcessBus bus(metrics);
    Events events;
    auto sub = bus.SubscribeEvents(events);
    Audience audience;
    CacheAudienceObserver observer("live", audience);
    AudienceReporter reporter(bus, audience, observer, "cache-1");
    observer.OnRequest(Request("/live/studio/src/b1-4.ts", 200, "192.0.2.1", 700));
    observer.OnRequest(Request("/live/studio/src/b2-0.ts", 200, "192.0.2.2", 300));
    observer.OnRequest(Request("/live/news/src/n1-9.ts", 200, "192.0.2.3", 5));
    reporter.Report(Audience::Clock::now());
    ASSERT_EQ(events.seen.size(), 2u);
    for (const auto& e : events.seen) {
        EXPECT_EQ(e["type"], "edge.stats");
        EXPECT_EQ(e["node"], "cache-1");
        EXPECT_NE(e["broadcast_id"], "b1");
        EXPECT_EQ(e["viewers"], 1);
    }
}

}  // namespace
}  // namespace onair::server::hls
