// SPDX-License-Identifier: Apache-2.0
// HlsRendition with the real MPEG-TS writer, fed a real stream stamped by
// the Segmenter: every segment must stand alone (PAT, PMT, a keyframe with
// RAI and PCR first) and ffprobe/ffmpeg must read and decode them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "onair/format/hls/media_playlist_reader.h"
#include "onair/packager/hls_rendition.h"
#include "onair/packager/segmenter.h"
#include "unit/format/mpegts/ffprobe_test_util.h"
#include "unit/format/mpegts/ts_test_util.h"

namespace onair::packager {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr int64_t kOffset = 126000;
constexpr int64_t kTarget = 36000;  // 0.4 s: two of the sample's 0.2 s GOPs

struct Fed {
    std::vector<media::Packet> packets;  // as stamped
    std::vector<int64_t> starts;         // segment numbers in order
};

Fed Feed(HlsRendition& r, int repeats) {
    Segmenter::Options so;
    so.target_duration = kTarget;
    Segmenter seg(so);
    seg.SetHasVideo(true);
    Fed fed;
    for (auto p : test::SamplePackets(repeats)) {
        (void)seg.Stamp(p);
        if (p.segment_start >= 0) fed.starts.push_back(p.segment_start);
        p.wallclock_ms = 1796244318123 + p.dts / 90;
        r.Push(p);
        fed.packets.push_back(p);
    }
    return fed;
}

HlsRendition::Options Options(size_t window = 20) {
    HlsRendition::Options o;
    o.window_segments = window;
    o.target_duration = kTarget;
    return o;
}

TEST(HlsRenditionTs, EverySegmentStartsWithTablesAndAKeyframe) {
    HlsRendition r(Options());
    r.SetConfigs(test::SampleVideoConfig(), test::SampleAudioConfig());
    const Fed fed = Feed(r, 4);
    r.EndOfStream();
    ASSERT_EQ(fed.starts, (std::vector<int64_t>{0, 1, 2, 3}));
    const auto playlist = r.PlaylistModel();
    ASSERT_EQ(playlist.segments.size(), 4u);
    for (uint64_t n = 0; n < 4; ++n) {
        SCOPED_TRACE(n);
        EXPECT_EQ(playlist.segments[n].uri, std::to_string(n) + ".ts");
        if (n < 3) {
            EXPECT_EQ(playlist.segments[n].duration, kTarget);
        } else {
            // At the end of the stream: to the last packet (audio, here) plus a frame.
            EXPECT_GE(playlist.segments[n].duration, kTarget);
            EXPECT_LE(playlist.segments[n].duration, kTarget + 2 * test::sample::kVideoFrameTicks);
        }
        const auto seg = r.Segment(n);
        ASSERT_TRUE(seg);
        const auto ts = test::ParseTs(seg->span());
        ASSERT_GE(ts.size(), 3u);
        EXPECT_EQ(ts[0].pid, 0);
        EXPECT_EQ(ts[1].pid, 0x1000);
        EXPECT_EQ(ts[0].cc, n & 0x0F);  // the tables count by the segment number
        EXPECT_EQ(ts[1].cc, n & 0x0F);
        EXPECT_EQ(ts[2].pid, 0x100);
        EXPECT_TRUE(ts[2].pusi);
        EXPECT_TRUE(ts[2].random_access);
        EXPECT_TRUE(ts[2].pcr);
        EXPECT_TRUE(ts[2].discontinuity);  // counters and PCR restart
        EXPECT_EQ(ts[2].cc, 0);
        const auto video = test::ParsePes(ts, 0x100);
        ASSERT_EQ(video.size(), 10u);
        EXPECT_EQ(video[0].dts.value_or(video[0].pts), static_cast<int64_t>(n) * kTarget + kOffset);
        EXPECT_FALSE(test::ParsePes(ts, 0x101).empty());
    }
    EXPECT_EQ(r.stats().write_errors, 0u);
    EXPECT_EQ(r.stats().dropped_before_start, 0u);
    EXPECT_GT(r.peak_bitrate(), 0u);
    EXPECT_GE(r.peak_bitrate(), r.average_bitrate());
    auto read = format::hls::ReadMediaPlaylist(r.Playlist());
    ASSERT_TRUE(read.ok()) << read.error().message;
    // The last duration is not a whole millisecond: compare as written.
    EXPECT_EQ(format::hls::WriteMediaPlaylist(*read), r.Playlist());
    EXPECT_EQ(read->segments.size(), playlist.segments.size());
}

class HlsRenditionFfprobe : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::HaveTool("ffprobe") || !test::HaveTool("ffmpeg")) GTEST_SKIP() << "ffprobe/ffmpeg not installed";
    }
};

TEST_F(HlsRenditionFfprobe, SegmentsDecodeAloneAndConcatenated) {
    HlsRendition r(Options());
    r.SetConfigs(test::SampleVideoConfig(), test::SampleAudioConfig());
    const Fed fed = Feed(r, 4);
    r.EndOfStream();
    Bytes all;
    for (uint64_t n = 0; n < 4; ++n) {
        const auto seg = r.Segment(n);
        ASSERT_TRUE(seg);
        all.insert(all.end(), seg->span().begin(), seg->span().end());
        const auto path = test::WriteTempFile("onair_rendition_" + std::to_string(n) + ".ts",
                                              Bytes(seg->span().begin(), seg->span().end()));
        EXPECT_EQ(test::RunCommand("ffmpeg -v error -i '" + path + "' -f null -"), "") << n;
    }
    const auto path = test::WriteTempFile("onair_rendition_all.ts", all);
    EXPECT_EQ(test::RunCommand("ffmpeg -v error -i '" + path + "' -f null -"), "");
    EXPECT_EQ(test::ContinuityComplaints(path), "");
    std::string errors;
    const auto probed = test::ProbePackets(path, &errors);
    EXPECT_EQ(errors, "");
    std::vector<test::ProbedPacket> video;
    for (const auto& p : probed)
        if (p.type == "video") video.push_back(p);
    std::vector<media::Packet> expected;
    for (const auto& p : fed.packets)
        if (p.kind == media::TrackKind::kVideo) expected.push_back(p);
    ASSERT_EQ(video.size(), expected.size());
    for (size_t i = 0; i < video.size(); ++i) {
        EXPECT_EQ(video[i].dts, expected[i].dts + kOffset) << i;
        EXPECT_EQ(video[i].pts, expected[i].pts + kOffset) << i;
    }
}

TEST_F(HlsRenditionFfprobe, DiscontinuityWithNewTracksBumpsThePmt) {
    HlsRendition r(Options());
    r.SetConfigs(test::SampleVideoConfig(), test::SampleAudioConfig());
    Segmenter::Options so;
    so.target_duration = kTarget;
    Segmenter seg(so);
    seg.SetHasVideo(true);
    const auto packets = test::SamplePackets(3);
    bool switched = false;
    for (auto p : packets) {
        if (!switched && p.dts >= test::sample::kSpanTicks && p.kind == media::TrackKind::kVideo && p.keyframe) {
            // A new publisher without audio takes over.
            r.SetConfigs(test::SampleVideoConfig(), std::nullopt);
            p.discontinuity = true;
            switched = true;
        }
        if (switched && p.kind == media::TrackKind::kAudio) continue;
        (void)seg.Stamp(p);
        r.Push(p);
    }
    r.EndOfStream();
    const auto playlist = r.PlaylistModel();
    ASSERT_EQ(playlist.segments.size(), 3u);
    EXPECT_FALSE(playlist.segments[0].discontinuity);
    EXPECT_TRUE(playlist.segments[1].discontinuity);
    EXPECT_EQ(r.stats().write_errors, 0u);
    const auto first = test::ParseTs(r.Segment(0)->span());
    const auto second = test::ParseTs(r.Segment(1)->span());
    EXPECT_EQ((first[1].payload[6] >> 1) & 0x1F, 0);   // PMT version 0: video + audio
    EXPECT_EQ((second[1].payload[6] >> 1) & 0x1F, 1);  // version 1: video only (Muxer::PmtVersionFor)
    EXPECT_TRUE(test::ParsePes(second, 0x101).empty());
    const auto path = test::WriteTempFile("onair_rendition_disc.ts",
                                          Bytes(r.Segment(1)->span().begin(), r.Segment(1)->span().end()));
    EXPECT_EQ(test::RunCommand("ffmpeg -v error -i '" + path + "' -f null -"), "");
}

}  // namespace
}  // namespace onair::packager
