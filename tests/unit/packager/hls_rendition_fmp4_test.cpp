// SPDX-License-Identifier: Apache-2.0
// HlsRendition with the fMP4 writer: the playlist names an init segment
// (EXT-X-MAP) by its bytes, again where it changes, the rendition serves
// the inits its segments need, and ffmpeg reads init + segments (or
// LL-HLS parts) as one stream with the packets' timestamps.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "onair/format/hls/media_playlist_reader.h"
#include "onair/format/mp4/fragment_reader.h"
#include "onair/format/mp4/init_reader.h"
#include "onair/packager/fmp4_segment_writer.h"
#include "onair/packager/hls_rendition.h"
#include "onair/packager/segmenter.h"
#include "unit/format/mpegts/ffprobe_test_util.h"
#include "unit/format/mpegts/ts_test_util.h"

namespace onair::packager {
namespace {

using Bytes = std::vector<uint8_t>;
constexpr int64_t kTarget = 36000;  // 0.4 s: two of the sample's 0.2 s GOPs

HlsRendition::Options Options(size_t window = 20, size_t grace = 2) {
    HlsRendition::Options o;
    o.container = HlsRendition::Container::kFmp4;
    o.window_segments = window;
    o.grace_segments = grace;
    o.target_duration = kTarget;
    o.uri_prefix = "b7-";
    return o;
}

std::string IdOf(const std::string& map_uri) {
    const auto at = map_uri.find("init-");
    return at == std::string::npos ? "" : map_uri.substr(at + 5, 16);
}

// Feeds `repeats` spans of the sample, stamped; from segment `switch_at` on
// (when >= 0) a republish without audio. Returns the stamped video packets.
std::vector<media::Packet> Feed(HlsRendition& r, int repeats, int64_t switch_at = -1) {
    Segmenter::Options so;
    so.target_duration = kTarget;
    Segmenter seg(so);
    seg.SetHasVideo(true);
    r.SetConfigs(test::SampleVideoConfig(), test::SampleAudioConfig());
    std::vector<media::Packet> video;
    bool switched = false;
    for (auto p : test::SamplePackets(repeats)) {
        const bool key = p.kind == media::TrackKind::kVideo && p.keyframe;
        if (switch_at >= 0 && !switched && key && seg.segments_started() == switch_at) {
            r.SetConfigs(test::SampleVideoConfig(), std::nullopt);
            p.discontinuity = true;
            switched = true;
        }
        if (switched && p.kind == media::TrackKind::kAudio) continue;
        (void)seg.Stamp(p);
        r.Push(p);
        if (p.kind == media::TrackKind::kVideo) video.push_back(p);
    }
    return video;
}

TEST(HlsRenditionFmp4, PlaylistNamesTheInitSegmentByItsBytes) {
    HlsRendition r(Options());
    (void)Feed(r, 4);
    r.EndOfStream();
    const auto playlist = r.PlaylistModel();
    EXPECT_EQ(playlist.version, 6);
    ASSERT_EQ(playlist.segments.size(), 4u);
    Fmp4SegmentWriter w;
    ASSERT_TRUE(w.Configure(test::SampleVideoConfig(), test::SampleAudioConfig()).ok());
    const std::string id = HlsRendition::InitSegmentId(*w.InitSegment());
    EXPECT_EQ(id.size(), 16u);
    EXPECT_EQ(playlist.segments[0].map_uri, "b7-init-" + id + ".mp4");
    for (size_t n = 0; n < 4; ++n) {
        SCOPED_TRACE(n);
        EXPECT_EQ(playlist.segments[n].uri, "b7-" + std::to_string(n) + ".m4s");
        if (n > 0) {
            EXPECT_EQ(playlist.segments[n].map_uri, "");  // the same init
        }
        auto f = format::mp4::ReadFragment(r.Segment(n)->span());
        ASSERT_TRUE(f.ok()) << f.error().message;
        EXPECT_EQ(f->sequence_number, Fmp4SegmentWriter::FragmentNumber(n, 0));
        EXPECT_EQ(f->tracks.size(), 2u);
        EXPECT_TRUE(f->tracks[0].samples.at(0).sync);
    }
    const auto init = r.InitSegment(id);
    ASSERT_TRUE(init);
    EXPECT_EQ(init->view(), w.InitSegment()->view());
    EXPECT_FALSE(r.InitSegment("0000000000000000"));
    EXPECT_FALSE(r.InitSegment(""));
    const std::string text = r.Playlist();
    EXPECT_NE(text.find("#EXT-X-VERSION:6\n"), std::string::npos);
    EXPECT_NE(text.find("#EXT-X-MAP:URI=\"b7-init-" + id + ".mp4\"\n"), std::string::npos);
    // (format::hls::ReadMediaPlaylist skips EXT-X-MAP: it reads the rest.)
    auto read = format::hls::ReadMediaPlaylist(text);
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(read->segments.size(), 4u);
    EXPECT_EQ(r.stats().write_errors, 0u);
    EXPECT_EQ(r.stats().config_errors, 0u);
}

TEST(HlsRenditionFmp4, ANewCodecConfigGetsANewInitAndASecondMap) {
    // Window 3, grace 1: once segments 0 and 1 (before the switch) are
    // neither listed nor grace, their init is no longer served.
    HlsRendition r(Options(3, 1));
    HlsRendition probe(Options());
    (void)Feed(probe, 6, /*switch_at=*/2);
    const auto p = probe.PlaylistModel();
    ASSERT_GE(p.segments.size(), 5u);
    EXPECT_NE(p.segments[0].map_uri, "");
    EXPECT_EQ(p.segments[1].map_uri, "");
    EXPECT_TRUE(p.segments[2].discontinuity);
    ASSERT_NE(p.segments[2].map_uri, "");
    EXPECT_NE(p.segments[2].map_uri, p.segments[0].map_uri);
    EXPECT_EQ(p.segments[3].map_uri, "");
    const std::string first = IdOf(p.segments[0].map_uri), second = IdOf(p.segments[2].map_uri);
    ASSERT_TRUE(probe.InitSegment(first));
    ASSERT_TRUE(probe.InitSegment(second));
    auto tracks = format::mp4::ReadInitSegment(probe.InitSegment(second)->span());
    ASSERT_TRUE(tracks.ok());
    EXPECT_EQ(tracks->size(), 1u);  // video only
    auto f = format::mp4::ReadFragment(probe.Segment(3)->span());
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->tracks.size(), 1u);

    (void)Feed(r, 8, /*switch_at=*/2);
    r.EndOfStream();
    const auto q = r.PlaylistModel();
    ASSERT_EQ(q.segments.size(), 3u);
    ASSERT_GE(q.media_sequence, 4u);
    EXPECT_EQ(q.segments[0].map_uri, p.segments[2].map_uri);  // the window's first segment names its init
    EXPECT_FALSE(r.InitSegment(first));                          // slid out past the grace
    EXPECT_TRUE(r.InitSegment(second));
}

class HlsRenditionFmp4Ffmpeg : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::HaveTool("ffprobe") || !test::HaveTool("ffmpeg")) GTEST_SKIP() << "ffprobe/ffmpeg not installed";
    }
    // Feeds `r`, then has ffmpeg decode its init and segments (its parts
    // with LL-HLS) and ffprobe list the packets.
    static void DecodesAsOneStream(HlsRendition& r);
};

TEST_F(HlsRenditionFmp4Ffmpeg, InitAndSegmentsDecodeAsOneStream) {
    // Classic fMP4, and LL-HLS (0.2 s parts of CMAF chunks) read as the
    // parts an LL-HLS player fetches.
    for (const int64_t part_target : {int64_t{0}, int64_t{18000}}) {
        SCOPED_TRACE(part_target);
        auto o = Options();
        o.part_target = part_target;
        HlsRendition r(o);
        DecodesAsOneStream(r);
    }
}

void HlsRenditionFmp4Ffmpeg::DecodesAsOneStream(HlsRendition& r) {
    const auto fed = Feed(r, 4);
    r.EndOfStream();
    const auto playlist = r.PlaylistModel();
    const auto init = r.InitSegment(IdOf(playlist.segments.at(0).map_uri));
    ASSERT_TRUE(init);
    Bytes all(init->span().begin(), init->span().end());
    for (const auto& s : playlist.segments) {
        const auto n = static_cast<uint64_t>(std::stoull(s.uri.substr(3)));
        const auto seg = r.Segment(n);
        ASSERT_TRUE(seg);
        if (!r.low_latency()) {
            all.insert(all.end(), seg->span().begin(), seg->span().end());
            continue;
        }
        const size_t before = all.size();
        uint32_t k = 0;
        for (; auto part = r.Part(n, k); ++k) all.insert(all.end(), part->span().begin(), part->span().end());
        EXPECT_GE(k, 2u);
        EXPECT_EQ(all.size() - before, seg->size());
    }
    const auto path = test::WriteTempFile("onair_rendition_fmp4.mp4", all);
    EXPECT_EQ(test::RunCommand("ffmpeg -nostdin -v error -i '" + path + "' -f null -"), "");
    std::string errors;
    const auto probed = test::ProbePackets(path, &errors);
    EXPECT_EQ(errors, "");
    std::vector<test::ProbedPacket> video;
    size_t audio = 0;
    for (const auto& p : probed) {
        if (p.type == "video") video.push_back(p);
        if (p.type == "audio") ++audio;
    }
    EXPECT_GT(audio, 0u);
    ASSERT_EQ(video.size(), fed.size());
    for (size_t i = 0; i < video.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(video[i].dts, fed[i].dts);
        EXPECT_EQ(video[i].pts, fed[i].pts);
        EXPECT_EQ(video[i].key, fed[i].keyframe);
    }
}

}  // namespace
}  // namespace onair::packager
