// SPDX-License-Identifier: Apache-2.0
// LL-HLS as an edge serves it: playlists (full and delta, with rendition
// reports) that our checker passes at every packet, blocking answers, and
// the hinted part streamed as it is written.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "onair/format/hls/delivery_directives.h"
#include "onair/format/hls/playlist_checker.h"
#include "onair/server/hls/hls_channel.h"
#include "unit/packager/sample_broadcast.h"

namespace onair::server::hls {
namespace {

using Kind = HlsChannel::PartAnswer::Kind;
constexpr int64_t kPartTarget = 18000;  // 0.2 s: two parts of the sample's 0.4 s segments, whole frames at 25 and 30 fps

HlsOptions LowLatency(const test::SampleBroadcast& b) {
    HlsOptions o;
    o.segment_target_ticks = b.target;
    o.window_segments = 40;  // ~13 s listed: room for delta updates (CAN-SKIP-UNTIL 6 target durations)
    o.container = packager::HlsRendition::Container::kFmp4;
    o.part_target_ticks = kPartTarget;
    return o;
}

/// Feeds step `i` of the sample to the source ("src") and, scaled to
/// another height, to the rendition "low"; configs when they change.
struct Feeder {
    const test::SampleBroadcast& b;
    HlsChannel& channel;
    size_t configs = SIZE_MAX;

    void Step(size_t i) {
        if (b.steps[i].configs != configs) {
            configs = b.steps[i].configs;
            for (const auto& c : {b.configs[configs].video, b.configs[configs].audio}) {
                if (!c) continue;
                router::StreamItem item;
                item.kind = c->kind == media::TrackKind::kVideo ? router::StreamItem::Kind::kVideoConfig
                                                                : router::StreamItem::Kind::kAudioConfig;
                item.config = std::make_shared<const media::CodecConfig>(*c);
                channel.OnItem(item);
                media::CodecConfig low = *c;
                if (low.kind == media::TrackKind::kVideo) low.height = c->height / 2;
                item.config = std::make_shared<const media::CodecConfig>(low);
                channel.OnRenditionItem("low", item);
            }
        }
        router::StreamItem item;
        item.packet = b.steps[i].packet;
        channel.OnItem(item);
        channel.OnRenditionItem("low", item);
    }
};

std::string Text(const HlsChannel::PlaylistRef& p) { return p ? std::string(p->view()) : std::string(); }

TEST(HlsChannelLowLatency, EveryPlaylistPassesTheCheckerWithReportsAndDeltas) {
    const auto broadcast = test::MakeSampleBroadcast(/*drop_audio=*/false);
    HlsChannel channel("studio", "b1", LowLatency(broadcast));
    ASSERT_TRUE(channel.low_latency());
    Feeder feed{broadcast, channel};
    format::hls::CheckOptions options;
    options.keyframe_segments = true;
    std::string previous;
    int checked = 0, with_report = 0, deltas = 0;
    for (size_t i = 0; i < broadcast.steps.size(); ++i) {
        feed.Step(i);
        const std::string full = Text(channel.MediaPlaylistText("src", false));
        if (full.empty() || full == previous) continue;
        const std::string_view prev_view(previous);
        const auto violations =
            format::hls::CheckMediaPlaylistText(full, previous.empty() ? nullptr : &prev_view, options);
        for (const auto& v : violations)
            if (v.severity == format::hls::Severity::kError) ADD_FAILURE() << "step " << i << ": " << v.code << " " << v.message << "\n" << full;
        ++checked;
        if (full.find("#EXT-X-RENDITION-REPORT:URI=\"../low/index.m3u8\"") != std::string::npos) ++with_report;
        const std::string delta = Text(channel.MediaPlaylistText("src", true));
        if (delta.find("#EXT-X-SKIP:SKIPPED-SEGMENTS=") != std::string::npos) {
            ++deltas;
            const std::string_view full_view(full);
            for (const auto& v : format::hls::CheckMediaPlaylistText(delta, &full_view, options))
                if (v.severity == format::hls::Severity::kError) ADD_FAILURE() << "delta at step " << i << ": " << v.code << " " << v.message;
        }
        previous = full;
    }
    EXPECT_GT(checked, 50);
    EXPECT_GT(with_report, checked / 2);
    // The sample is 13 s and its 2 s segment makes CAN-SKIP-UNTIL 12 s: only
    // the last playlists can skip (llhls_test checks deltas at length).
    EXPECT_GE(deltas, 1);
}

TEST(HlsChannelLowLatency, BlockingReloadWaitsForThePartThenIsReady) {
    const auto broadcast = test::MakeSampleBroadcast(/*drop_audio=*/false);
    HlsChannel channel("studio", "b1", LowLatency(broadcast));
    Feeder feed{broadcast, channel};
    size_t i = 0;
    while (i < broadcast.StartOf(4)) feed.Step(i++);
    // The part the preload hint names.
    const std::string text = Text(channel.MediaPlaylistText("src", false));
    auto model = format::hls::ReadMediaPlaylist(text);
    ASSERT_TRUE(model.ok()) << text;
    ASSERT_TRUE(model->open_segment);
    const uint64_t msn = model->NextSequence();
    const uint64_t next_part = model->open_segment->parts.size();
    format::hls::DeliveryDirectives wanted;
    wanted.msn = msn;
    wanted.part = next_part;
    EXPECT_EQ(channel.Blocking("src", wanted), format::hls::BlockingAnswer::kWait);
    format::hls::DeliveryDirectives far = wanted;
    far.msn = msn + 10;
    EXPECT_EQ(channel.Blocking("src", far), format::hls::BlockingAnswer::kTooFar);
    EXPECT_FALSE(channel.Blocking("nope", wanted));
    // Waiters are told when it comes, and only when a playlist changed.
    const uint64_t seen = channel.changes().version();
    int notified_steps = 0;
    while (channel.Blocking("src", wanted) != format::hls::BlockingAnswer::kReady) {
        ASSERT_LT(i, broadcast.steps.size());
        const uint64_t before = channel.changes().version();
        feed.Step(i++);
        if (channel.changes().version() != before) ++notified_steps;
    }
    EXPECT_GT(channel.changes().version(), seen);
    EXPECT_GE(notified_steps, 1);
    const std::string ready = Text(channel.MediaPlaylistText("src", false));
    EXPECT_NE(ready.find("-" + std::to_string(msn) + "." + std::to_string(next_part) + ".m4s\""), std::string::npos)
        << ready;
}

TEST(HlsChannelLowLatency, TheHintedPartIsStreamedAsWrittenAndIsThePart) {
    const auto broadcast = test::MakeSampleBroadcast(/*drop_audio=*/false);
    HlsChannel channel("studio", "b1", LowLatency(broadcast));
    Feeder feed{broadcast, channel};
    // Just past the start of segment 3: its first part is being written.
    size_t i = 0;
    while (i <= broadcast.StartOf(3)) feed.Step(i++);
    // The part in progress: the hint of the current playlist.
    auto model = format::hls::ReadMediaPlaylist(Text(channel.MediaPlaylistText("src", false)));
    ASSERT_TRUE(model.ok());
    ASSERT_EQ(model->preload_hints.size(), 1u);
    const uint64_t msn = model->NextSequence();
    const auto index = static_cast<uint32_t>(model->open_segment ? model->open_segment->parts.size() : 0);
    EXPECT_NE(model->preload_hints[0].uri.find("-" + std::to_string(msn) + "." + std::to_string(index) + ".m4s"),
              std::string::npos);

    auto asked = channel.FindPart("src", msn, index);
    ASSERT_EQ(asked.kind, Kind::kInProgress);
    ASSERT_TRUE(asked.stream);
    EXPECT_EQ(channel.FindPart("src", msn, index).stream.get(), asked.stream.get());  // one stream for all
    EXPECT_EQ(channel.FindPart("src", msn, index + 1).kind, Kind::kAhead);
    EXPECT_EQ(channel.FindPart("src", msn + 5, 0).kind, Kind::kNone);
    EXPECT_EQ(channel.FindPart("low", msn + 5, 0).kind, Kind::kNone);

    int grew_while_open = 0;
    uint64_t last = asked.stream->size();
    while (asked.stream->state() == http::BodyStream::State::kOpen) {
        ASSERT_LT(i, broadcast.steps.size());
        feed.Step(i++);
        if (asked.stream->state() == http::BodyStream::State::kOpen && asked.stream->size() > last) ++grew_while_open;
        last = asked.stream->size();
    }
    EXPECT_EQ(asked.stream->state(), http::BodyStream::State::kClosed);
    EXPECT_GE(grew_while_open, 1);  // chunks reached the stream before the part was complete
    const auto done = channel.FindPart("src", msn, index);
    ASSERT_EQ(done.kind, Kind::kComplete);
    std::string streamed;
    for (const auto& c : asked.stream->ReadFrom(0, SIZE_MAX).chunks) streamed += std::string(c.view());
    EXPECT_EQ(streamed, std::string(done.bytes.view()));
}

TEST(HlsChannelLowLatency, NoPartsWithoutFmp4OrAPartTarget) {
    const auto broadcast = test::MakeSampleBroadcast(/*drop_audio=*/false);
    HlsOptions ts = LowLatency(broadcast);
    ts.container = packager::HlsRendition::Container::kMpegTs;
    HlsChannel channel("studio", "b1", ts);
    EXPECT_FALSE(channel.low_latency());
    Feeder feed{broadcast, channel};
    for (size_t i = 0; i < broadcast.StartOf(3); ++i) feed.Step(i);
    EXPECT_EQ(Text(channel.MediaPlaylistText("src", false)).find("#EXT-X-PART"), std::string::npos);
    EXPECT_EQ(channel.FindPart("src", 1, 0).kind, Kind::kNone);
}

}  // namespace
}  // namespace onair::server::hls
