// SPDX-License-Identifier: Apache-2.0
// The ingest's exporter and an edge's importer around the in-process bus:
// numbered records, configs again at every segment start, HLS at the edge,
// gaps found and announced.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "onair/bus/in_process_bus.h"
#include "onair/router/stream_hub.h"
#include "onair/server/bus/media_exporter.h"
#include "onair/server/bus/media_importer.h"
#include "unit/format/mpegts/ts_test_util.h"

namespace onair::server::bus {
namespace {

using format::record::MediaRecord;
using format::record::RecordType;

struct Recorded {
    RecordType type;
    uint64_t sequence;
    int64_t segment_start;
};

struct Recorder : onair::bus::MediaSink {
    std::vector<Recorded> records;
    void OnRecord(const MediaRecord& r) override {
        records.push_back({r.type, r.sequence, r.type == RecordType::kPacket ? r.packet.segment_start : -1});
    }
};

struct Events : onair::bus::EventSink {
    std::vector<nlohmann::json> events;
    void OnEvent(std::string_view, std::string_view json) override { events.push_back(nlohmann::json::parse(json)); }
};

constexpr int64_t kTarget = 36000;  // 0.4 s: two of the sample's GOPs

/// Publishes the sample stream `repeats` times on channel "studio".
std::shared_ptr<router::Broadcast> Publish(router::StreamHub& hub, int repeats, bool end) {
    const uint64_t id = hub.NextPublisherId();
    auto grant = hub.StartPublish("studio", id, [] {});
    grant.broadcast->SetVideoConfig(id, test::SampleVideoConfig());
    grant.broadcast->SetAudioConfig(id, test::SampleAudioConfig());
    for (auto& p : test::SamplePackets(repeats)) grant.broadcast->Push(id, p);
    if (end) {
        hub.StopPublish(grant.broadcast, id);
        hub.EndIfIdle(grant.broadcast);
    }
    return grant.broadcast;
}

TEST(MediaExporter, NumbersRecordsAndRepeatsConfigsBeforeEverySegmentStart) {
    runtime::Metrics metrics;
    onair::bus::InProcessBus bus(metrics);
    Recorder recorder;
    auto sub = bus.SubscribeMedia(0, recorder);
    router::StreamHub hub(router::BroadcastOptions{.segment_target_ticks = kTarget});
    MediaExporter exporter(bus);
    hub.AddListener(&exporter);
    Publish(hub, 3, /*end=*/true);

    ASSERT_GT(recorder.records.size(), 10u);
    for (size_t i = 0; i < recorder.records.size(); ++i) EXPECT_EQ(recorder.records[i].sequence, i);
    EXPECT_EQ(recorder.records[0].type, RecordType::kVideoConfig);
    EXPECT_EQ(recorder.records[1].type, RecordType::kAudioConfig);
    EXPECT_EQ(recorder.records.back().type, RecordType::kEnd);
    int starts = 0;
    for (size_t i = 2; i < recorder.records.size(); ++i) {
        if (recorder.records[i].segment_start < 0) continue;
        ++starts;
        EXPECT_EQ(recorder.records[i - 2].type, RecordType::kVideoConfig) << "record " << i;
        EXPECT_EQ(recorder.records[i - 1].type, RecordType::kAudioConfig) << "record " << i;
    }
    EXPECT_GE(starts, 2);
}

TEST(MediaExporter, WritesTheChannelsLadderBeforeEverySegmentStart) {
    runtime::Metrics metrics;
    onair::bus::InProcessBus bus(metrics);
    struct Ladders : onair::bus::MediaSink {
        std::vector<Recorded> records;
        std::vector<std::string> ladders;
        void OnRecord(const MediaRecord& r) override {
            records.push_back({r.type, r.sequence, r.type == RecordType::kPacket ? r.packet.segment_start : -1});
            if (r.type == RecordType::kLadder) ladders.emplace_back(r.ladder.view());
        }
    } recorder;
    auto sub = bus.SubscribeMedia(0, recorder);
    router::StreamHub hub(router::BroadcastOptions{.segment_target_ticks = kTarget});
    MediaExporter exporter(bus);
    hub.AddListener(&exporter);
    const std::string ladder = R"([{"name":"360p","height":360,"video_kbps":800}])";
    const uint64_t id = hub.NextPublisherId();
    auto grant = hub.StartPublish("studio", id, [] {});
    grant.broadcast->SetLadder(ladder);  // as the RTMP connection does with the publish decision
    grant.broadcast->SetVideoConfig(id, test::SampleVideoConfig());
    grant.broadcast->SetAudioConfig(id, test::SampleAudioConfig());
    for (auto& p : test::SamplePackets(3)) grant.broadcast->Push(id, p);
    hub.EndAll();

    for (size_t i = 0; i < recorder.records.size(); ++i) EXPECT_EQ(recorder.records[i].sequence, i);
    int starts = 0;
    for (size_t i = 3; i < recorder.records.size(); ++i) {
        if (recorder.records[i].segment_start < 0) continue;
        ++starts;
        EXPECT_EQ(recorder.records[i - 1].type, RecordType::kLadder) << "record " << i;
        EXPECT_EQ(recorder.records[i - 2].type, RecordType::kAudioConfig) << "record " << i;
    }
    EXPECT_GE(starts, 2);
    ASSERT_EQ(recorder.ladders.size(), static_cast<size_t>(starts));
    for (const auto& l : recorder.ladders) EXPECT_EQ(l, ladder);
}

TEST(MediaImporter, PackagesTheBusAsHls) {
    runtime::Metrics metrics;
    onair::bus::InProcessBus bus(metrics);
    hls::HlsService hls(hls::HlsOptions{.segment_target_ticks = kTarget, .window_segments = 6},
                        std::chrono::seconds(60));
    MediaImporter importer(hls, bus, metrics);
    auto sub = bus.SubscribeMedia(0, importer);
    router::StreamHub hub(router::BroadcastOptions{.segment_target_ticks = kTarget});
    MediaExporter exporter(bus);
    hub.AddListener(&exporter);
    auto broadcast = Publish(hub, 4, /*end=*/false);

    auto channel = hls.Find("studio");
    ASSERT_NE(channel, nullptr);
    EXPECT_EQ(channel->segment_prefix(), broadcast->id() + "-");
    auto playlist = channel->MediaPlaylist("src");
    ASSERT_TRUE(playlist.has_value());
    EXPECT_NE(playlist->find("#EXTINF:"), std::string::npos);
    EXPECT_EQ(playlist->find("#EXT-X-ENDLIST"), std::string::npos);
    EXPECT_TRUE(channel->Segment("src", 0).has_value());
    EXPECT_EQ(importer.gaps(), 0u);

    hub.EndAll();
    EXPECT_NE(channel->MediaPlaylist("src")->find("#EXT-X-ENDLIST"), std::string::npos);
    EXPECT_NE(metrics.Render().find("onair_bus_latency_seconds_count"), std::string::npos);
}

/// Hands each record on as a Kafka consumer would: encoded, then decoded.
struct ThroughTheWire : onair::bus::MediaSink {
    explicit ThroughTheWire(onair::bus::MediaSink& sink) : next(sink) {}
    onair::bus::MediaSink& next;
    void OnRecord(const MediaRecord& r) override {
        ASSERT_TRUE(format::record::CheckMediaRecord(r).ok());
        std::vector<uint8_t> bytes;
        format::record::AppendEncoded(r, bytes);
        auto decoded = format::record::DecodeMediaRecord(base::SharedBuffer::Adopt(std::move(bytes)));
        ASSERT_TRUE(decoded.ok()) << decoded.error().message;
        next.OnRecord(decoded.value());
    }
};

TEST(MediaImporter, AnEdgeReadingEncodedRecordsServesTheSameBytesAsTheInProcessOne) {
    // Everything the packager needs travels in the record: segment numbers,
    // discontinuity sequence, longest segment, receive time.
    runtime::Metrics metrics;
    onair::bus::InProcessBus bus(metrics);
    const hls::HlsOptions options{.segment_target_ticks = kTarget, .window_segments = 4};
    hls::HlsService direct_hls(options, std::chrono::seconds(60));
    hls::HlsService wire_hls(options, std::chrono::seconds(60));
    MediaImporter direct(direct_hls, bus, metrics);
    MediaImporter wire(wire_hls, bus, metrics);
    ThroughTheWire adapter(wire);
    auto s1 = bus.SubscribeMedia(0, direct);
    auto s2 = bus.SubscribeMedia(0, adapter);
    router::StreamHub hub(router::BroadcastOptions{.segment_target_ticks = kTarget});
    MediaExporter exporter(bus);
    hub.AddListener(&exporter);
    auto broadcast = Publish(hub, 6, /*end=*/false);
    // A takeover: a discontinuity the playlists count.
    const uint64_t b = hub.NextPublisherId();
    hub.StartPublish("studio", b, [] {});
    broadcast->SetVideoConfig(b, test::SampleVideoConfig());
    broadcast->SetAudioConfig(b, test::SampleAudioConfig());
    for (auto& p : test::SamplePackets(6)) broadcast->Push(b, p);

    auto a = direct_hls.Find("studio");
    auto w = wire_hls.Find("studio");
    ASSERT_TRUE(a && w);
    const auto playlist = a->MediaPlaylist("src");
    ASSERT_TRUE(playlist.has_value());
    EXPECT_NE(playlist->find("#EXT-X-DISCONTINUITY"), std::string::npos);
    EXPECT_EQ(playlist, w->MediaPlaylist("src"));
    EXPECT_EQ(a->MultivariantPlaylist(), w->MultivariantPlaylist());
    int compared = 0;
    for (uint64_t n = 0; n < 64; ++n) {
        auto sa = a->Segment("src", n);
        auto sw = w->Segment("src", n);
        ASSERT_EQ(sa.has_value(), sw.has_value()) << "segment " << n;
        if (!sa) continue;
        EXPECT_EQ(sa->view(), sw->view()) << "segment " << n;
        ++compared;
    }
    EXPECT_GE(compared, 4);
}

TEST(MediaImporter, AJumpInTheNumbersIsAGapAnnouncedOnTheBus) {
    runtime::Metrics metrics;
    onair::bus::InProcessBus bus(metrics);
    Events events;
    auto events_sub = bus.SubscribeEvents(events);
    hls::HlsService hls(hls::HlsOptions{.segment_target_ticks = kTarget}, std::chrono::seconds(60));
    MediaImporter importer(hls, bus, metrics, {.node_id = "edge-1"});
    auto packets = test::SamplePackets(1);
    MediaRecord r;
    r.broadcast_id = "b1";
    r.channel = "studio";
    r.wallclock_ms = 1'700'000'000'000;
    r.type = RecordType::kVideoConfig;
    r.config = test::SampleVideoConfig();
    r.sequence = 7;  // an edge may start anywhere: the first number seen is no gap
    importer.OnRecord(r);
    r.type = RecordType::kPacket;
    r.packet = packets[0];
    r.sequence = 8;
    importer.OnRecord(r);
    EXPECT_EQ(importer.gaps(), 0u);
    r.sequence = 12;  // 9, 10 and 11 never came
    importer.OnRecord(r);
    EXPECT_EQ(importer.gaps(), 1u);
    r.sequence = 10;  // older than what was seen: skipped
    importer.OnRecord(r);
    EXPECT_EQ(importer.gaps(), 1u);
    EXPECT_NE(metrics.Render().find("onair_bus_records_stale_total 1"), std::string::npos);

    ASSERT_EQ(events.events.size(), 1u);
    const auto& e = events.events[0];
    EXPECT_EQ(e["type"], "media.gap");
    EXPECT_EQ(e["version"], 1);
    EXPECT_EQ(e["source"], "edge");
    EXPECT_EQ(e["node"], "edge-1");
    EXPECT_EQ(e["channel"]["name"], "studio");
    EXPECT_EQ(e["media_broadcast_id"], "b1");
    EXPECT_EQ(e["first_missing_sequence"], 9);
    EXPECT_EQ(e["missing_records"], 3);
}

TEST(MediaImporter, ABroadcastTheLogIsSilentOnEndsAfterTheIdleTimeout) {
    runtime::Metrics metrics;
    onair::bus::InProcessBus bus(metrics);
    hls::HlsService hls(hls::HlsOptions{.segment_target_ticks = kTarget}, std::chrono::seconds(60));
    MediaImporter importer(hls, bus, metrics, {.idle_timeout = std::chrono::milliseconds(0)});
    MediaRecord r;
    r.broadcast_id = "b1";
    r.channel = "studio";
    r.type = RecordType::kVideoConfig;
    r.config = test::SampleVideoConfig();
    importer.OnRecord(r);
    auto channel = hls.Find("studio");
    ASSERT_NE(channel, nullptr);
    EXPECT_FALSE(channel->ended());
    importer.Sweep();
    EXPECT_TRUE(channel->ended());
}

}  // namespace
}  // namespace onair::server::bus
