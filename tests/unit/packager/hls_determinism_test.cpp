// SPDX-License-Identifier: Apache-2.0
// Edges behind a load balancer without stickiness package the same records
// themselves: two renditions fed the same broadcast, one from its start and
// one from a later point (an edge that started, or restarted, later; its
// configs given first), must serve byte-identical segments, and the same
// media playlist once they list the same segments. With LL-HLS, the same
// parts too (cut by DTS from the segment start, never by arrival), the same
// bytes of the part in progress, and every playlist passes our checker.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "onair/format/hls/playlist_checker.h"
#include "onair/packager/hls_rendition.h"
#include "unit/packager/sample_broadcast.h"

namespace onair::packager {
namespace {

using Container = HlsRendition::Container;
// MPEG-TS, fMP4, and fMP4 with LL-HLS parts.
enum class Mode : uint8_t { kTs, kFmp4, kLlHls };

// 0.2 s parts: 5 frames at the sample's 25 fps, 6 after the takeover's 30.
constexpr int64_t kPartTarget = 18000;

Container ContainerOf(Mode mode) { return mode == Mode::kTs ? Container::kMpegTs : Container::kFmp4; }

HlsRendition::Options Options(int64_t target, Mode mode) {
    HlsRendition::Options o;
    o.container = ContainerOf(mode);
    if (mode == Mode::kLlHls) o.part_target = kPartTarget;
    o.window_segments = 4;
    o.grace_segments = 2;
    o.target_duration = target;
    o.uri_prefix = "b1-";
    return o;
}

void Push(HlsRendition& r, const test::SampleBroadcast& b, size_t i) {
    if (i > 0 && b.steps[i].configs != b.steps[i - 1].configs) {
        const auto& c = b.configs[b.steps[i].configs];
        r.SetConfigs(c.video, c.audio);
    }
    r.Push(b.steps[i].packet);
}

std::vector<std::string> Uris(const HlsRendition& r) {
    std::vector<std::string> out;
    for (const auto& s : r.PlaylistModel().segments) out.push_back(s.uri);
    return out;
}

struct Compared {
    int segments = 0;   // (segment, moment) pairs compared
    int playlists = 0;  // moments both listed the same segments
    int inits = 0;      // init segments compared (fMP4)
    int parts = 0;      // (part, moment) pairs compared (LL-HLS)
    int in_progress = 0;  // moments both had the same part in progress
};

// Every segment both still hold is the same bytes; when both list the same
// segments, the playlists are the same text.
void Compare(const HlsRendition& a, const HlsRendition& b, int64_t last_segment, Compared& c) {
    for (int64_t n = 0; n <= last_segment; ++n) {
        const auto sa = a.Segment(static_cast<uint64_t>(n));
        const auto sb = b.Segment(static_cast<uint64_t>(n));
        if (!sa || !sb) continue;
        EXPECT_TRUE(sa->view() == sb->view()) << "segment " << n << " differs";
        ++c.segments;
    }
    // LL-HLS: the parts both hold, and the bytes of the part in progress.
    for (int64_t n = 0; n <= last_segment + 1; ++n) {
        for (uint32_t k = 0;; ++k) {
            const auto pa = a.Part(static_cast<uint64_t>(n), k);
            const auto pb = b.Part(static_cast<uint64_t>(n), k);
            if (!pa || !pb) break;
            EXPECT_TRUE(pa->view() == pb->view()) << "part " << n << "." << k << " differs";
            ++c.parts;
        }
    }
    const auto oa = a.PartInProgress(), ob = b.PartInProgress();
    if (oa && ob && a.has_segments() && b.has_segments()) {
        EXPECT_EQ(oa->msn, ob->msn);
        EXPECT_EQ(oa->index, ob->index);
        EXPECT_TRUE(oa->bytes_so_far.view() == ob->bytes_so_far.view());
        ++c.in_progress;
    }
    if (b.has_segments() && Uris(a) == Uris(b)) {
        EXPECT_EQ(a.Playlist(), b.Playlist());
        ++c.playlists;
        // fMP4: the init segments they name are the same bytes.
        for (const auto& s : a.PlaylistModel().segments) {
            if (s.map_uri.empty()) continue;
            const std::string id = s.map_uri.substr(s.map_uri.find("init-") + 5, 16);
            const auto ia = a.InitSegment(id), ib = b.InitSegment(id);
            ASSERT_TRUE(ia && ib) << s.map_uri;
            EXPECT_TRUE(ia->view() == ib->view());
            ++c.inits;
        }
    }
}

// Feeds `a` the whole broadcast and `b` the steps from `first` on (after the
// configs in effect there), comparing at every segment start and at the end.
// LL-HLS: `r`'s playlist passes the checker, alone and against `previous`
// (then becomes it).
void CheckPlaylist(const HlsRendition& r, std::string& previous) {
    if (!r.has_segments()) return;
    format::hls::CheckOptions o;
    o.keyframe_segments = true;
    const std::string text = r.Playlist();
    const std::string_view prev(previous);
    for (const auto& v : format::hls::CheckMediaPlaylistText(text, previous.empty() ? nullptr : &prev, o)) {
        EXPECT_NE(v.severity, format::hls::Severity::kError) << v.code << ": " << v.message << "\n" << text;
    }
    previous = text;
}

Compared FeedBoth(const test::SampleBroadcast& broadcast, size_t first, HlsRendition& b, Mode mode) {
    const Container container = ContainerOf(mode);
    HlsRendition a(Options(broadcast.target, mode));
    const auto& c0 = broadcast.configs[broadcast.steps[0].configs];
    a.SetConfigs(c0.video, c0.audio);
    for (size_t i = 0; i < first; ++i) Push(a, broadcast, i);
    const auto& c = broadcast.configs[broadcast.steps[first].configs];
    b.SetConfigs(c.video, c.audio);  // an edge gets the configs first
    Compared compared;
    std::string previous;  // b's last playlist (LL-HLS)
    const int64_t last = static_cast<int64_t>(broadcast.segment_starts.size()) - 1;
    for (size_t i = first; i < broadcast.steps.size(); ++i) {
        Push(a, broadcast, i);
        b.Push(broadcast.steps[i].packet);
        if (i + 1 < broadcast.steps.size() && broadcast.steps[i + 1].configs != broadcast.steps[i].configs) {
            const auto& next = broadcast.configs[broadcast.steps[i + 1].configs];
            b.SetConfigs(next.video, next.audio);
        }
        if (mode == Mode::kLlHls) {
            // Parts change the playlist between segment starts.
            CheckPlaylist(b, previous);
            Compare(a, b, last, compared);
        } else if (broadcast.steps[i].packet.segment_start >= 0) {
            Compare(a, b, last, compared);
        }
    }
    Compare(a, b, last, compared);
    a.EndOfStream();
    b.EndOfStream();
    Compare(a, b, last, compared);
    EXPECT_EQ(Uris(a), Uris(b));
    EXPECT_EQ(a.Playlist(), b.Playlist());
    EXPECT_EQ(a.stats().write_errors, 0u);
    EXPECT_EQ(b.stats().write_errors, 0u);
    if (container == Container::kFmp4) {
        EXPECT_GE(compared.inits, compared.playlists);
        EXPECT_NE(b.Playlist().find("#EXT-X-MAP:URI=\"b1-init-"), std::string::npos);
    }
    if (mode == Mode::kLlHls) {
        CheckPlaylist(b, previous);
        EXPECT_GT(compared.parts, compared.segments);
        EXPECT_GT(compared.in_progress, 50);
        EXPECT_EQ(b.stats().parts_over_target, 0u);
        EXPECT_NE(b.Playlist().find("#EXT-X-PART:"), std::string::npos);
    }
    return compared;
}

// Parameters: the audio is dropped at the republish; the container.
class HlsDeterminism : public ::testing::TestWithParam<std::tuple<bool, Mode>> {
protected:
    const test::SampleBroadcast broadcast_ = test::MakeSampleBroadcast(/*drop_audio=*/std::get<0>(GetParam()));
    const Mode mode_ = std::get<1>(GetParam());
    HlsRendition::Options Opts() const { return Options(broadcast_.target, mode_); }
    Compared Feed(size_t first, HlsRendition& b) const { return FeedBoth(broadcast_, first, b, mode_); }
};

TEST_P(HlsDeterminism, TheStreamIsWhatTheTestsNeed) {
    const auto& b = broadcast_;
    ASSERT_EQ(b.discontinuities.size(), 2u);
    ASSERT_GT(b.segment_starts.size(), 20u);
    // The long segment raised the target before the first discontinuity.
    HlsRendition r(Opts());
    r.SetConfigs(b.configs[0].video, b.configs[0].audio);
    for (size_t i = 0; i < b.StartOf(b.discontinuities[0]); ++i) Push(r, b, i);
    EXPECT_EQ(r.target_duration_seconds(), 2);
}

TEST_P(HlsDeterminism, AnEdgeThatStartsAfterTheLongSegmentAndATakeover) {
    // It never saw the 2 s segment nor the first discontinuity, and must
    // still say TARGETDURATION 2 and count the discontinuity once it slides out.
    const int64_t n = broadcast_.discontinuities[0] + 2;
    HlsRendition b(Opts());
    const auto c = Feed(broadcast_.StartOf(n), b);
    EXPECT_GT(c.playlists, 10);
    EXPECT_GT(c.segments, 50);
    EXPECT_EQ(b.stats().dropped_before_start, 0u);
    EXPECT_NE(b.Playlist().find("#EXT-X-TARGETDURATION:2\n"), std::string::npos);
    EXPECT_NE(b.Playlist().find("#EXT-X-DISCONTINUITY-SEQUENCE:2\n"), std::string::npos);
}

TEST_P(HlsDeterminism, AnEdgeThatStartsAtTheSecondSegment) {
    HlsRendition b(Opts());
    const auto c = Feed(broadcast_.StartOf(1), b);
    EXPECT_GT(c.playlists, 15);
}

TEST_P(HlsDeterminism, AnEdgeRestartedAtADiscontinuity) {
    // Restarted (a new rendition) right at the takeover, and at the
    // republish that may change the tracks: its first segment carries
    // EXT-X-DISCONTINUITY like the other edge's.
    for (const int64_t n : broadcast_.discontinuities) {
        SCOPED_TRACE(n);
        HlsRendition b(Opts());
        const auto c = Feed(broadcast_.StartOf(n), b);
        EXPECT_GT(c.playlists, 5);
    }
}

TEST_P(HlsDeterminism, AnEdgeThatResumesInTheMiddleOfASegment) {
    // A consumer that resumes at an arbitrary record: what comes before the
    // next segment start is dropped, the rest agrees.
    const int64_t n = 7;
    HlsRendition b(Opts());
    const auto c = Feed(broadcast_.StartOf(n) - 5, b);
    EXPECT_GT(c.playlists, 10);
    EXPECT_EQ(b.stats().dropped_before_start, 5u);
    EXPECT_FALSE(b.Segment(static_cast<uint64_t>(n - 1)));
}

INSTANTIATE_TEST_SUITE_P(, HlsDeterminism,
                         ::testing::Combine(::testing::Bool(), ::testing::Values(Mode::kTs, Mode::kFmp4, Mode::kLlHls)),
                         [](const auto& p) {
                             const Mode mode = std::get<1>(p.param);
                             return std::string(std::get<0>(p.param) ? "AudioDroppedAtRepublish" : "SameTracks") +
                                    (mode == Mode::kTs ? "Ts" : mode == Mode::kFmp4 ? "Fmp4" : "LlHls");
                         });

}  // namespace
}  // namespace onair::packager
