// SPDX-License-Identifier: Apache-2.0
// End to end: the sample stream muxed by us must be read back by ffprobe
// with the timestamps we wrote, and decode without a single error.
#include <gtest/gtest.h>

#include <vector>

#include "onair/format/mpegts/muxer.h"
#include "unit/format/mpegts/ffprobe_test_util.h"
#include "unit/format/mpegts/ts_test_util.h"

namespace onair::format::mpegts {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr int64_t kOffset = 126000;

// Muxes `repeats` copies of the sample, a segment at every keyframe
// (segments concatenated, as a player appends them).
Bytes MuxSample(int repeats, bool with_video, bool with_audio) {
    Muxer m;
    EXPECT_TRUE(m.Configure(with_video ? std::optional(test::SampleVideoConfig()) : std::nullopt,
                            with_audio ? std::optional(test::SampleAudioConfig()) : std::nullopt)
                    .ok());
    Bytes out;
    bool first = true;
    uint64_t sequence = 0;
    for (const auto& p : test::SamplePackets(repeats)) {
        const bool video = p.kind == media::TrackKind::kVideo;
        if ((video && !with_video) || (!video && !with_audio)) continue;
        if (first || (video && p.keyframe)) {
            m.Flush(out);
            m.BeginSegment(sequence++, out);
            first = false;
        }
        EXPECT_TRUE(m.Write(p, out).ok());
    }
    m.Flush(out);
    return out;
}

class MuxerFfprobeTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::HaveTool("ffprobe") || !test::HaveTool("ffmpeg")) GTEST_SKIP() << "ffprobe/ffmpeg not installed";
    }
};

TEST_F(MuxerFfprobeTest, VideoAndAudioPacketsHaveOurTimestamps) {
    const int repeats = 3;
    const auto path = test::WriteTempFile("onair_muxer_av.ts", MuxSample(repeats, true, true));
    std::string errors;
    const auto probed = test::ProbePackets(path, &errors);
    EXPECT_EQ(errors, "");
    std::vector<media::Packet> video, audio;
    for (const auto& p : test::SamplePackets(repeats))
        (p.kind == media::TrackKind::kVideo ? video : audio).push_back(p);
    std::vector<test::ProbedPacket> pv, pa;
    for (const auto& p : probed) (p.type == "video" ? pv : pa).push_back(p);
    ASSERT_EQ(pv.size(), video.size());
    for (size_t i = 0; i < pv.size(); ++i) {
        EXPECT_EQ(pv[i].dts, video[i].dts + kOffset) << i;
        EXPECT_EQ(pv[i].pts, video[i].pts + kOffset) << i;
        EXPECT_EQ(pv[i].key, video[i].keyframe) << i;
    }
    // ffprobe splits bundled ADTS frames again, interpolating the PTS of all
    // but the first frame of a PES from the sample rate.
    ASSERT_EQ(pa.size(), audio.size());
    for (size_t i = 0; i < pa.size(); ++i) {
        EXPECT_NEAR(pa[i].pts, audio[i].pts + kOffset, 2) << i;
    }
}

TEST_F(MuxerFfprobeTest, DecodesWithoutErrors) {
    const auto path = test::WriteTempFile("onair_muxer_decode.ts", MuxSample(2, true, true));
    EXPECT_EQ(test::RunCommand("ffmpeg -v error -i '" + path + "' -f null -"), "");
    const auto frames = test::RunCommand("ffprobe -v error -select_streams v -count_frames -show_entries "
                                         "stream=nb_read_frames,width,height -of csv=p=0 '" + path + "'");
    // (ffprobe lists the stream once more under its program.)
    EXPECT_EQ(frames.substr(0, 9), "32,32,20\n");
}

TEST_F(MuxerFfprobeTest, SegmentBoundariesAreNoContinuityErrors) {
    // Every segment restarts its continuity counters behind a
    // discontinuity_indicator: ffmpeg must neither complain nor flag
    // packets corrupt, with or without video (the PCR PID).
    for (auto [video, audio] : {std::pair{true, true}, std::pair{true, false}, std::pair{false, true}}) {
        const auto path = test::WriteTempFile("onair_muxer_cc.ts", MuxSample(3, video, audio));
        EXPECT_EQ(test::ContinuityComplaints(path), "") << video << audio;
    }
}

TEST_F(MuxerFfprobeTest, AudioOnly) {
    const auto path = test::WriteTempFile("onair_muxer_audio.ts", MuxSample(2, false, true));
    std::string errors;
    const auto probed = test::ProbePackets(path, &errors);
    EXPECT_EQ(errors, "");
    size_t frames = 0;
    for (const auto& p : test::SamplePackets(2)) frames += p.kind == media::TrackKind::kAudio;
    EXPECT_EQ(frames, 17u);
    EXPECT_EQ(probed.size(), frames);
    EXPECT_EQ(test::RunCommand("ffmpeg -v error -i '" + path + "' -f null -"), "");
}

TEST_F(MuxerFfprobeTest, VideoOnly) {
    const auto path = test::WriteTempFile("onair_muxer_video.ts", MuxSample(1, true, false));
    std::string errors;
    const auto probed = test::ProbePackets(path, &errors);
    EXPECT_EQ(errors, "");
    ASSERT_EQ(probed.size(), 10u);
    EXPECT_EQ(probed[0].dts, kOffset);
    EXPECT_EQ(probed[0].pts, kOffset + 7200);
}

}  // namespace
}  // namespace onair::format::mpegts
