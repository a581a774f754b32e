// SPDX-License-Identifier: Apache-2.0
// The edges' viewers in the manager: edge.stats events as the edges make
// them (server::hls::EdgeStatsEvent), on a real in-process bus, through
// BusEventConsumer into ManagerService: the latest report of each edge
// summed per live broadcast, a silent edge forgotten after 15 s, the
// broadcast's stats (and the API's JSON) showing RTMP + HLS viewers, and
// malformed reports skipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "onair/bus/in_process_bus.h"
#include "onair/manager/bus_events.h"
#include "onair/manager/edge_stats_events.h"
#include "onair/manager/json_views.h"
#include "onair/manager/manager_service.h"
#include "onair/runtime/metrics.h"
#include "onair/server/hls/audience.h"

namespace onair::manager {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class EdgeStatsTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("onair-edgestats-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
        auto s = store::OpenStore((dir_ / "onair.db").string());
        ASSERT_TRUE(s.ok()) << s.error().message;
        store_ = std::move(s.value());
        auto c = store_->CreateChannel({"studio", "Studio", true});
        ASSERT_TRUE(c.ok());
        ASSERT_TRUE(store_->CreateChannel({"quiet", "", true}).ok());
        bus_ = std::make_unique<bus::InProcessBus>(metrics_);
        service_ = std::make_unique<ManagerService>(*store_, ManagerOptions{}, [this] { return now_; });
        consumer_ = std::make_unique<BusEventConsumer>(
            *service_, [](std::function<void()> work) { work(); });
        subscription_ = bus_->SubscribeEvents(*consumer_);

        server::PublishAttempt a;
        a.app = "live";
        a.stream_key = c->stream_key;
        a.client_ip = "192.0.2.10";
        a.node = "ingest-1";
        auto v = service_->AuthorizePublish(a);
        ASSERT_TRUE(v.allowed) << v.reason;
        broadcast_id_ = v.broadcast_id;
        server::BroadcastStats stats;
        stats.broadcast_id = broadcast_id_;
        stats.channel = "studio";
        stats.viewers = 2;  // RTMP players at the ingest
        ASSERT_FALSE(service_->ReportStats(stats));
    }
    void TearDown() override {
        subscription_.reset();
        consumer_.reset();
        service_.reset();
        bus_.reset();
        store_.reset();
        std::filesystem::remove_all(dir_);
    }

    void EdgeReports(const std::string& node, uint64_t viewers, uint64_t bytes, const std::string& channel = "studio") {
        server::hls::BroadcastAudience a{channel, broadcast_id_, viewers, false, bytes, viewers * 3};
        bus_->PublishEvent(channel, server::hls::EdgeStatsEvent(a, node, seconds(5), seconds(30), now_));
    }
    server::BroadcastStats Shown() {
        auto live = service_->LiveBroadcastOf("studio");
        EXPECT_TRUE(live && live->stats);
        return live && live->stats ? *live->stats : server::BroadcastStats{};
    }

    std::filesystem::path dir_;
    std::unique_ptr<store::ManagerStore> store_;
    runtime::Metrics metrics_;
    std::unique_ptr<bus::InProcessBus> bus_;
    std::unique_ptr<ManagerService> service_;
    std::unique_ptr<BusEventConsumer> consumer_;
    std::unique_ptr<bus::Subscription> subscription_;
    std::string broadcast_id_;
    int64_t now_ = 1'796'400'000'000;
};

TEST_F(EdgeStatsTest, TheLatestReportOfEachEdgeIsSummedAndASilentEdgeForgotten) {
    auto s = Shown();
    EXPECT_EQ(s.viewers, 2);
    EXPECT_EQ(s.hls_viewers, 0);
    EXPECT_EQ(s.edges, 0);

    EdgeReports("edge-1", 10, 5000);
    EdgeReports("edge-2", 5, 2500);
    s = Shown();
    EXPECT_EQ(s.rtmp_viewers, 2);
    EXPECT_EQ(s.hls_viewers, 15);
    EXPECT_EQ(s.viewers, 17);
    EXPECT_EQ(s.edges, 2);
    EXPECT_EQ(s.hls_bytes, 7500u);
    EXPECT_DOUBLE_EQ(s.hls_kbps, (5000 + 2500) * 8.0 / 5000);

    // A newer report replaces the edge's previous one; bytes add up.
    now_ += 5000;
    EdgeReports("edge-1", 7, 1000);
    s = Shown();
    EXPECT_EQ(s.hls_viewers, 12);
    EXPECT_EQ(s.hls_bytes, 8500u);

    // edge-2 goes silent: 15 s after its report it no longer counts.
    now_ += 5000;
    EdgeReports("edge-1", 7, 1000);
    now_ += 5000;  // edge-2's report is 15 s old: still counted
    EXPECT_EQ(Shown().hls_viewers, 12);
    now_ += 1;
    s = Shown();
    EXPECT_EQ(s.hls_viewers, 7);
    EXPECT_EQ(s.edges, 1);
    EXPECT_EQ(s.viewers, 9);

    // The API's view of the broadcast.
    auto live = service_->LiveBroadcastOf("studio");
    ASSERT_TRUE(live);
    const json j = BroadcastJson(live->broadcast, live->stats, now_);
    EXPECT_EQ(j["stats"]["viewers"], 9);
    EXPECT_EQ(j["stats"]["rtmp_viewers"], 2);
    EXPECT_EQ(j["stats"]["hls_viewers"], 7);
    EXPECT_EQ(j["stats"]["edges"], 1);
    EXPECT_EQ(j["stats"]["hls_bytes"], 9500);

    // All silent: back to the RTMP players alone.
    now_ += 20000;
    s = Shown();
    EXPECT_EQ(s.hls_viewers, 0);
    EXPECT_EQ(s.edges, 0);
    EXPECT_EQ(s.viewers, 2);
}

TEST_F(EdgeStatsTest, TheIngestsNextReportKeepsTheEdgesViewers) {
    EdgeReports("edge-1", 10, 5000);
    server::BroadcastStats stats;
    stats.broadcast_id = broadcast_id_;
    stats.channel = "studio";
    stats.viewers = 3;
    stats.hls_viewers = 999;  // an ingest does not say; if one did, the edges' reports win
    ASSERT_FALSE(service_->ReportStats(stats));
    const auto s = Shown();
    EXPECT_EQ(s.rtmp_viewers, 3);
    EXPECT_EQ(s.hls_viewers, 10);
    EXPECT_EQ(s.viewers, 13);
}

TEST_F(EdgeStatsTest, ReportsOfChannelsNotLiveAndMalformedOnesAreSkipped) {
    EdgeReports("edge-1", 10, 5000, "quiet");  // not live: nothing to add to
    EXPECT_EQ(consumer_->skipped(), 0u);
    EXPECT_EQ(Shown().hls_viewers, 0);

    const json good = json::parse(server::hls::EdgeStatsEvent({"studio", broadcast_id_, 4, false, 1, 1}, "edge-9",
                                                              seconds(5), seconds(30), now_));
    auto publish_with = [&](const char* key, json value) {
        json e = good;
        e[key] = std::move(value);
        bus_->PublishEvent("studio", e.dump());
    };
    publish_with("viewers", -1);
    publish_with("viewers", 1.5);
    publish_with("viewers", "many");
    publish_with("bytes", nullptr);
    publish_with("window_ms", 0);
    publish_with("window_ms", 600000);
    publish_with("node", "");
    publish_with("node", std::string(200, 'a'));
    publish_with("node", "edge 1");
    publish_with("channel", json{{"name", "Not A Channel"}});
    publish_with("viewers_approximate", "yes");
    EXPECT_EQ(consumer_->skipped(), 11u);
    EXPECT_EQ(Shown().hls_viewers, 0);
    bus_->PublishEvent("studio", good.dump());
    EXPECT_EQ(Shown().hls_viewers, 4);
    EXPECT_EQ(consumer_->skipped(), 11u);
}

TEST(EdgeStatsEvents, ParsesWhatTheEdgeWritesAndBoundsTheRest) {
    const std::string text = server::hls::EdgeStatsEvent({"studio", "b-1", 12, true, 3456, 78}, "edge-1", seconds(5),
                                                         seconds(30), 1'796'400'000'000);
    auto r = ParseEdgeStatsEvent(std::string_view(text));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->node, "edge-1");
    EXPECT_EQ(r->channel, "studio");
    EXPECT_EQ(r->broadcast_id, "b-1");
    EXPECT_EQ(r->viewers, 12u);
    EXPECT_TRUE(r->approximate);
    EXPECT_EQ(r->bytes, 3456u);
    EXPECT_EQ(r->requests, 78u);
    EXPECT_EQ(r->window_ms, 5000);
    EXPECT_EQ(ParseEdgeStatsEvent(std::string_view(std::string(kMaxEdgeStatsEventBytes + 1, ' '))).error().code,
              base::ErrorCode::kLimitExceeded);
    EXPECT_EQ(ParseEdgeStatsEvent(json{{"type", "media.gap"}}).error().code, base::ErrorCode::kUnsupported);
    EXPECT_EQ(ParseEdgeStatsEvent(std::string_view("[1]")).error().code, base::ErrorCode::kInvalidData);
}

}  // namespace
}  // namespace onair::manager
