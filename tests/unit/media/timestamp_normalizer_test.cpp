// SPDX-License-Identifier: Apache-2.0
// TimestampNormalizer: one timeline from 0, per-track monotonic DTS, the
// 32-bit RTMP wrap, jumps and publisher changes.
#include "onair/media/timestamp_normalizer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "support/media_vectors.h"

namespace onair::media {
namespace {

namespace vectors = ::onair::test::vectors;

constexpr auto kV = TrackKind::kVideo;
constexpr auto kA = TrackKind::kAudio;
constexpr int64_t kWrapMs = int64_t{1} << 32;
constexpr int64_t kGap = 9000;  // the default: 100 ms

int64_t Ms(int64_t ms) { return ms * 90; }

// Input in RTMP milliseconds, as the demuxer delivers it (ms * 90).
TimestampNormalizer::Stamped In(TimestampNormalizer& n, TrackKind k, int64_t dts_ms, int64_t pts_ms) {
    return n.Normalize(k, Ms(dts_ms), Ms(pts_ms));
}
TimestampNormalizer::Stamped In(TimestampNormalizer& n, TrackKind k, int64_t ms) { return In(n, k, ms, ms); }

TEST(TimestampNormalizer, StartsAtZero) {
    TimestampNormalizer n;
    auto first = In(n, kV, 5000, 5067);
    EXPECT_EQ(first.dts, 0);
    EXPECT_EQ(first.pts, Ms(67));
    EXPECT_FALSE(first.restamped);
    auto next = In(n, kV, 5033, 5200);
    EXPECT_EQ(next.dts, Ms(33));
    EXPECT_EQ(next.pts, Ms(200));
    EXPECT_FALSE(next.restamped);
}

TEST(TimestampNormalizer, RealInterleavedStreamKeepsEveryTimestampRelativeToTheFirst) {
    // The A/V order and timestamps ffmpeg's FLV muxer produced (B-frames:
    // video PTS ahead of DTS, audio between video frames), shifted to a
    // publisher clock that is already running.
    constexpr int64_t kBase = 3'600'000;
    TimestampNormalizer n;
    int count = 0;
    for (const auto& t : vectors::kSmallFlv) {
        if (!t.media) continue;
        const auto kind = t.type == 9 ? kV : kA;
        auto s = In(n, kind, kBase + t.dts_ms, kBase + t.pts_ms);
        EXPECT_EQ(s.dts, Ms(t.dts_ms)) << count;
        EXPECT_EQ(s.pts, Ms(t.pts_ms)) << count;
        EXPECT_FALSE(s.restamped) << count;
        ++count;
    }
    EXPECT_GE(count, 8);
}

TEST(TimestampNormalizer, TracksAreMonotonicIndependently) {
    // Audio behind the latest video DTS is normal interleaving, not a re-stamp.
    TimestampNormalizer n;
    EXPECT_EQ(In(n, kV, 1000).dts, 0);
    EXPECT_EQ(In(n, kV, 1100).dts, Ms(100));
    auto a = In(n, kA, 1040);
    EXPECT_EQ(a.dts, Ms(40));
    EXPECT_FALSE(a.restamped);
    auto a2 = In(n, kA, 1063);
    EXPECT_EQ(a2.dts, Ms(63));
    EXPECT_FALSE(a2.restamped);
}

TEST(TimestampNormalizer, BackwardDtsIsRestampedOneFrameIntervalAfterTheTracksLast) {
    TimestampNormalizer n;
    In(n, kV, 0, 0);
    In(n, kV, 33, 100);
    In(n, kV, 66, 66);
    auto back = In(n, kV, 50, 83);  // 16 ms backwards, composition offset 33 ms
    EXPECT_TRUE(back.restamped);
    EXPECT_EQ(back.dts, Ms(66) + Ms(33));  // the track's last step
    EXPECT_EQ(back.pts - back.dts, Ms(33));  // PTS moved by the same amount
    // The shared offset did not change: the next frame is where it was.
    auto next = In(n, kV, 100, 133);
    EXPECT_FALSE(next.restamped);
    EXPECT_EQ(next.dts, Ms(100));
    EXPECT_EQ(next.pts, Ms(133));
    // The other track is unaffected.
    auto a = In(n, kA, 60);
    EXPECT_FALSE(a.restamped);
    EXPECT_EQ(a.dts, Ms(60));
}

TEST(TimestampNormalizer, RepeatedDtsBecomesStrictlyIncreasing) {
    TimestampNormalizer n;
    In(n, kA, 0);
    auto same = In(n, kA, 0);  // no step seen yet: 1024 samples at 48 kHz
    EXPECT_TRUE(same.restamped);
    EXPECT_EQ(same.dts, 1920);
    auto again = In(n, kA, 0);
    EXPECT_EQ(again.dts, 3840);
    EXPECT_EQ(again.pts, 3840);
    // Once the publisher's clock is ahead again, its timestamps are kept.
    auto ahead = In(n, kA, 64);
    EXPECT_FALSE(ahead.restamped);
    EXPECT_EQ(ahead.dts, Ms(64));
}

// A decoder that times frames by the frame rate (ffmpeg's -f null pipeline)
// must not see two frames a tick apart: a burst of repeated video timestamps
// (GStreamer under load) is spread one frame interval apart.
TEST(TimestampNormalizer, RepeatedVideoDtsIsSpreadByTheFrameInterval) {
    TimestampNormalizer n;
    In(n, kV, 0);
    In(n, kV, 40);
    auto a = In(n, kV, 40);
    auto b = In(n, kV, 40);
    EXPECT_EQ(a.dts, Ms(80));
    EXPECT_EQ(b.dts, Ms(120));
    EXPECT_TRUE(a.restamped && b.restamped);
    auto c = In(n, kV, 160);
    EXPECT_FALSE(c.restamped);
    EXPECT_EQ(c.dts, Ms(160));
}

TEST(TimestampNormalizer, PtsBeforeDtsIsClamped) {
    TimestampNormalizer n;
    In(n, kV, 0);
    auto s = In(n, kV, 40, 20);
    EXPECT_TRUE(s.restamped);
    EXPECT_EQ(s.dts, Ms(40));
    EXPECT_EQ(s.pts, Ms(40));
}

TEST(TimestampNormalizer, OutputIsNeverNegative) {
    // The first packet defines 0; a packet of another track stamped earlier
    // (publishers start tracks a little apart) cannot go before it.
    TimestampNormalizer n;
    EXPECT_EQ(In(n, kV, 1000, 1067).dts, 0);
    auto early = In(n, kA, 977);
    EXPECT_GE(early.dts, 0);
    EXPECT_GE(early.pts, early.dts);
    EXPECT_TRUE(early.restamped);
    auto early2 = In(n, kA, 999);
    EXPECT_GT(early2.dts, early.dts);
    auto on_time = In(n, kA, 1023);
    EXPECT_EQ(on_time.dts, Ms(23));
    EXPECT_FALSE(on_time.restamped);
}

TEST(TimestampNormalizer, ThirtyTwoBitWrapContinuesSmoothly) {
    TimestampNormalizer n;
    const int64_t start = kWrapMs - 100;
    In(n, kV, start);
    int64_t ms = start;
    for (int i = 0; i < 10; ++i) {  // crosses 2^32 ms -> 0 on the way
        ms += 33;
        auto s = In(n, kV, ms % kWrapMs, ms % kWrapMs + 66);
        EXPECT_EQ(s.dts, Ms(ms - start)) << i;
        EXPECT_EQ(s.pts, Ms(ms - start + 66)) << i;
        EXPECT_FALSE(s.restamped) << i;
    }
}

TEST(TimestampNormalizer, WrapWithATrackLaggingBehindKeepsSync) {
    // RTMP interleaves tracks loosely: one track's timestamps wrap while the
    // other still sends values from just before 2^32 ms. Every packet must
    // keep its real distance to the first, with no re-stamp.
    struct P {
        TrackKind kind;
        int64_t ms;  // unwrapped
    };
    const P seq[] = {
        {kA, kWrapMs - 100}, {kV, kWrapMs - 90}, {kV, kWrapMs - 57}, {kA, kWrapMs - 77}, {kV, kWrapMs - 24},
        {kV, kWrapMs + 9},  // video wrapped
        {kA, kWrapMs - 54},  // audio not yet
        {kA, kWrapMs - 31}, {kV, kWrapMs + 42}, {kA, kWrapMs - 8},
        {kA, kWrapMs + 15},  // audio wraps too
        {kV, kWrapMs + 75}, {kA, kWrapMs + 38},
    };
    TimestampNormalizer n;
    const int64_t first = seq[0].ms;
    for (const auto& p : seq) {
        auto s = In(n, p.kind, p.ms % kWrapMs);
        EXPECT_EQ(s.dts, Ms(p.ms - first)) << p.ms - kWrapMs;
        EXPECT_FALSE(s.restamped) << p.ms - kWrapMs;
    }
}

TEST(TimestampNormalizer, ForwardJumpContinuesAfterTheLatestPresentation) {
    TimestampNormalizer n;
    In(n, kV, 0, 0);
    In(n, kV, 33, 133);  // latest PTS: 133 ms
    In(n, kA, 40);
    auto jump = In(n, kV, 60'066, 60'100);  // +60 s
    EXPECT_TRUE(jump.restamped);
    EXPECT_EQ(jump.dts, Ms(133) + kGap);
    EXPECT_EQ(jump.pts - jump.dts, Ms(34));
    // Both tracks jumped: the audio follows with the same offset (sync kept).
    auto a = In(n, kA, 60'070);
    EXPECT_FALSE(a.restamped);
    EXPECT_EQ(a.dts - jump.dts, Ms(4));
    auto v = In(n, kV, 60'099);
    EXPECT_FALSE(v.restamped);
    EXPECT_EQ(v.dts - jump.dts, Ms(33));
}

TEST(TimestampNormalizer, BackwardJumpContinuesAfterTheLatestPresentation) {
    TimestampNormalizer n;
    In(n, kV, 100'000, 100'000);
    In(n, kA, 100'010);
    In(n, kV, 100'033, 100'100);
    auto back = In(n, kV, 5'000, 5'000);  // 95 s back: the encoder restarted its clock
    EXPECT_TRUE(back.restamped);
    EXPECT_EQ(back.dts, Ms(100) + kGap);
    auto a = In(n, kA, 5'010);
    EXPECT_FALSE(a.restamped);
    EXPECT_EQ(a.dts - back.dts, Ms(10));
}

TEST(TimestampNormalizer, StepsUpToTheLimitAreKept) {
    TimestampNormalizer n;
    In(n, kV, 0);
    auto s = In(n, kV, 10'000);  // exactly 10 s: a real (long) gap, e.g. a stalled encoder
    EXPECT_FALSE(s.restamped);
    EXPECT_EQ(s.dts, Ms(10'000));
    auto over = In(n, kV, 20'001);  // 10.001 s
    EXPECT_TRUE(over.restamped);
    EXPECT_EQ(over.dts, Ms(10'000) + kGap);
}

TEST(TimestampNormalizer, RebaseContinuesAfterTheLatestPresentationOfAnyTrack) {
    TimestampNormalizer n;
    In(n, kV, 500, 500);
    In(n, kA, 510);
    In(n, kV, 533, 633);  // a B-frame stream: latest PTS 133 ms after the start
    In(n, kA, 540);
    n.Rebase();
    // The new publisher's clock starts anywhere.
    auto first = In(n, kV, 0, 67);
    EXPECT_EQ(first.dts, Ms(133) + kGap);
    EXPECT_EQ(first.pts, Ms(133) + kGap + Ms(67));
    EXPECT_GT(first.dts, Ms(133));  // after every picture of the old publisher
    auto a = In(n, kA, 5);
    EXPECT_EQ(a.dts, first.dts + Ms(5));
    EXPECT_FALSE(a.restamped);
    auto v = In(n, kV, 33, 100);
    EXPECT_EQ(v.dts, first.dts + Ms(33));
    EXPECT_EQ(v.pts, first.dts + Ms(100));
    EXPECT_FALSE(v.restamped);
}

TEST(TimestampNormalizer, RebaseWhenTheNewClockIsAhead) {
    TimestampNormalizer n;
    In(n, kV, 0);
    In(n, kV, 1000);
    n.Rebase();
    auto first = In(n, kA, 7'000'000);  // hours ahead: still continues right after
    EXPECT_EQ(first.dts, Ms(1000) + kGap);
    auto next = In(n, kA, 7'000'023);
    EXPECT_EQ(next.dts, first.dts + Ms(23));
}

TEST(TimestampNormalizer, RebaseBeforeAnyPacketStartsAtZero) {
    TimestampNormalizer n;
    n.Rebase();
    EXPECT_EQ(In(n, kV, 42'000).dts, 0);
}

TEST(TimestampNormalizer, OptionsAreHonoured) {
    TimestampNormalizer::Options o;
    o.max_jump = Ms(1000);
    o.gap = Ms(20);
    TimestampNormalizer n(o);
    In(n, kV, 0);
    EXPECT_FALSE(In(n, kV, 1000).restamped);
    auto jump = In(n, kV, 2001);
    EXPECT_TRUE(jump.restamped);
    EXPECT_EQ(jump.dts, Ms(1000) + Ms(20));
}

TEST(TimestampNormalizer, LongRunIsStrictlyIncreasingPerTrack) {
    // A hostile mix of everything above: output DTS strictly increases per
    // track and PTS >= DTS, whatever comes in.
    TimestampNormalizer n;
    uint32_t x = 12345;
    int64_t last[2] = {INT64_MIN, INT64_MIN};
    int64_t ms = 0;
    for (int i = 0; i < 20000; ++i) {
        x = x * 1103515245u + 12345u;
        const auto kind = (x >> 16) & 1 ? kV : kA;
        switch ((x >> 20) % 16) {
            case 0: ms -= 50; break;            // small backwards
            case 1: ms += 30'000; break;        // jump
            case 2: ms -= 30'000; break;
            case 3: ms = kWrapMs - 200; break;  // near the wrap
            default: ms += 20; break;
        }
        const int64_t in_ms = ((ms % kWrapMs) + kWrapMs) % kWrapMs;
        const int64_t cto = ((x >> 8) % 5) * 33 - 33;  // sometimes negative
        auto s = In(n, kind, in_ms, in_ms + cto);
        auto& l = last[static_cast<int>(kind)];
        ASSERT_GT(s.dts, l) << i;
        ASSERT_GE(s.pts, s.dts) << i;
        ASSERT_GE(s.dts, 0) << i;
        l = s.dts;
    }
}

}  // namespace
}  // namespace onair::media
