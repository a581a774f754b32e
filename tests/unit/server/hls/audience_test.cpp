// SPDX-License-Identifier: Apache-2.0
// An edge's viewer counting: distinct clients (address + User-Agent) within
// the viewer window, bytes and requests per report, expiry, the cap with
// its approximate count beyond, and the edge.stats event it becomes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "onair/server/hls/audience.h"

namespace onair::server::hls {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = Audience::Clock;

const BroadcastAudience* Find(const std::vector<BroadcastAudience>& v, std::string_view id) {
    for (const auto& a : v)
        if (a.broadcast_id == id) return &a;
    return nullptr;
}

TEST(AudienceTest, CountsDistinctClientsAndTraffic) {
    Audience audience;
    const auto t0 = Clock::time_point{} + seconds(1000);
    audience.Record("studio", "b1", "10.0.0.1", "Safari", 1000, true, t0);
    audience.Record("studio", "b1", "10.0.0.1", "Safari", 500, true, t0 + seconds(1));  // the same viewer
    audience.Record("studio", "b1", "10.0.0.1", "Firefox", 200, true, t0);             // another browser behind the same NAT
    audience.Record("studio", "b1", "10.0.0.2", "Safari", 0, true, t0);
    audience.Record("studio", "b1", "10.0.0.3", "Safari", 9, false, t0);  // a 404: traffic, no viewer
    audience.Record("news", "b2", "10.0.0.1", "Safari", 7, true, t0);
    auto r = audience.Collect(t0 + seconds(2));
    ASSERT_EQ(r.size(), 2u);
    const auto* b1 = Find(r, "b1");
    ASSERT_NE(b1, nullptr);
    EXPECT_EQ(b1->channel, "studio");
    EXPECT_EQ(b1->viewers, 3u);
    EXPECT_FALSE(b1->approximate);
    EXPECT_EQ(b1->bytes, 1709u);
    EXPECT_EQ(b1->requests, 5u);
    EXPECT_EQ(Find(r, "b2")->viewers, 1u);
    // Bytes and requests are per report; viewers stay while within the window.
    r = audience.Collect(t0 + seconds(7));
    b1 = Find(r, "b1");
    ASSERT_NE(b1, nullptr);
    EXPECT_EQ(b1->viewers, 3u);
    EXPECT_EQ(b1->bytes, 0u);
    EXPECT_EQ(b1->requests, 0u);
}

TEST(AudienceTest, AViewerSilentForTheWindowIsGoneThenTheBroadcast) {
    Audience audience(AudienceOptions{milliseconds(30000), 100000});
    const auto t0 = Clock::time_point{} + seconds(1000);
    audience.Record("studio", "b1", "10.0.0.1", "A", 1, true, t0);
    audience.Record("studio", "b1", "10.0.0.2", "A", 1, true, t0 + seconds(20));
    EXPECT_EQ(audience.Collect(t0 + seconds(29))[0].viewers, 2u);
    EXPECT_EQ(audience.Collect(t0 + seconds(30))[0].viewers, 1u);  // the first one's 30 s are up
    auto r = audience.Collect(t0 + seconds(50));
    ASSERT_EQ(r.size(), 1u);  // once more with zeros, so the manager sees 0 at once
    EXPECT_EQ(r[0].viewers, 0u);
    EXPECT_EQ(r[0].requests, 0u);
    EXPECT_TRUE(audience.Collect(t0 + seconds(55)).empty());  // then forgotten
    // A viewer coming back brings it back.
    audience.Record("studio", "b1", "10.0.0.2", "A", 1, true, t0 + seconds(56));
    EXPECT_EQ(audience.Collect(t0 + seconds(57))[0].viewers, 1u);
}

TEST(AudienceTest, BeyondTheCapCountsApproximatelyInBoundedMemory) {
    constexpr size_t kCap = 1000;
    Audience audience(AudienceOptions{milliseconds(30000), kCap});
    const auto t0 = Clock::time_point{} + seconds(1000);
    constexpr int kClients = 21000;
    for (int i = 0; i < kClients; ++i)
        audience.Record("studio", "b1", "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250), "UA", 1,
                        true, t0);
    auto r = audience.Collect(t0 + seconds(1));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(r[0].approximate);
    EXPECT_EQ(r[0].requests, static_cast<uint64_t>(kClients));
    // 1000 exact + an estimate of 20000 (linear counting over 2^18 bits: well within 2%).
    EXPECT_NEAR(static_cast<double>(r[0].viewers), kClients, kClients * 0.02);
    // The same clients again do not count twice.
    for (int i = 0; i < kClients; ++i)
        audience.Record("studio", "b1", "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250), "UA", 1,
                        true, t0 + seconds(2));
    EXPECT_NEAR(static_cast<double>(audience.Collect(t0 + seconds(3))[0].viewers), kClients, kClients * 0.02);
    // Silent for two windows: the estimate is gone too.
    audience.Collect(t0 + seconds(40));
    r = audience.Collect(t0 + seconds(75));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].viewers, 0u);
    EXPECT_FALSE(r[0].approximate);
}

TEST(AudienceTest, EdgeStatsEventCarriesTheReport) {
    BroadcastAudience a{"studio", "b1", 12, false, 34567, 89};
    const auto j = nlohmann::json::parse(EdgeStatsEvent(a, "edge-1", seconds(5), seconds(30), 1796400000000));
    EXPECT_EQ(j["type"], "edge.stats");
    EXPECT_EQ(j["source"], "edge");
    EXPECT_EQ(j["node"], "edge-1");
    EXPECT_EQ(j["channel"]["name"], "studio");
    EXPECT_EQ(j["broadcast_id"], "b1");
    EXPECT_EQ(j["viewers"], 12);
    EXPECT_EQ(j["bytes"], 34567);
    EXPECT_EQ(j["requests"], 89);
    EXPECT_EQ(j["window_ms"], 5000);
    EXPECT_EQ(j["viewer_window_ms"], 30000);
    EXPECT_EQ(j["at"], "2026-12-04T16:00:00.000Z");
}

}  // namespace
}  // namespace onair::server::hls
