// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mpegts/muxer.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "onair/format/mpegts/psi.h"
#include "onair/format/mpegts/ts_packet.h"
#include "unit/format/mpegts/ts_test_util.h"

namespace onair::format::mpegts {
namespace {

using Bytes = std::vector<uint8_t>;
using test::ParsePes;
using test::PesInfo;
using test::ParseTs;
using test::SampleAudioConfig;
using test::SamplePackets;
using test::SampleVideoConfig;

constexpr int64_t kOffset = 126000;  // the default timestamp_offset
constexpr int64_t kPcrDelay = 63000;

media::Packet Video(int64_t dts, int64_t pts, bool key) {
    media::Packet p;
    p.kind = media::TrackKind::kVideo;
    p.codec = media::Codec::kH264;
    p.dts = dts;
    p.pts = pts;
    p.keyframe = key;
    const Bytes avcc = key ? Bytes{0, 0, 0, 3, 0x65, 0x88, 0x80} : Bytes{0, 0, 0, 3, 0x41, 0x9A, 0x01};
    p.payload = base::SharedBuffer::Copy(avcc);
    return p;
}

media::Packet Audio(int64_t pts, size_t size = 100) {
    media::Packet p;
    p.kind = media::TrackKind::kAudio;
    p.codec = media::Codec::kAac;
    p.dts = p.pts = pts;
    p.keyframe = true;
    p.payload = base::SharedBuffer::Adopt(Bytes(size, 0x21));
    return p;
}

std::vector<PesInfo> Pes(const Bytes& ts, uint16_t pid) { return ParsePes(ParseTs(ts), pid); }

TEST(Muxer, TablesForVideoAndAudioMatchFfmpeg) {
    Muxer m;
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), SampleAudioConfig()).ok());
    Bytes out;
    m.BeginSegment(0, out);
    ASSERT_EQ(out.size(), 2 * kPacketSize);
    const Bytes pat_head{0x47, 0x40, 0x00, 0x10, 0x00, 0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1,
                         0x00, 0x00, 0x00, 0x01, 0xF0, 0x00, 0x2A, 0xB1, 0x04, 0xB2};
    const Bytes pmt_head{0x47, 0x50, 0x00, 0x10, 0x00, 0x02, 0xB0, 0x17, 0x00, 0x01, 0xC1, 0x00, 0x00, 0xE1, 0x00, 0xF0,
                         0x00, 0x1B, 0xE1, 0x00, 0xF0, 0x00, 0x0F, 0xE1, 0x01, 0xF0, 0x00, 0x2F, 0x44, 0xB9, 0x9B};
    EXPECT_EQ(Bytes(out.begin(), out.begin() + 21), pat_head);
    EXPECT_EQ(Bytes(out.begin() + 188, out.begin() + 188 + 31), pmt_head);
    EXPECT_EQ(m.pcr_pid(), 0x100);
    // The tables' continuity counter is the segment number mod 16.
    for (uint64_t seq : {1, 17, 46}) {
        out.clear();
        m.BeginSegment(seq, out);
        EXPECT_EQ(out[3], 0x10 | (seq & 0x0F)) << seq;
        EXPECT_EQ(out[188 + 3], 0x10 | (seq & 0x0F)) << seq;
        EXPECT_EQ(Bytes(out.begin() + 4, out.begin() + 21), Bytes(pat_head.begin() + 4, pat_head.end()));
        EXPECT_EQ(Bytes(out.begin() + 188 + 4, out.begin() + 188 + 31), Bytes(pmt_head.begin() + 4, pmt_head.end()));
    }
}

TEST(Muxer, AudioOnlyPutsThePcrOnTheAudioPid) {
    Muxer m;
    ASSERT_TRUE(m.Configure(std::nullopt, SampleAudioConfig()).ok());
    EXPECT_FALSE(m.has_video());
    EXPECT_EQ(m.pcr_pid(), 0x101);
    Bytes out;
    m.BeginSegment(0, out);
    ASSERT_TRUE(m.Write(Audio(0), out).ok());
    m.Flush(out);
    const auto packets = ParseTs(out);
    ASSERT_EQ(packets.size(), 3u);
    // PMT: PCR_PID 0x101, one stream of type 0x0F.
    const auto& pmt = packets[1].payload;
    EXPECT_EQ(pmt[9], 0xE1);
    EXPECT_EQ(pmt[10], 0x01);
    EXPECT_EQ(pmt[13], kStreamTypeAacAdts);
    const auto pes = ParsePes(packets, 0x101);
    ASSERT_EQ(pes.size(), 1u);
    EXPECT_TRUE(pes[0].random_access);
    ASSERT_TRUE(pes[0].pcr);
    EXPECT_EQ(*pes[0].pcr, kOffset - kPcrDelay);
    EXPECT_EQ(pes[0].pts, kOffset);
    EXPECT_FALSE(pes[0].dts);
}

TEST(Muxer, KeyframePesCarriesRaiPcrAndParameterSets) {
    Muxer m;
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), std::nullopt).ok());
    Bytes out;
    m.BeginSegment(0, out);
    ASSERT_TRUE(m.Write(Video(1000, 4600, true), out).ok());
    ASSERT_TRUE(m.Write(Video(4600, 4600, false), out).ok());
    const auto pes = Pes(out, 0x100);
    ASSERT_EQ(pes.size(), 2u);
    EXPECT_EQ(pes[0].stream_id, 0xE0);
    EXPECT_EQ(pes[0].packet_length, 0u);  // unbounded video PES
    EXPECT_TRUE(pes[0].data_alignment);
    EXPECT_TRUE(pes[0].random_access);
    EXPECT_EQ(pes[0].pts, 4600 + kOffset);
    EXPECT_EQ(pes[0].dts, 1000 + kOffset);
    ASSERT_TRUE(pes[0].pcr);
    EXPECT_EQ(*pes[0].pcr, 1000 + kOffset - kPcrDelay);
    // AUD, then the avcC's SPS and PPS, then the IDR slice.
    const Bytes aud{0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1, 0x67};
    EXPECT_EQ(Bytes(pes[0].data.begin(), pes[0].data.begin() + 11), aud);
    EXPECT_FALSE(pes[1].random_access);
    EXPECT_FALSE(pes[1].dts);  // equal to the PTS: omitted
    EXPECT_EQ(pes[1].pts, 4600 + kOffset);
    EXPECT_EQ(pes[1].data, (Bytes{0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1, 0x41, 0x9A, 0x01}));
    // 3600 ticks later than the last PCR: more than the 2700 interval.
    ASSERT_TRUE(pes[1].pcr);
    EXPECT_EQ(*pes[1].pcr, 4600 + kOffset - kPcrDelay);
}

TEST(Muxer, PcrIntervalOnHighFrameRates) {
    Muxer m;
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), std::nullopt).ok());
    Bytes out;
    m.BeginSegment(0, out);
    for (int i = 0; i < 12; ++i) {
        ASSERT_TRUE(m.Write(Video(i * 1500, i * 1500, i == 0), out).ok());  // 60 fps
    }
    const auto pes = Pes(out, 0x100);
    ASSERT_EQ(pes.size(), 12u);
    std::vector<int> with_pcr;
    for (int i = 0; i < 12; ++i) {
        if (pes[i].pcr) with_pcr.push_back(i);
    }
    // Every second frame: 3000 ticks >= 2700, 1500 is not.
    EXPECT_EQ(with_pcr, (std::vector<int>{0, 2, 4, 6, 8, 10}));
}

TEST(Muxer, PcrOnlyPacketsWhenTheVideoIsSparse) {
    Muxer m;
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), SampleAudioConfig()).ok());
    Bytes out;
    m.BeginSegment(0, out);
    ASSERT_TRUE(m.Write(Video(0, 0, true), out).ok());
    // One video frame per second, audio in between.
    for (int i = 1; i < 20; ++i) {
        ASSERT_TRUE(m.Write(Audio(i * 4500), out).ok());
    }
    m.Flush(out);
    const auto packets = ParseTs(out);
    int pcr_only = 0;
    std::optional<int64_t> last_pcr;
    for (const auto& p : packets) {
        if (p.pcr) {
            EXPECT_EQ(p.pid, 0x100);  // always on the PCR PID
            if (last_pcr) {
                EXPECT_GT(*p.pcr, *last_pcr);
            }
            last_pcr = p.pcr;
        }
        if (p.pid == 0x100 && !p.has_payload) ++pcr_only;
    }
    EXPECT_GE(pcr_only, 8);
    ParsePes(packets, 0x100);  // checks the CC of adaptation-only packets
    ParsePes(packets, 0x101);
}

// 1024 samples at the sample config's 22.05 kHz, in 90 kHz ticks.
constexpr int64_t kAacFrame = 4180;

TEST(Muxer, AudioIsBundledUpToTheBatchDurationAndFlushedBeforeKeyframes) {
    MuxerOptions o;
    o.audio_batch_duration = 20000;
    Muxer m(o);
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), SampleAudioConfig()).ok());
    Bytes out;
    m.BeginSegment(0, out);
    ASSERT_TRUE(m.Write(Video(0, 0, true), out).ok());
    for (int i = 0; i < 6; ++i) {
        ASSERT_TRUE(m.Write(Audio(i * kAacFrame), out).ok());  // 0..20900
    }
    ASSERT_TRUE(m.Write(Video(21000, 21000, true), out).ok());  // flushes
    ASSERT_TRUE(m.Write(Audio(6 * kAacFrame), out).ok());
    m.Flush(out);
    const auto audio = Pes(out, 0x101);
    ASSERT_EQ(audio.size(), 3u);
    // 0..16720 span less than 20000; 20900 starts a new PES; the keyframe
    // flushes it; Flush() writes the last.
    EXPECT_EQ(audio[0].pts, kOffset);
    EXPECT_EQ(audio[0].data.size(), 5 * 107u);
    EXPECT_EQ(audio[1].pts, 5 * kAacFrame + kOffset);
    EXPECT_EQ(audio[1].data.size(), 107u);
    EXPECT_EQ(audio[2].pts, 6 * kAacFrame + kOffset);
    EXPECT_FALSE(audio[0].random_access);  // with video, only keyframes are marked
    // Each frame has its own ADTS header: sync word, frame length 107.
    for (size_t f = 0; f < 5; ++f) {
        const uint8_t* a = audio[0].data.data() + f * 107;
        EXPECT_EQ(a[0], 0xFF);
        EXPECT_EQ(a[1] & 0xF6, 0xF0);
        EXPECT_EQ(((a[3] & 0x03) << 11) | (a[4] << 3) | (a[5] >> 5), 107);
    }
    // The order in the stream: the 2nd audio PES precedes the 2nd keyframe.
    const auto packets = ParseTs(out);
    size_t audio2 = 0, key2 = 0, seen_audio = 0, seen_video = 0;
    for (size_t i = 0; i < packets.size(); ++i) {
        if (!packets[i].pusi) continue;
        if (packets[i].pid == 0x101 && ++seen_audio == 2) audio2 = i;
        if (packets[i].pid == 0x100 && ++seen_video == 2) key2 = i;
    }
    EXPECT_LT(audio2, key2);
}

TEST(Muxer, AudioBundleIsBoundedInBytes) {
    MuxerOptions o;
    o.audio_batch_bytes = 1000;
    Muxer m(o);
    ASSERT_TRUE(m.Configure(std::nullopt, SampleAudioConfig()).ok());
    Bytes out;
    m.BeginSegment(0, out);
    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(m.Write(Audio(i * kAacFrame, 393), out).ok());  // 400 with ADTS
    }
    m.Flush(out);
    const auto audio = Pes(out, 0x101);
    ASSERT_EQ(audio.size(), 5u);
    for (const auto& a : audio) {
        EXPECT_EQ(a.data.size(), 800u);
    }
}

// A reader times the frames of a PES one frame apart from its PTS: a frame
// that does not follow the previous one (re-stamped after a backward
// timestamp, a gap) must start a PES of its own, or the reader's timestamps
// run backwards (ffmpeg: "non monotonically increasing dts").
TEST(Muxer, AudioThatDoesNotFollowThePreviousFrameStartsANewPes) {
    Muxer m;
    ASSERT_TRUE(m.Configure(std::nullopt, SampleAudioConfig()).ok());
    Bytes out;
    m.BeginSegment(0, out);
    for (int64_t pts : {int64_t{0}, kAacFrame, kAacFrame + 1, 2 * kAacFrame + 1, 2 * kAacFrame + 1 + 90,
                        8 * kAacFrame}) {
        ASSERT_TRUE(m.Write(Audio(pts), out).ok());
    }
    m.Flush(out);
    const auto audio = Pes(out, 0x101);
    ASSERT_EQ(audio.size(), 4u);
    EXPECT_EQ(audio[0].pts, kOffset);                      // 0, one frame later
    EXPECT_EQ(audio[0].data.size(), 2 * 107u);
    EXPECT_EQ(audio[1].pts, kAacFrame + 1 + kOffset);      // re-stamped +1 tick: new PES, then one that follows
    EXPECT_EQ(audio[1].data.size(), 2 * 107u);
    EXPECT_EQ(audio[2].pts, 2 * kAacFrame + 91 + kOffset);  // 1 ms after the previous one: an overlap
    EXPECT_EQ(audio[3].pts, 8 * kAacFrame + kOffset);      // a gap
    // What the reader computes for the last frame of each PES comes before
    // the next PES's first frame.
    for (size_t i = 1; i < audio.size(); ++i) {
        const int64_t last_of_previous =
            audio[i - 1].pts + static_cast<int64_t>(audio[i - 1].data.size() / 107 - 1) * kAacFrame;
        EXPECT_GT(audio[i].pts, last_of_previous) << i;
    }
}

TEST(Muxer, ZeroBatchDurationWritesOneFramePerPes) {
    MuxerOptions o;
    o.audio_batch_duration = 0;
    Muxer m(o);
    ASSERT_TRUE(m.Configure(std::nullopt, SampleAudioConfig()).ok());
    Bytes out;
    m.BeginSegment(0, out);
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(m.Write(Audio(i * 2090), out).ok());
    }
    EXPECT_EQ(Pes(out, 0x101).size(), 4u);
}

// Segment `seg` of a stream of 10 video frames (and audio) per segment.
void MuxSegment(Muxer& m, int seg, Bytes& out) {
    m.BeginSegment(static_cast<uint64_t>(seg), out);
    for (int i = 0; i < 10; ++i) {
        const int64_t t = (seg * 10 + i) * 3600;
        ASSERT_TRUE(m.Write(Video(t, t, i == 0), out).ok());
        ASSERT_TRUE(m.Write(Audio(t + 100, 300), out).ok());
    }
    m.Flush(out);
}

TEST(Muxer, EverySegmentRestartsItsCountersBehindADiscontinuityIndicator) {
    Muxer m;
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), SampleAudioConfig()).ok());
    Bytes all;
    for (int seg = 0; seg < 20; ++seg) {
        Bytes one;
        MuxSegment(m, seg, one);
        const auto packets = ParseTs(one);
        std::map<uint16_t, int> seen;
        for (const auto& p : packets) {
            const int n = seen[p.pid]++;
            if (p.pid == 0 || p.pid == 0x1000) {
                EXPECT_EQ(n, 0) << "one PAT and one PMT per segment";
                EXPECT_EQ(p.cc, seg & 0x0F) << seg;
                EXPECT_FALSE(p.discontinuity);
                continue;
            }
            // The first packet of each elementary stream: counter 0, the
            // discontinuity_indicator; no other packet has it.
            EXPECT_EQ(p.discontinuity, n == 0) << "seg " << seg << " pid " << p.pid << " packet " << n;
            if (n == 0) {
                EXPECT_EQ(p.cc, 0) << seg;
            }
        }
        EXPECT_EQ(seen.size(), 4u);
        all.insert(all.end(), one.begin(), one.end());
    }
    // Concatenated, as a player appends segments: every counter that does
    // not continue the previous one is behind a discontinuity_indicator.
    const auto packets = ParseTs(all);
    EXPECT_EQ(ParsePes(packets, 0x100).size(), 200u);
    EXPECT_FALSE(ParsePes(packets, 0x101).empty());
    std::map<uint16_t, uint8_t> table_cc;
    for (const auto& p : packets) {
        if (p.pid != 0 && p.pid != 0x1000) continue;
        if (table_cc.contains(p.pid)) {
            EXPECT_EQ(p.cc, (table_cc[p.pid] + 1) & 0x0F) << "PSI counters continue across segments";
        }
        table_cc[p.pid] = p.cc;
    }
}

TEST(Muxer, ASegmentsBytesDoNotDependOnTheSegmentsBeforeIt) {
    Muxer from_start;
    ASSERT_TRUE(from_start.Configure(SampleVideoConfig(), SampleAudioConfig()).ok());
    std::vector<Bytes> segments(8);
    for (int seg = 0; seg < 8; ++seg) MuxSegment(from_start, seg, segments[seg]);
    for (int first : {1, 3, 7}) {
        Muxer late;  // started at segment `first`
        ASSERT_TRUE(late.Configure(SampleVideoConfig(), SampleAudioConfig()).ok());
        for (int seg = first; seg < 8; ++seg) {
            Bytes out;
            MuxSegment(late, seg, out);
            EXPECT_EQ(out, segments[seg]) << "segment " << seg << " of a muxer started at " << first;
        }
    }
}

TEST(Muxer, APcrOnlyPacketFirstOnThePcrPidTakesTheDiscontinuity) {
    Muxer m;
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), SampleAudioConfig()).ok());
    Bytes out;
    m.BeginSegment(5, out);
    // Audio before any video in the segment: the PCR goes on the video PID
    // in a packet without payload, which starts the new time base.
    ASSERT_TRUE(m.Write(Audio(0), out).ok());
    m.Flush(out);
    ASSERT_TRUE(m.Write(Video(3600, 3600, true), out).ok());
    const auto packets = ParseTs(out);
    std::vector<const test::TsPacketInfo*> video;
    for (const auto& p : packets)
        if (p.pid == 0x100) video.push_back(&p);
    ASSERT_GE(video.size(), 2u);
    EXPECT_FALSE(video[0]->has_payload);
    EXPECT_TRUE(video[0]->pcr);
    EXPECT_TRUE(video[0]->discontinuity);
    EXPECT_EQ(video[0]->cc, 15);  // what the first payload packet's 0 continues
    EXPECT_TRUE(video[1]->has_payload);
    EXPECT_FALSE(video[1]->discontinuity);
    EXPECT_EQ(video[1]->cc, 0);
    ParsePes(packets, 0x100);
}

TEST(Muxer, PmtVersionIsAFunctionOfTheStreams) {
    // Not a count of changes, which a muxer that started later would not
    // know; still different for every stream set, so a change shows.
    Muxer m;
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), std::nullopt).ok());
    EXPECT_EQ(m.pmt_version(), 1);
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), std::nullopt).ok());
    EXPECT_EQ(m.pmt_version(), 1);
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), SampleAudioConfig()).ok());
    EXPECT_EQ(m.pmt_version(), 0);
    Bytes out;
    m.BeginSegment(0, out);
    EXPECT_EQ((out[188 + 10] >> 1) & 0x1F, 0);  // version_number in the PMT
    ASSERT_TRUE(m.Configure(std::nullopt, SampleAudioConfig()).ok());
    EXPECT_EQ(m.pmt_version(), 2);
    out.clear();
    m.BeginSegment(1, out);
    EXPECT_EQ((out[188 + 10] >> 1) & 0x1F, 2);
    ASSERT_TRUE(m.Configure(std::nullopt, std::nullopt).ok());
    EXPECT_EQ(m.pmt_version(), 3);
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), std::nullopt).ok());
    EXPECT_EQ(m.pmt_version(), 1);  // the same streams as at first: the same version
}

TEST(Muxer, UnusableConfigsAreLeftOut) {
    Muxer m;
    auto video = SampleVideoConfig();
    video.extradata = base::SharedBuffer::Copy(Bytes{0x01, 0x64});
    const auto s = m.Configure(video, SampleAudioConfig());
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, base::ErrorCode::kUnsupported);
    EXPECT_FALSE(m.has_video());
    EXPECT_TRUE(m.has_audio());
    EXPECT_EQ(m.pcr_pid(), 0x101);
    Bytes out;
    EXPECT_FALSE(m.Write(Video(0, 0, true), out).ok());
    EXPECT_TRUE(out.empty());
    video.codec = media::Codec::kUnknown;
    EXPECT_FALSE(m.Configure(video, std::nullopt).ok());
    EXPECT_EQ(m.pcr_pid(), kNullPid);
}

TEST(Muxer, RefusesWhatItCannotWrite) {
    Muxer m;
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), SampleAudioConfig()).ok());
    Bytes out;
    EXPECT_FALSE(m.Write(Audio(0, 8185), out).ok());  // 8192 with ADTS: over 13 bits
    EXPECT_TRUE(m.Write(Audio(0, 8184), out).ok());
    media::Packet bad = Video(0, 0, false);
    bad.payload = base::SharedBuffer::Copy(Bytes{0, 0, 0, 9, 0x41});
    EXPECT_FALSE(m.Write(bad, out).ok());
    EXPECT_TRUE(out.empty());  // the audio is still in the bundle
    EXPECT_TRUE(m.Write(Audio(10, 0), out).ok());  // empty frames are skipped
}

TEST(Muxer, TimestampsWrapAt33Bits) {
    Muxer m;
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), std::nullopt).ok());
    Bytes out;
    m.BeginSegment(0, out);
    const int64_t near_wrap = kTimestampModulus - kOffset - 1000;
    ASSERT_TRUE(m.Write(Video(near_wrap, near_wrap + 3000, true), out).ok());
    const auto pes = Pes(out, 0x100);
    ASSERT_EQ(pes.size(), 1u);
    EXPECT_EQ(pes[0].dts, kTimestampModulus - 1000);
    EXPECT_EQ(pes[0].pts, 2000);
}

TEST(Muxer, PcrHoldsWithinASegmentAndStartsANewTimeBaseAtEach) {
    Muxer m;
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), std::nullopt).ok());
    Bytes out;
    m.BeginSegment(0, out);
    ASSERT_TRUE(m.Write(Video(900000, 900000, true), out).ok());
    // Backwards within a segment: the PCR holds.
    ASSERT_TRUE(m.Write(Video(0, 0, true), out).ok());
    // A segment's first PCR is its own, behind the discontinuity_indicator,
    // whatever the previous segment's last one was.
    m.BeginSegment(1, out);
    ASSERT_TRUE(m.Write(Video(3600, 3600, true), out).ok());
    const auto packets = ParseTs(out);
    std::vector<std::pair<int64_t, bool>> pcrs;
    for (const auto& p : packets)
        if (p.pcr) pcrs.emplace_back(*p.pcr, p.discontinuity);
    ASSERT_EQ(pcrs.size(), 3u);
    EXPECT_EQ(pcrs[0], std::make_pair(900000 + kOffset - kPcrDelay, true));
    EXPECT_EQ(pcrs[1], std::make_pair(900000 + kOffset - kPcrDelay, false));
    EXPECT_EQ(pcrs[2], std::make_pair(3600 + kOffset - kPcrDelay, true));
}

TEST(Muxer, SampleStreamRoundTripsThroughTheReader) {
    Muxer m;
    ASSERT_TRUE(m.Configure(SampleVideoConfig(), SampleAudioConfig()).ok());
    Bytes out;
    m.BeginSegment(0, out);
    const auto packets = SamplePackets();
    size_t video = 0;
    for (const auto& p : packets) {
        ASSERT_TRUE(m.Write(p, out).ok());
        video += p.kind == media::TrackKind::kVideo;
    }
    m.Flush(out);
    const auto ts = ParseTs(out);
    const auto v = ParsePes(ts, 0x100);
    ASSERT_EQ(v.size(), video);
    size_t i = 0;
    for (const auto& p : packets) {
        if (p.kind != media::TrackKind::kVideo) continue;
        EXPECT_EQ(v[i].pts, p.pts + kOffset);
        EXPECT_EQ(v[i].dts.value_or(v[i].pts), p.dts + kOffset);
        EXPECT_EQ(v[i].random_access, p.keyframe);
        ++i;
    }
}

}  // namespace
}  // namespace onair::format::mpegts
