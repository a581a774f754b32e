// SPDX-License-Identifier: Apache-2.0
// FLV tag bodies for players: byte-exact with what ffmpeg's FLV muxer wrote
// for the same stream, and a round trip through TagDemuxer.
#include "onair/format/flv/tag_builder.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "onair/format/flv/tag_demuxer.h"
#include "support/media_vectors.h"
#include "unit/codec/h264_test_util.h"

namespace onair::format::flv {
namespace {

namespace vectors = ::onair::test::vectors;
namespace h264test = ::onair::codec::h264::test;
using base::SharedBuffer;
using Bytes = std::vector<uint8_t>;
using Kind = Demuxed::Kind;

SharedBuffer Buf(std::span<const uint8_t> b) { return SharedBuffer::Copy(b); }
Bytes BytesOf(const SharedBuffer& b) { return Bytes(b.span().begin(), b.span().end()); }
Bytes BytesOf(std::span<const uint8_t> b) { return Bytes(b.begin(), b.end()); }

// Builds the body a player receives: header piece + shared payload.
Bytes Body(const SharedBuffer& header, const SharedBuffer& payload) {
    Bytes out = BytesOf(header);
    out.insert(out.end(), payload.span().begin(), payload.span().end());
    return out;
}

media::Packet VideoPacket(int64_t dts, int64_t pts, bool key) {
    media::Packet p;
    p.kind = media::TrackKind::kVideo;
    p.codec = media::Codec::kH264;
    p.dts = dts;
    p.pts = pts;
    p.keyframe = key;
    return p;
}

TEST(TagBuilder, ByteExactWithFfmpegsFlvMuxer) {
    // Demux the real stream, build every tag back: the same bytes as ffmpeg's.
    TagDemuxer d;
    media::CodecConfig audio;
    int checked = 0;
    for (const auto& t : vectors::kSmallFlv) {
        auto r = t.type == 9 ? d.Video(Buf(t.body), t.timestamp_ms) : d.Audio(Buf(t.body), t.timestamp_ms);
        ASSERT_TRUE(r.ok()) << r.error().message;
        Bytes built;
        if (r->kind == Kind::kConfig && t.type == 9) {
            built = BytesOf(VideoSequenceHeaderTag(r->config));
        } else if (r->kind == Kind::kConfig) {
            audio = r->config;
            built = BytesOf(AudioSequenceHeaderTag(r->config));
        } else if (r->kind == Kind::kPacket && t.type == 9) {
            built = Body(VideoTagHeader(r->packet), r->packet.payload);
        } else if (r->kind == Kind::kPacket) {
            built = Body(AudioTagHeader(audio), r->packet.payload);
        } else {
            continue;  // end of sequence: not forwarded
        }
        EXPECT_EQ(built, BytesOf(t.body)) << "tag at " << t.timestamp_ms << " type " << int{t.type};
        ++checked;
    }
    EXPECT_GE(checked, 10);
}

TEST(TagBuilder, AacHeaderIsAlways44kStereo16Bit) {
    // FLV signals AAC as 0xAF whatever the real rate and channels (ffmpeg
    // does the same); the AudioSpecificConfig carries the truth.
    for (const auto& v : vectors::kAacVectors) {
        media::CodecConfig c;
        c.kind = media::TrackKind::kAudio;
        c.codec = media::Codec::kAac;
        c.extradata = Buf(v.asc);
        Bytes expected = {0xaf, 0x00};
        expected.insert(expected.end(), v.asc.begin(), v.asc.end());
        EXPECT_EQ(BytesOf(AudioSequenceHeaderTag(c)), expected) << v.name;
        EXPECT_EQ(BytesOf(AudioTagHeader(c)), (Bytes{0xaf, 0x01})) << v.name;
    }
}

TEST(TagBuilder, VideoSequenceHeaderForEveryRealConfig) {
    for (const auto& v : vectors::kH264Vectors) {
        media::CodecConfig c;
        c.extradata = Buf(v.avcc);
        Bytes expected = {0x17, 0x00, 0x00, 0x00, 0x00};
        expected.insert(expected.end(), v.avcc.begin(), v.avcc.end());
        EXPECT_EQ(BytesOf(VideoSequenceHeaderTag(c)), expected) << v.name;
    }
}

TEST(TagBuilder, VideoHeaderFrameTypeAndCompositionTime) {
    EXPECT_EQ(BytesOf(VideoTagHeader(VideoPacket(0, 0, true))), (Bytes{0x17, 0x01, 0x00, 0x00, 0x00}));
    EXPECT_EQ(BytesOf(VideoTagHeader(VideoPacket(0, 0, false))), (Bytes{0x27, 0x01, 0x00, 0x00, 0x00}));
    EXPECT_EQ(BytesOf(VideoTagHeader(VideoPacket(9000, 9000 + 67 * 90, false))), (Bytes{0x27, 0x01, 0x00, 0x00, 0x43}));
    // Past the cached range, and 24-bit values.
    EXPECT_EQ(BytesOf(VideoTagHeader(VideoPacket(0, 5000 * 90, true))), (Bytes{0x17, 0x01, 0x00, 0x13, 0x88}));
    EXPECT_EQ(BytesOf(VideoTagHeader(VideoPacket(0, int64_t{0x123456} * 90, true))),
              (Bytes{0x17, 0x01, 0x12, 0x34, 0x56}));
    // Negative offsets (PTS before DTS) as two's complement SI24.
    EXPECT_EQ(BytesOf(VideoTagHeader(VideoPacket(90'000, 90'000 - 34 * 90, false))),
              (Bytes{0x27, 0x01, 0xff, 0xff, 0xde}));
    EXPECT_EQ(BytesOf(VideoTagHeader(VideoPacket(90'000, 90'000 - 90, false))), (Bytes{0x27, 0x01, 0xff, 0xff, 0xff}));
    // Sub-millisecond parts are dropped.
    EXPECT_EQ(BytesOf(VideoTagHeader(VideoPacket(0, 3000, false))), (Bytes{0x27, 0x01, 0x00, 0x00, 0x21}));
}

TEST(TagBuilder, CompositionTimeIsClampedToSi24) {
    EXPECT_EQ(BytesOf(VideoTagHeader(VideoPacket(0, int64_t{0x800000} * 90, false))),
              (Bytes{0x27, 0x01, 0x7f, 0xff, 0xff}));
    EXPECT_EQ(BytesOf(VideoTagHeader(VideoPacket(0, int64_t{1} << 50, false))), (Bytes{0x27, 0x01, 0x7f, 0xff, 0xff}));
    EXPECT_EQ(BytesOf(VideoTagHeader(VideoPacket(int64_t{0x900000} * 90, 0, false))),
              (Bytes{0x27, 0x01, 0x80, 0x00, 0x00}));
}

TEST(TagBuilder, CommonHeadersAreSharedPerThread) {
    const auto p = VideoPacket(0, 33 * 90, false);
    const auto a = VideoTagHeader(p);
    const auto b = VideoTagHeader(VideoPacket(123'456, 123'456 + 33 * 90, false));
    EXPECT_EQ(a.data(), b.data());  // the same buffer, not a new one
    EXPECT_EQ(BytesOf(a), BytesOf(b));
    // Keyframe and inter headers of the same offset are different entries.
    const auto k = VideoTagHeader(VideoPacket(0, 33 * 90, true));
    EXPECT_NE(k.data(), a.data());
    EXPECT_EQ(k[0], 0x17);
    EXPECT_EQ(a[0], 0x27);
    // Another thread gets its own copy with the same bytes.
    SharedBuffer other;
    std::thread([&] { other = VideoTagHeader(p); }).join();
    EXPECT_NE(other.data(), a.data());
    EXPECT_EQ(BytesOf(other), BytesOf(a));
    // Uncached offsets still come out right every time.
    const auto n1 = VideoTagHeader(VideoPacket(0, -90, false));
    const auto n2 = VideoTagHeader(VideoPacket(0, -90, false));
    EXPECT_EQ(BytesOf(n1), BytesOf(n2));
    // The audio header is one buffer.
    media::CodecConfig c;
    EXPECT_EQ(AudioTagHeader(c).data(), AudioTagHeader(c).data());
}

TEST(TagBuilder, RoundTripThroughTheDemuxer) {
    // A config from a 2-byte-length publisher, rebuilt for players and
    // demuxed again, gives the same config and packets.
    TagDemuxer in;
    const auto sps = h264test::MakeSps({});
    const Bytes pps = {0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0};
    Bytes seq = {0x17, 0x00, 0x00, 0x00, 0x00};
    const auto avcc = h264test::MakeAvcc({sps}, {pps}, 2);
    seq.insert(seq.end(), avcc.begin(), avcc.end());
    auto cfg = in.Video(Buf(seq), 0);
    ASSERT_TRUE(cfg.ok());

    TagDemuxer out;
    auto cfg2 = out.Video(VideoSequenceHeaderTag(cfg->config), 0);
    ASSERT_TRUE(cfg2.ok());
    ASSERT_EQ(cfg2->kind, Kind::kConfig);
    EXPECT_TRUE(cfg2->config == cfg->config);
    EXPECT_EQ(cfg2->config.width, 1280);
    EXPECT_EQ(cfg2->config.codec_string, cfg->config.codec_string);

    const Bytes idr = {0x65, 0x88, 0x84, 0x00, 0x21};
    const Bytes slice = {0x41, 0x9a, 0x23, 0x6c};
    struct Frame {
        uint32_t ms;
        int32_t cts;
        bool key;
        Bytes nal;
    };
    const Frame frames[] = {{1000, 67, true, idr}, {1033, 133, false, slice}, {1066, 0, false, slice},
                            {1100, -20, false, slice}, {0xfffffff0u, 1000, false, slice}};
    for (const auto& f : frames) {
        Bytes body = {static_cast<uint8_t>(f.key ? 0x17 : 0x27), 0x01, static_cast<uint8_t>(f.cts >> 16),
                      static_cast<uint8_t>(f.cts >> 8), static_cast<uint8_t>(f.cts)};
        const auto au = h264test::MakeAccessUnit({f.nal}, 2);
        body.insert(body.end(), au.begin(), au.end());
        auto p = in.Video(Buf(body), f.ms);
        ASSERT_TRUE(p.ok());
        ASSERT_EQ(p->kind, Kind::kPacket);
        auto again = out.Video(Buf(Body(VideoTagHeader(p->packet), p->packet.payload)), f.ms);
        ASSERT_TRUE(again.ok()) << again.error().message;
        ASSERT_EQ(again->kind, Kind::kPacket);
        EXPECT_EQ(again->packet.dts, p->packet.dts);
        EXPECT_EQ(again->packet.pts, p->packet.pts);
        EXPECT_EQ(again->packet.keyframe, f.key);
        EXPECT_EQ(again->packet.payload.view(), p->packet.payload.view());
    }

    // Audio.
    media::CodecConfig acfg;
    acfg.extradata = Buf(vectors::kAacVectors[1].asc);
    auto a = out.Audio(AudioSequenceHeaderTag(acfg), 0);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->config.sample_rate, vectors::kAacVectors[1].sample_rate);
    EXPECT_EQ(a->config.channels, vectors::kAacVectors[1].channels);
    const auto frame = Buf(vectors::kAacVectors[1].first_frame);
    auto af = out.Audio(Buf(Body(AudioTagHeader(acfg), frame)), 2000);
    ASSERT_TRUE(af.ok());
    ASSERT_EQ(af->kind, Kind::kPacket);
    EXPECT_EQ(af->packet.payload.view(), frame.view());
    EXPECT_EQ(af->packet.dts, 2000 * 90);
}

}  // namespace
}  // namespace onair::format::flv
