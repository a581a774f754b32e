// SPDX-License-Identifier: Apache-2.0
// An edge's importer and the renditions topic: records that name a
// rendition go to their broadcast's HlsChannel, numbered in their own
// series; a jump (another transcoder took over) restarts the series, and
// the older transcoder's late records are skipped.
#include <gtest/gtest.h>

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

constexpr int64_t kTarget = 36000;

/// Plays a transcoder that copies the source into rendition "copy", its
/// records numbered from `base`. A sink may not publish media from inside
/// the in-process bus's call (its lock is held): the copies wait for Flush.
struct Relay : onair::bus::MediaSink {
    Relay(onair::bus::Bus& b, uint64_t base_) : bus(b), base(base_) {}
    struct Held {
        MediaRecord record;
        std::string broadcast_id, channel;
    };
    onair::bus::Bus& bus;
    uint64_t base;
    uint64_t next = 0;
    std::vector<Held> held;
    void OnRecord(const MediaRecord& r) override {
        if (r.type == RecordType::kMetadata) return;
        held.push_back(Held{r, std::string(r.broadcast_id), std::string(r.channel)});
    }
    void Flush() {
        for (auto& h : held) {
            h.record.broadcast_id = h.broadcast_id;
            h.record.channel = h.channel;
            h.record.end_reason = h.record.type == RecordType::kEnd ? "publisher_left" : "";
            h.record.rendition = "copy";
            h.record.sequence = base + next++;
            bus.PublishMedia(h.record);
        }
        held.clear();
    }
};

TEST(MediaImporter, PackagesRenditionsIntoTheirBroadcastsChannel) {
    runtime::Metrics metrics;
    onair::bus::InProcessBus bus(metrics);
    hls::HlsService hls(hls::HlsOptions{.segment_target_ticks = kTarget, .window_segments = 6},
                        std::chrono::seconds(60));
    MediaImporter importer(hls, bus, metrics);
    auto source_sub = bus.SubscribeMedia(0, importer, onair::bus::MediaTopic::kSource);
    auto renditions_sub = bus.SubscribeMedia(0, importer, onair::bus::MediaTopic::kRenditions);
    Relay relay(bus, 5 << 10);
    auto relay_sub = bus.SubscribeMediaGroup("transcoders", relay);

    router::StreamHub hub(router::BroadcastOptions{.segment_target_ticks = kTarget});
    MediaExporter exporter(bus);
    hub.AddListener(&exporter);
    const uint64_t id = hub.NextPublisherId();
    auto grant = hub.StartPublish("studio", id, [] {});
    grant.broadcast->SetVideoConfig(id, test::SampleVideoConfig());
    grant.broadcast->SetAudioConfig(id, test::SampleAudioConfig());
    const auto packets = test::SamplePackets(4);
    const size_t half = packets.size() / 2;
    for (size_t i = 0; i < half; ++i) grant.broadcast->Push(id, packets[i]);
    relay.Flush();

    auto channel = hls.Find("studio");
    ASSERT_NE(channel, nullptr);
    EXPECT_EQ(channel->ListedRenditions(), (std::vector<std::string>{"src", "copy"}));
    ASSERT_TRUE(channel->MediaPlaylist("copy"));
    // The same segment numbers and the same bytes as the source's.
    EXPECT_EQ(*channel->MediaPlaylist("copy"), *channel->MediaPlaylist("src"));
    ASSERT_TRUE(channel->Segment("copy", 0));
    EXPECT_EQ(channel->Segment("copy", 0)->view(), channel->Segment("src", 0)->view());

    // Another transcoder takes over, numbering from a higher base; the
    // first one's late records are skipped.
    const auto& counter = metrics.counter("onair_bus_rendition_jumps_total", "");
    const auto& stale = metrics.counter("onair_bus_records_stale_total", "");
    relay.base = 900 << 10;
    relay.next = 0;
    for (size_t i = half; i < half + 20; ++i) grant.broadcast->Push(id, packets[i]);
    relay.Flush();
    EXPECT_EQ(counter.Value(), 1u);
    relay.base = 5 << 10;
    relay.next = 10000;  // the old one, still numbering its own series
    grant.broadcast->Push(id, packets[half + 20]);
    relay.Flush();
    EXPECT_EQ(stale.Value(), 1u);
    relay.base = 900 << 10;
    relay.next = 21;  // the first transcoder dropped out; the series goes on

    // A rendition of a broadcast this edge never saw the source of is not packaged.
    MediaRecord orphan;
    orphan.type = RecordType::kVideoConfig;
    orphan.broadcast_id = "elsewhere";
    orphan.channel = "other";
    orphan.rendition = "copy";
    orphan.config = test::SampleVideoConfig();
    bus.PublishMedia(orphan);
    EXPECT_EQ(hls.Find("other"), nullptr);

    for (size_t i = half + 21; i < packets.size(); ++i) grant.broadcast->Push(id, packets[i]);
    hub.EndAll();
    relay.Flush();
    EXPECT_NE(channel->MediaPlaylist("copy")->find("#EXT-X-ENDLIST"), std::string::npos);
    EXPECT_EQ(importer.gaps(), 0u);  // a rendition's jump is not a gap of the source
}

}  // namespace
}  // namespace onair::server::bus
