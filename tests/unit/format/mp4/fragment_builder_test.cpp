// SPDX-License-Identifier: Apache-2.0
// FragmentBuilder: 90 kHz packets to track timescales without drift over
// many fragments, B-frame composition offsets, the last sample's duration.
#include "onair/format/mp4/fragment_builder.h"

#include <gtest/gtest.h>

#include "onair/format/mp4/fragment_reader.h"
#include "unit/format/mp4/mp4_test_util.h"

namespace onair::format::mp4 {
namespace {

using namespace test;

media::Packet Audio(int64_t dts, size_t size = 10) {
    media::Packet p;
    p.kind = media::TrackKind::kAudio;
    p.codec = media::Codec::kAac;
    p.dts = p.pts = dts;
    p.keyframe = true;
    p.payload = Filled(size, 0xAA);
    return p;
}

media::Packet Video(int64_t dts, int64_t pts, bool key) {
    media::Packet p;
    p.kind = media::TrackKind::kVideo;
    p.codec = media::Codec::kH264;
    p.dts = dts;
    p.pts = pts;
    p.keyframe = key;
    p.payload = Filled(20, key ? 0x65 : 0x41);
    return p;
}

TEST(FragmentBuilder, ToTimescaleRoundsAbsoluteTimes) {
    EXPECT_EQ(ToTimescale(0, 44100), 0u);
    EXPECT_EQ(ToTimescale(-5, 44100), 0u);
    EXPECT_EQ(ToTimescale(90000, 44100), 44100u);
    EXPECT_EQ(ToTimescale(2090, 44100), 1024u);  // 1024 samples = 2089.8 ticks
    EXPECT_EQ(ToTimescale(1, 48000), 1u);        // 0.533 rounds up
    EXPECT_EQ(ToTimescale(int64_t{90000} * 86400 * 365 * 50, 48000), uint64_t{48000} * 86400 * 365 * 50);
}

// AAC at 44.1 and 48 kHz over 200 fragments of ~1 s whose 90 kHz times are
// rounded (as ingest gives them: RTMP milliseconds): every frame lasts
// exactly 1024 samples and fragment k starts exactly where k-1 ended.
void NoDrift(uint32_t rate, bool from_milliseconds) {
    SCOPED_TRACE(rate);
    media::CodecConfig config = onair::test::SampleAudioConfig();
    config.sample_rate = static_cast<int>(rate);
    const Track track{kAudioTrackId, rate, config};
    const int64_t origin = 123456789;
    FragmentBuilder b(std::span(&track, 1), origin);
    auto dts_of = [&](int64_t n) {
        // n frames of 1024 samples, in 90 kHz (or in ms * 90, as RTMP carries it).
        const int64_t ticks = (n * 1024 * 90000 + rate / 2) / rate;
        return origin + (from_milliseconds ? ((ticks + 45) / 90) * 90 : ticks);
    };
    const int64_t per_fragment = rate / 1024;  // ~1 s
    uint64_t total = 0;
    uint64_t expected_start = 0;
    for (int64_t k = 0; k < 200; ++k) {
        for (int64_t n = k * per_fragment; n < (k + 1) * per_fragment; ++n) b.Add(Audio(dts_of(n)));
        const FragmentBytes f = b.Finish(static_cast<uint32_t>(k + 1), std::nullopt, dts_of((k + 1) * per_fragment));
        EXPECT_TRUE(b.empty());
        auto parsed = ReadFragment(Flatten(f));
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        ASSERT_EQ(parsed->tracks.size(), 1u);
        const auto& run = parsed->tracks[0];
        EXPECT_EQ(run.base_decode_time, expected_start) << k;
        for (const auto& s : run.samples) {
            if (from_milliseconds) {
                EXPECT_NEAR(s.duration, 1024.0, 0.001 * rate + 1);  // the ms rounding, undone by the next frame
            } else {
                EXPECT_EQ(s.duration, 1024u);
            }
            EXPECT_TRUE(s.sync);
            total += s.duration;
        }
        expected_start = run.base_decode_time;
        for (const auto& s : run.samples) expected_start += s.duration;
    }
    // The sum is where the last packet ends, converted once: for exact
    // 90 kHz times, the exact sample count.
    const int64_t frames = 200 * per_fragment;
    EXPECT_EQ(total, ToTimescale(dts_of(frames) - origin, rate));
    if (!from_milliseconds) {
        EXPECT_EQ(total, static_cast<uint64_t>(frames * 1024));
    }
}

TEST(FragmentBuilder, AudioDoesNotDrift) {
    for (uint32_t rate : {44100u, 48000u}) {
        NoDrift(rate, false);
        NoDrift(rate, true);
    }
}

TEST(FragmentBuilder, BFramesAndLastDuration) {
    const Track tracks[] = {SampleVideoTrack(), SampleAudioTrack()};
    const int64_t origin = 9000;
    FragmentBuilder b(tracks, origin);
    // I P B b at 25 fps with two frames of reordering; one frame before
    // the origin (clamped).
    b.Add(Video(origin - 3600, origin - 3600, true));
    b.Add(Video(origin, origin + 7200, true));
    b.Add(Video(origin + 3600, origin + 18000, false));
    b.Add(Video(origin + 7200, origin + 10800, false));
    b.Add(Audio(origin + 100));
    b.Add(Audio(origin + 100 + 4180));
    EXPECT_FALSE(b.empty());
    const auto frags = b.TakeTrackFragments(origin + 10800, std::nullopt);
    ASSERT_EQ(frags.size(), 2u);
    const auto& v = frags[0];
    EXPECT_EQ(v.track_id, 1u);
    EXPECT_EQ(v.base_decode_time, 0u);
    ASSERT_EQ(v.samples.size(), 4u);
    EXPECT_EQ(v.samples[0], (Sample{0, 20, 0, true})) << "before the origin: clamped to it";
    EXPECT_EQ(v.samples[1], (Sample{3600, 20, 7200, true}));
    EXPECT_EQ(v.samples[2], (Sample{3600, 20, 14400, false}));
    EXPECT_EQ(v.samples[3], (Sample{3600, 20, 3600, false})) << "last duration from next_video_dts";
    const auto& a = frags[1];
    EXPECT_EQ(a.base_decode_time, ToTimescale(100, 22050));
    ASSERT_EQ(a.samples.size(), 2u);
    EXPECT_EQ(a.samples[0].duration, ToTimescale(4280, 22050) - ToTimescale(100, 22050));
    EXPECT_EQ(a.samples[1].duration, a.samples[0].duration) << "no next dts: the previous sample's";

    // Alone in a fragment without a next dts: the previous fragment's last
    // duration carries over; for a track that never had one, 1024 for AAC.
    b.Add(Video(origin + 10800, origin + 14400, false));
    auto next = b.TakeTrackFragments(std::nullopt, std::nullopt);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].samples[0].duration, 3600u);
    FragmentBuilder fresh(tracks, 0);
    fresh.Add(Audio(0));
    next = fresh.TakeTrackFragments(std::nullopt, std::nullopt);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].samples[0].duration, 1024u);
}

TEST(FragmentBuilder, IgnoresTracksItWasNotGiven) {
    const Track video = SampleVideoTrack();
    FragmentBuilder b(std::span(&video, 1), 0);
    b.Add(Audio(0));
    EXPECT_TRUE(b.empty());
    b.Add(Video(0, 0, true));
    const auto f = b.Finish(3, std::nullopt, std::nullopt);
    auto parsed = ReadFragment(Flatten(f));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->sequence_number, 3u);
    ASSERT_EQ(parsed->tracks.size(), 1u);
    EXPECT_EQ(parsed->tracks[0].samples[0].duration, 3000u) << "a lone frame without history: 1/30 s";
}

}  // namespace
}  // namespace onair::format::mp4
