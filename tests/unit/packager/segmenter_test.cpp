// SPDX-License-Identifier: Apache-2.0
#include "onair/packager/segmenter.h"

#include <gtest/gtest.h>

#include <vector>

namespace onair::packager {
namespace {

constexpr int64_t kSecond = media::kTimescale;

media::Packet Video(int64_t dts, bool key, bool discontinuity = false) {
    media::Packet p;
    p.kind = media::TrackKind::kVideo;
    p.codec = media::Codec::kH264;
    p.dts = p.pts = dts;
    p.keyframe = key;
    p.discontinuity = discontinuity;
    return p;
}

media::Packet Audio(int64_t dts, bool discontinuity = false) {
    media::Packet p;
    p.kind = media::TrackKind::kAudio;
    p.codec = media::Codec::kAac;
    p.dts = p.pts = dts;
    p.keyframe = true;
    p.discontinuity = discontinuity;
    return p;
}

Segmenter VideoSegmenter(int64_t target = 2 * kSecond) {
    Segmenter::Options o;
    o.target_duration = target;
    Segmenter s(o);
    s.SetHasVideo(true);
    return s;
}

struct Cut {
    int64_t dts;
    int64_t segment;
    bool operator==(const Cut&) const = default;
};

// Feeds 30 fps video (RTMP millisecond timestamps, so 33/34 ms steps)
// with keyframes every `gop_frames` frames and AAC between the frames;
// returns where segments started.
std::vector<Cut> RunVideo(Segmenter& s, int frames, int gop_frames, std::vector<int64_t>* long_gops = nullptr) {
    std::vector<Cut> cuts;
    for (int i = 0; i < frames; ++i) {
        auto v = Video(media::MsToTicks(i * 1000 / 30), i % gop_frames == 0);
        const auto r = s.Stamp(v);
        EXPECT_EQ(r.segment, v.segment_start);
        if (v.segment_start >= 0) cuts.push_back({v.dts, v.segment_start});
        if (r.long_gop && long_gops) long_gops->push_back(r.gop_duration);
        auto a = Audio(v.dts + 100);
        s.Stamp(a);
        EXPECT_EQ(a.segment_start, -1);  // with video, audio never starts a segment
    }
    return cuts;
}

TEST(Segmenter, TwoSecondGopsCutAtEveryKeyframe) {
    auto s = VideoSegmenter();
    std::vector<int64_t> long_gops;
    const auto cuts = RunVideo(s, 300, 60, &long_gops);
    // Keyframes at 0, 2000, 4000... ms: each one starts a segment.
    ASSERT_EQ(cuts.size(), 5u);
    for (size_t i = 0; i < cuts.size(); ++i) {
        EXPECT_EQ(cuts[i], (Cut{media::MsToTicks(2000 * int64_t(i)), int64_t(i)}));
    }
    EXPECT_TRUE(long_gops.empty());
    EXPECT_EQ(s.segments_started(), 5);
}

TEST(Segmenter, OneSecondGopsCutEveryOtherKeyframe) {
    auto s = VideoSegmenter();
    const auto cuts = RunVideo(s, 300, 30);
    ASSERT_EQ(cuts.size(), 5u);
    EXPECT_EQ(cuts[1].dts, media::MsToTicks(2000));
}

TEST(Segmenter, KeyframeAFewMillisecondsEarlyStillCuts) {
    auto s = VideoSegmenter();
    auto k0 = Video(0, true);
    s.Stamp(k0);
    auto early = Video(media::MsToTicks(1993), true);  // 7 ms of RTMP rounding and jitter
    s.Stamp(early);
    EXPECT_EQ(early.segment_start, 1);
    auto too_early = Video(media::MsToTicks(1993 + 1980), true);  // 20 ms short
    s.Stamp(too_early);
    EXPECT_EQ(too_early.segment_start, -1);
    auto next = Video(media::MsToTicks(1993 + 2001), true);
    s.Stamp(next);
    EXPECT_EQ(next.segment_start, 2);
}

TEST(Segmenter, LongGopsMakeLongSegmentsAndAreReportedOncePerGop) {
    // OBS's default: a keyframe every 250 frames at 30 fps = 8.333 s.
    auto s = VideoSegmenter();
    std::vector<int64_t> long_gops;
    const auto cuts = RunVideo(s, 1000, 250, &long_gops);
    ASSERT_EQ(cuts.size(), 4u);
    EXPECT_EQ(cuts[1].dts, media::MsToTicks(8333));
    EXPECT_EQ(cuts[1].segment, 1);
    ASSERT_EQ(long_gops.size(), 3u);  // three GOPs ended; the fourth is still open
    EXPECT_EQ(long_gops[0], media::MsToTicks(8333));
    EXPECT_EQ(long_gops[1], media::MsToTicks(8333));
}

TEST(Segmenter, GopAtTheTargetIsNotLong) {
    auto s = VideoSegmenter();
    auto k0 = Video(0, true);
    EXPECT_FALSE(s.Stamp(k0).long_gop);
    auto k1 = Video(2 * kSecond + media::MsToTicks(10), true);  // within the jitter tolerance
    EXPECT_FALSE(s.Stamp(k1).long_gop);
    auto k2 = Video(k1.dts + 2 * kSecond + media::MsToTicks(11), true);
    const auto r = s.Stamp(k2);
    EXPECT_TRUE(r.long_gop);
    EXPECT_EQ(r.gop_duration, 2 * kSecond + media::MsToTicks(11));
}

TEST(Segmenter, PacketsBeforeTheFirstKeyframeStartNothing) {
    auto s = VideoSegmenter();
    auto a = Audio(0);
    auto p = Video(0, false);
    s.Stamp(a);
    s.Stamp(p);
    EXPECT_EQ(a.segment_start, -1);
    EXPECT_EQ(p.segment_start, -1);
    auto k = Video(3000, true);
    s.Stamp(k);
    EXPECT_EQ(k.segment_start, 0);
}

TEST(Segmenter, DiscontinuityAlwaysStartsASegment) {
    auto s = VideoSegmenter();
    auto k0 = Video(0, true);
    s.Stamp(k0);
    auto k1 = Video(media::MsToTicks(500), true, /*discontinuity=*/true);
    const auto r = s.Stamp(k1);
    EXPECT_EQ(k1.segment_start, 1);
    EXPECT_TRUE(k1.discontinuity);
    EXPECT_FALSE(r.long_gop);
    // The new segment's clock starts at the discontinuity.
    auto k2 = Video(media::MsToTicks(2000), true);
    s.Stamp(k2);
    EXPECT_EQ(k2.segment_start, -1);
    auto k3 = Video(media::MsToTicks(2500), true);
    s.Stamp(k3);
    EXPECT_EQ(k3.segment_start, 2);
}

TEST(Segmenter, ADiscontinuityOnANonStartPointMovesToTheNextKeyframe) {
    auto s = VideoSegmenter();
    auto k0 = Video(0, true);
    s.Stamp(k0);
    auto p = Video(3000, false, true);
    s.Stamp(p);
    EXPECT_FALSE(p.discontinuity);
    EXPECT_EQ(p.segment_start, -1);
    auto a = Audio(3100);
    s.Stamp(a);
    EXPECT_FALSE(a.discontinuity);
    auto k1 = Video(6000, true);
    s.Stamp(k1);
    EXPECT_TRUE(k1.discontinuity);
    EXPECT_EQ(k1.segment_start, 1);
}

TEST(Segmenter, LongGopAcrossADiscontinuityIsNotMeasured) {
    auto s = VideoSegmenter();
    auto k0 = Video(0, true);
    s.Stamp(k0);
    auto k1 = Video(60 * kSecond, true, true);  // a republish a minute later
    EXPECT_FALSE(s.Stamp(k1).long_gop);
}

TEST(Segmenter, AudioOnlyCutsOnAnyAudioPacket) {
    Segmenter::Options o;
    o.target_duration = 2 * kSecond;
    Segmenter s(o);
    std::vector<Cut> cuts;
    // AAC at 44.1 kHz: 1024 samples = 23.22 ms, as RTMP ms timestamps.
    for (int i = 0; i < 400; ++i) {
        auto a = Audio(media::MsToTicks(static_cast<int64_t>(i) * 1024 * 1000 / 44100));
        EXPECT_FALSE(s.Stamp(a).long_gop);
        if (a.segment_start >= 0) cuts.push_back({a.dts, a.segment_start});
    }
    ASSERT_EQ(cuts.size(), 5u);
    EXPECT_EQ(cuts[0], (Cut{0, 0}));
    // The first frame at or after 2 s (minus the 10 ms tolerance): frame 86 at 1996 ms.
    EXPECT_EQ(cuts[1].dts, media::MsToTicks(86 * 1024 * 1000 / 44100));
    EXPECT_EQ(cuts[1].segment, 1);
    for (size_t i = 1; i < cuts.size(); ++i) {
        EXPECT_GE(cuts[i].dts - cuts[i - 1].dts, 2 * kSecond - media::MsToTicks(10));
        EXPECT_LT(cuts[i].dts - cuts[i - 1].dts, 2 * kSecond + media::MsToTicks(24));
    }
}

TEST(Segmenter, AudioOnlyDiscontinuity) {
    Segmenter s(Segmenter::Options{});
    auto a0 = Audio(0);
    s.Stamp(a0);
    auto a1 = Audio(2000, true);
    s.Stamp(a1);
    EXPECT_EQ(a1.segment_start, 1);
    EXPECT_TRUE(a1.discontinuity);
}

TEST(Segmenter, VideoAppearingLaterTakesOverTheCuts) {
    Segmenter s(Segmenter::Options{});
    auto a0 = Audio(0);
    s.Stamp(a0);
    EXPECT_EQ(a0.segment_start, 0);
    s.SetHasVideo(true);
    auto a1 = Audio(3 * kSecond);
    s.Stamp(a1);
    EXPECT_EQ(a1.segment_start, -1);
    auto k = Video(3 * kSecond + 100, true);
    s.Stamp(k);
    EXPECT_EQ(k.segment_start, 1);  // numbers continue
}

TEST(Segmenter, StampOverwritesWhatThePacketCarried) {
    auto s = VideoSegmenter();
    auto k0 = Video(0, true);
    s.Stamp(k0);
    auto p = Video(3000, false);
    p.segment_start = 7;
    p.discontinuity_sequence = 7;
    p.longest_segment = 7;
    s.Stamp(p);
    EXPECT_EQ(p.segment_start, -1);
    EXPECT_EQ(p.discontinuity_sequence, 0);
    EXPECT_EQ(p.longest_segment, 0);
}

TEST(Segmenter, EachStartCarriesTheDiscontinuitiesAndLongestSegmentBeforeIt) {
    auto s = VideoSegmenter();
    struct Start {
        int64_t dts;
        bool discontinuity;
        int64_t segment, discontinuities_before, longest_before;
    };
    const Start starts[] = {
        {0, false, 0, 0, 0},
        {2 * kSecond, false, 1, 0, 2 * kSecond},
        {10 * kSecond, true, 2, 0, 8 * kSecond},  // an 8 s GOP, then a takeover
        {12 * kSecond, false, 3, 1, 8 * kSecond},
        {13 * kSecond, true, 4, 1, 8 * kSecond},  // a republish a second later
        {15 * kSecond, false, 5, 2, 8 * kSecond},
    };
    for (const auto& e : starts) {
        auto k = Video(e.dts, true, e.discontinuity);
        s.Stamp(k);
        EXPECT_EQ(k.segment_start, e.segment);
        EXPECT_EQ(k.discontinuity_sequence, e.discontinuities_before) << e.segment;
        EXPECT_EQ(k.longest_segment, e.longest_before) << e.segment;
        auto between = Video(e.dts + 3000, false);
        s.Stamp(between);
        EXPECT_EQ(between.discontinuity_sequence, 0);  // only starts carry them
        EXPECT_EQ(between.longest_segment, 0);
    }
}

TEST(Segmenter, IsDeterministic) {
    auto a = VideoSegmenter();
    auto b = VideoSegmenter();
    EXPECT_EQ(RunVideo(a, 500, 47), RunVideo(b, 500, 47));
}

}  // namespace
}  // namespace onair::packager
