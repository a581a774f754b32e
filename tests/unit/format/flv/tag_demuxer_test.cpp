// SPDX-License-Identifier: Apache-2.0
// TagDemuxer: FLV VIDEODATA/AUDIODATA bodies from ffmpeg's FLV muxer
// (x264 + AAC) to configs and packets, and every way a body can be wrong.
#include "onair/format/flv/tag_demuxer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "onair/codec/h264/avc_config.h"
#include "onair/codec/h264/nal.h"
#include "support/media_vectors.h"
#include "unit/codec/h264_test_util.h"

namespace onair::format::flv {
namespace {

namespace vectors = ::onair::test::vectors;
namespace h264test = ::onair::codec::h264::test;
using base::ErrorCode;
using base::SharedBuffer;
using Bytes = std::vector<uint8_t>;
using Kind = Demuxed::Kind;

SharedBuffer Buf(std::span<const uint8_t> b) { return SharedBuffer::Copy(b); }

Bytes Concat(std::initializer_list<std::span<const uint8_t>> parts) {
    Bytes out;
    for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

const vectors::FlvTag& SmallTag(uint8_t type, bool media, size_t nth = 0) {
    for (const auto& t : vectors::kSmallFlv) {
        if (t.type == type && t.media == media && nth-- == 0) return t;
    }
    ADD_FAILURE() << "no such tag";
    return vectors::kSmallFlv[0];
}

const Bytes kVideoSeqPrefix = {0x17, 0x00, 0x00, 0x00, 0x00};
const Bytes kAudioSeqPrefix = {0xaf, 0x00};
const Bytes kIdr = {0x65, 0x88, 0x84, 0x00, 0x21};
const Bytes kSlice = {0x41, 0x9a, 0x23, 0x6c};
const Bytes kSei = {0x06, 0x05, 0x01, 0xaa, 0x80};

// A demuxer that has seen the real stream's sequence headers.
TagDemuxer Configured() {
    TagDemuxer d;
    EXPECT_EQ(d.Video(Buf(SmallTag(9, false).body), 0)->kind, Kind::kConfig);
    EXPECT_EQ(d.Audio(Buf(SmallTag(8, false).body), 0)->kind, Kind::kConfig);
    return d;
}

Bytes VideoTag(uint8_t first_byte, int32_t cts, const Bytes& au) {
    const auto c = static_cast<uint32_t>(cts);
    Bytes b = {first_byte, 0x01, static_cast<uint8_t>(c >> 16), static_cast<uint8_t>(c >> 8), static_cast<uint8_t>(c)};
    b.insert(b.end(), au.begin(), au.end());
    return b;
}

TEST(TagDemuxer, RealStreamInOrder) {
    TagDemuxer d;
    EXPECT_FALSE(d.has_video_config());
    EXPECT_FALSE(d.has_audio_config());
    int packets = 0, configs = 0, nones = 0;
    for (const auto& t : vectors::kSmallFlv) {
        SCOPED_TRACE(testing::Message() << "tag type " << int{t.type} << " at " << t.timestamp_ms);
        const auto body = Buf(t.body);
        auto r = t.type == 9 ? d.Video(body, t.timestamp_ms) : d.Audio(body, t.timestamp_ms);
        ASSERT_TRUE(r.ok()) << r.error().message;
        if (t.media) {
            ASSERT_EQ(r->kind, Kind::kPacket);
            const auto& p = r->packet;
            const size_t header = t.type == 9 ? 5 : 2;
            EXPECT_EQ(p.kind, t.type == 9 ? media::TrackKind::kVideo : media::TrackKind::kAudio);
            EXPECT_EQ(p.codec, t.type == 9 ? media::Codec::kH264 : media::Codec::kAac);
            // ffprobe's timestamps, in 90 kHz.
            EXPECT_EQ(p.dts, t.dts_ms * 90);
            EXPECT_EQ(p.pts, t.pts_ms * 90);
            EXPECT_EQ(p.keyframe, t.keyframe);
            // Zero copy: the payload is the body after the tag header.
            EXPECT_EQ(p.payload.data(), body.data() + header);
            EXPECT_EQ(p.payload.size(), body.size() - header);
            EXPECT_EQ(p.segment_start, -1);
            EXPECT_FALSE(p.discontinuity);
            ++packets;
        } else if (r->kind == Kind::kConfig) {
            ++configs;
        } else {
            EXPECT_EQ(r->kind, Kind::kNone);  // the AVC end-of-sequence tag
            EXPECT_EQ(t.body[1], 2);
            ++nones;
        }
    }
    EXPECT_EQ(configs, 2);
    EXPECT_EQ(nones, 1);
    EXPECT_GE(packets, 8);
    EXPECT_TRUE(d.has_video_config());
    EXPECT_TRUE(d.has_audio_config());
}

TEST(TagDemuxer, RealVideoSequenceHeader) {
    TagDemuxer d;
    const auto body = Buf(SmallTag(9, false).body);
    auto r = d.Video(body, 0);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->kind, Kind::kConfig);
    const auto& c = r->config;
    EXPECT_EQ(c.kind, media::TrackKind::kVideo);
    EXPECT_EQ(c.codec, media::Codec::kH264);
    EXPECT_EQ(c.width, 64);  // ffprobe: 64x64 High level 1.0
    EXPECT_EQ(c.height, 64);
    EXPECT_EQ(c.codec_string, "avc1.64000a");
    EXPECT_EQ(c.extradata.data(), body.data() + 5);  // the avcC, shared
    EXPECT_EQ(c.extradata.size(), body.size() - 5);
}

TEST(TagDemuxer, RealAudioSequenceHeader) {
    TagDemuxer d;
    const auto body = Buf(SmallTag(8, false).body);
    auto r = d.Audio(body, 0);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->kind, Kind::kConfig);
    const auto& c = r->config;
    EXPECT_EQ(c.kind, media::TrackKind::kAudio);
    EXPECT_EQ(c.codec, media::Codec::kAac);
    EXPECT_EQ(c.sample_rate, 44100);
    EXPECT_EQ(c.channels, 2);
    EXPECT_EQ(c.codec_string, "mp4a.40.2");
    EXPECT_EQ(c.extradata.data(), body.data() + 2);
    EXPECT_EQ(c.extradata.size(), body.size() - 2);
}

TEST(TagDemuxer, EveryRealEncoderVideoConfig) {
    for (const auto& v : vectors::kH264Vectors) {
        SCOPED_TRACE(v.name);
        TagDemuxer d;
        auto r = d.Video(Buf(Concat({kVideoSeqPrefix, v.avcc})), 0);
        ASSERT_TRUE(r.ok()) << r.error().message;
        ASSERT_EQ(r->kind, Kind::kConfig);
        EXPECT_EQ(r->config.width, v.width);
        EXPECT_EQ(r->config.height, v.height);
        EXPECT_EQ(r->config.codec_string, v.codec_string);
        EXPECT_EQ(r->config.extradata.view(), Buf(v.avcc).view());
    }
}

TEST(TagDemuxer, EveryRealEncoderAudioConfig) {
    for (const auto& v : vectors::kAacVectors) {
        SCOPED_TRACE(v.name);
        TagDemuxer d;
        auto r = d.Audio(Buf(Concat({kAudioSeqPrefix, v.asc})), 0);
        ASSERT_TRUE(r.ok()) << r.error().message;
        ASSERT_EQ(r->kind, Kind::kConfig);
        EXPECT_EQ(r->config.sample_rate, v.sample_rate);
        EXPECT_EQ(r->config.channels, v.channels);
        EXPECT_EQ(r->config.codec_string, "mp4a.40.2");
        // A frame after it.
        auto f = d.Audio(Buf(Concat({Bytes{0xaf, 0x01}, v.first_frame})), 1000);
        ASSERT_TRUE(f.ok());
        ASSERT_EQ(f->kind, Kind::kPacket);
        EXPECT_EQ(f->packet.dts, 90000);
        EXPECT_EQ(f->packet.pts, 90000);
        EXPECT_TRUE(f->packet.keyframe);
        EXPECT_EQ(f->packet.payload.view(), Buf(v.first_frame).view());
    }
}

TEST(TagDemuxer, CompositionTimeIsSigned24Bit) {
    auto d = Configured();
    const auto au = h264test::MakeAccessUnit({kSlice}, 4);
    struct Case {
        int32_t cts_ms;
        int64_t expected_pts_ms;
    };
    const Case cases[] = {{0, 1000}, {33, 1033}, {-34, 966}, {-1, 999}, {0x7fffff, 1000 + 0x7fffff},
                          {-0x800000, 1000 - 0x800000}};
    for (const auto& c : cases) {
        auto r = d.Video(Buf(VideoTag(0x27, c.cts_ms, au)), 1000);
        ASSERT_TRUE(r.ok());
        ASSERT_EQ(r->kind, Kind::kPacket);
        EXPECT_EQ(r->packet.dts, 90'000) << c.cts_ms;
        EXPECT_EQ(r->packet.pts, c.expected_pts_ms * 90) << c.cts_ms;
    }
    // The largest RTMP timestamp does not overflow.
    auto r = d.Video(Buf(VideoTag(0x27, 100, au)), 0xffffffffu);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->packet.dts, int64_t{0xffffffff} * 90);
    EXPECT_EQ(r->packet.pts, (int64_t{0xffffffff} + 100) * 90);
}

TEST(TagDemuxer, KeyframeFromTheFrameTypeOrAnIdrSlice) {
    auto d = Configured();
    auto key = [&](uint8_t first, const Bytes& au) {
        auto r = d.Video(Buf(VideoTag(first, 0, au)), 0);
        EXPECT_TRUE(r.ok());
        return r.ok() && r->kind == Kind::kPacket && r->packet.keyframe;
    };
    EXPECT_TRUE(key(0x17, h264test::MakeAccessUnit({kSei, kIdr}, 4)));
    EXPECT_TRUE(key(0x27, h264test::MakeAccessUnit({kSei, kIdr}, 4)));  // mislabelled: the IDR decides
    EXPECT_TRUE(key(0x17, h264test::MakeAccessUnit({kSlice}, 4)));      // open-GOP I frame flagged by the encoder
    EXPECT_FALSE(key(0x27, h264test::MakeAccessUnit({kSei, kSlice}, 4)));
    EXPECT_FALSE(key(0x37, h264test::MakeAccessUnit({kSlice}, 4)));  // disposable inter frame
}

TEST(TagDemuxer, TwoByteNalLengthsAreConvertedToFour) {
    TagDemuxer d;
    // The real stream's SPS/PPS, re-framed with lengthSizeMinusOne = 1.
    auto real = codec::h264::ParseAvcConfig(Buf(SmallTag(9, false).body).Slice(5));
    ASSERT_TRUE(real.ok());
    const Bytes sps(real->sps[0].span().begin(), real->sps[0].span().end());
    const Bytes pps(real->pps[0].span().begin(), real->pps[0].span().end());
    auto cfg = d.Video(Buf(Concat({kVideoSeqPrefix, h264test::MakeAvcc({sps}, {pps}, 2)})), 0);
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    ASSERT_EQ(cfg->kind, Kind::kConfig);
    // Carried as the 4-byte form, like the packets.
    EXPECT_EQ(cfg->config.extradata.view(), Buf(h264test::MakeAvcc({sps}, {pps}, 4)).view());
    EXPECT_EQ(cfg->config.width, 64);
    EXPECT_EQ(cfg->config.codec_string, "avc1.64000a");

    // Every real frame, re-framed with 2-byte lengths, comes out exactly as
    // ffmpeg wrote it with 4-byte lengths.
    for (const auto& t : vectors::kSmallFlv) {
        if (t.type != 9 || !t.media) continue;
        std::vector<Bytes> nals;
        ASSERT_TRUE(codec::h264::ForEachNal(t.body.subspan(5), 4, [&](std::span<const uint8_t> n) {
                        nals.emplace_back(n.begin(), n.end());
                    }).ok());
        const Bytes two = Concat({t.body.first(5), h264test::MakeAccessUnit(nals, 2)});
        const auto body = Buf(two);
        auto r = d.Video(body, t.timestamp_ms);
        ASSERT_TRUE(r.ok()) << r.error().message;
        ASSERT_EQ(r->kind, Kind::kPacket);
        EXPECT_EQ(r->packet.payload.view(), Buf(t.body.subspan(5)).view());
        EXPECT_EQ(r->packet.keyframe, t.keyframe);
        EXPECT_EQ(r->packet.pts, t.pts_ms * 90);
        EXPECT_NE(r->packet.payload.data(), body.data() + 5);  // a converted copy
    }
}

TEST(TagDemuxer, OneByteNalLengthsAndIdrDetectionAfterConversion) {
    TagDemuxer d;
    const auto sps = h264test::MakeSps({});
    const Bytes pps = {0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0};
    auto cfg = d.Video(Buf(Concat({kVideoSeqPrefix, h264test::MakeAvcc({sps}, {pps}, 1)})), 0);
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_EQ(cfg->config.width, 1280);
    EXPECT_EQ(cfg->config.height, 720);
    auto r = d.Video(Buf(VideoTag(0x27, 0, h264test::MakeAccessUnit({kSei, kIdr}, 1))), 40);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->kind, Kind::kPacket);
    EXPECT_TRUE(r->packet.keyframe);
    EXPECT_EQ(r->packet.payload.view(), Buf(h264test::MakeAccessUnit({kSei, kIdr}, 4)).view());
    // A length past the end in the 1-byte framing.
    auto bad = d.Video(Buf(VideoTag(0x27, 0, Bytes{0x09, 0x41})), 40);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidData);
}

TEST(TagDemuxer, MediaBeforeItsSequenceHeaderIsInvalid) {
    TagDemuxer d;
    auto v = d.Video(Buf(SmallTag(9, true).body), 0);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().code, ErrorCode::kInvalidData);
    auto a = d.Audio(Buf(SmallTag(8, true).body), 0);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().code, ErrorCode::kInvalidData);
    // Audio config alone does not allow video, and the other way round.
    ASSERT_TRUE(d.Audio(Buf(SmallTag(8, false).body), 0).ok());
    EXPECT_FALSE(d.Video(Buf(SmallTag(9, true).body), 0).ok());
    TagDemuxer d2;
    ASSERT_TRUE(d2.Video(Buf(SmallTag(9, false).body), 0).ok());
    EXPECT_FALSE(d2.Audio(Buf(SmallTag(8, true).body), 0).ok());
}

struct UnsupportedCase {
    Bytes body;
    const char* name_in_message;
};

TEST(TagDemuxer, UnsupportedVideoCodecsStopThePublishWithAReason) {
    const UnsupportedCase cases[] = {
        {{0x12, 0x00, 0x00}, "Sorenson H.263"},
        {{0x13, 0x00}, "Screen video"},
        {{0x14, 0x00, 0x11}, "On2 VP6"},
        {{0x25, 0x00, 0x11}, "On2 VP6 with alpha"},
        {{0x16, 0x00}, "Screen video v2"},
        {{0x1c, 0x00, 0x00, 0x00, 0x00}, "HEVC"},  // the non-standard codec id 12
        {{0x18}, "unknown"},
        // Enhanced RTMP: IsExHeader | FrameType << 4 | PacketType, FourCC.
        {{0x90, 'h', 'v', 'c', '1', 0x01, 0x64}, "hvc1"},
        {{0x91, 'a', 'v', '0', '1', 0x00}, "av01"},
        {{0xa1, 'v', 'p', '0', '9'}, "vp09"},
        {{0x90, 'h', 'v'}, "????"},           // too short to hold the FourCC
        {{0x90, 'a', 0x01, '\n', 0xff}, "a???"},  // unprintable bytes are not echoed
    };
    for (const auto& c : cases) {
        TagDemuxer d;
        auto r = d.Video(Buf(c.body), 0);
        ASSERT_FALSE(r.ok()) << c.name_in_message;
        EXPECT_EQ(r.error().code, ErrorCode::kUnsupported) << c.name_in_message;
        EXPECT_NE(r.error().message.find(c.name_in_message), std::string::npos) << r.error().message;
        EXPECT_NE(r.error().message.find("H.264"), std::string::npos) << r.error().message;
    }
}

TEST(TagDemuxer, UnsupportedAudioCodecsStopThePublishWithAReason) {
    const UnsupportedCase cases[] = {
        {{0x2f, 0xff, 0xfb}, "MP3"},
        {{0xb6, 0x00}, "Speex"},
        {{0x3f, 0x00, 0x00}, "linear PCM"},
        {{0x0e, 0x00}, "linear PCM"},
        {{0x1e}, "ADPCM"},
        {{0x6e, 0x00}, "Nellymoser"},
        {{0x72, 0x00}, "G.711 A-law"},
        {{0x82, 0x00}, "G.711 mu-law"},
        {{0x90, 'O', 'p', 'u', 's'}, "Enhanced RTMP"},
        {{0xd6, 0x00}, "Opus"},
        {{0xe2, 0x00}, "MP3 8 kHz"},
        {{0xf0}, "unknown"},
    };
    for (const auto& c : cases) {
        TagDemuxer d;
        auto r = d.Audio(Buf(c.body), 0);
        ASSERT_FALSE(r.ok()) << c.name_in_message;
        EXPECT_EQ(r.error().code, ErrorCode::kUnsupported) << c.name_in_message;
        EXPECT_NE(r.error().message.find(c.name_in_message), std::string::npos) << r.error().message;
        EXPECT_NE(r.error().message.find("AAC"), std::string::npos) << r.error().message;
    }
    // An AudioSpecificConfig with a program_config_element: valid AAC, not handled.
    TagDemuxer d;
    auto pce = d.Audio(Buf(Bytes{0xaf, 0x00, 0x12, 0x00}), 0);
    ASSERT_FALSE(pce.ok());
    EXPECT_EQ(pce.error().code, ErrorCode::kUnsupported);
}

TEST(TagDemuxer, NothingToForward) {
    auto d = Configured();
    auto none = [](const base::Result<Demuxed>& r) { return r.ok() && r->kind == Kind::kNone; };
    EXPECT_TRUE(none(d.Video(SharedBuffer(), 0)));
    EXPECT_TRUE(none(d.Audio(SharedBuffer(), 0)));
    // Video info/command frames, whatever the codec id.
    EXPECT_TRUE(none(d.Video(Buf(Bytes{0x57, 0x00}), 0)));
    EXPECT_TRUE(none(d.Video(Buf(Bytes{0x52, 0x01}), 0)));
    EXPECT_TRUE(none(d.Video(Buf(Bytes{0x50}), 0)));
    // AVC end of sequence.
    EXPECT_TRUE(none(d.Video(Buf(Bytes{0x17, 0x02, 0x00, 0x00, 0x00}), 0)));
    // A NALU tag without data, and one with only zero-length NAL units.
    EXPECT_TRUE(none(d.Video(Buf(Bytes{0x27, 0x01, 0x00, 0x00, 0x00}), 0)));
    EXPECT_TRUE(none(d.Video(Buf(Bytes{0x27, 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0}), 0)));
    // An AAC raw tag without data.
    EXPECT_TRUE(none(d.Audio(Buf(Bytes{0xaf, 0x01}), 0)));
}

TEST(TagDemuxer, ZeroLengthNalUnitsAreTheSameInBothFramings) {
    // 2-byte framing drops them in the conversion; 4-byte framing is shared
    // as it is. Either way a frame of only empty units is nothing.
    TagDemuxer four;
    ASSERT_TRUE(four.Video(Buf(Concat({kVideoSeqPrefix, h264test::MakeAvcc({h264test::MakeSps({})},
                                                                           {{0x68, 0xce}}, 4)})),
                           0)
                    .ok());
    TagDemuxer two;
    ASSERT_TRUE(two.Video(Buf(Concat({kVideoSeqPrefix, h264test::MakeAvcc({h264test::MakeSps({})},
                                                                          {{0x68, 0xce}}, 2)})),
                          0)
                    .ok());
    auto a = four.Video(Buf(VideoTag(0x27, 0, h264test::MakeAccessUnit({{}, {}}, 4))), 0);
    auto b = two.Video(Buf(VideoTag(0x27, 0, h264test::MakeAccessUnit({{}, {}}, 2))), 0);
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(a->kind, Kind::kNone);
    EXPECT_EQ(b->kind, Kind::kNone);
}

TEST(TagDemuxer, MalformedVideo) {
    auto d = Configured();
    auto code = [&](const Bytes& body) {
        auto r = d.Video(Buf(body), 0);
        EXPECT_FALSE(r.ok());
        return r.ok() ? ErrorCode::kInternal : r.error().code;
    };
    // AVC tags shorter than their 5-byte header.
    const auto frame = SmallTag(9, true).body;
    for (size_t n = 1; n < 5; ++n) {
        EXPECT_EQ(code(Bytes(frame.begin(), frame.begin() + n)), ErrorCode::kInvalidData) << n;
    }
    // Unknown AVCPacketType.
    EXPECT_EQ(code({0x17, 0x03, 0x00, 0x00, 0x00, 0x01}), ErrorCode::kInvalidData);
    EXPECT_EQ(code({0x17, 0xff, 0x00, 0x00, 0x00}), ErrorCode::kInvalidData);
    // A NAL unit length past the end of the frame.
    EXPECT_EQ(code(VideoTag(0x27, 0, {0x00, 0x00, 0x00, 0x09, 0x41, 0x9a})), ErrorCode::kInvalidData);
    EXPECT_EQ(code(VideoTag(0x27, 0, {0x00, 0x00, 0x01})), ErrorCode::kInvalidData);  // truncated length
    // A bad avcC, and a good avcC whose SPS is bad.
    auto bad_avcc = code({0x17, 0x00, 0x00, 0x00, 0x00, 0x02, 0x64, 0x00, 0x1f});
    EXPECT_EQ(bad_avcc, ErrorCode::kInvalidData);
    h264test::SpsFields f;
    f.chroma_format_idc = 7;
    EXPECT_EQ(code(Concat({kVideoSeqPrefix, h264test::MakeAvcc({h264test::MakeSps(f)}, {{0x68, 0xce}})})),
              ErrorCode::kInvalidData);
    // The errors left the configuration as it was: the real frames still demux.
    auto ok = d.Video(Buf(SmallTag(9, true).body), 0);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->kind, Kind::kPacket);
}

TEST(TagDemuxer, ErrorMessagesSayWhere) {
    auto d = Configured();
    auto r = d.Video(Buf(Bytes{0x17, 0x00, 0x00, 0x00, 0x00, 0x01}), 0);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.rfind("flv: AVC sequence header: avcC: ", 0), 0u) << r.error().message;
    auto f = d.Video(Buf(VideoTag(0x27, 0, {0x00, 0x00, 0x00, 0x09})), 0);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().message.rfind("flv: AVC frame: ", 0), 0u) << f.error().message;
    auto a = d.Audio(Buf(Bytes{0xaf, 0x00, 0x00, 0x10}), 0);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().message.rfind("flv: AAC sequence header: aac: ", 0), 0u) << a.error().message;
}

TEST(TagDemuxer, MalformedAudio) {
    auto d = Configured();
    auto code = [&](const Bytes& body) {
        auto r = d.Audio(Buf(body), 0);
        EXPECT_FALSE(r.ok());
        return r.ok() ? ErrorCode::kInternal : r.error().code;
    };
    EXPECT_EQ(code({0xaf}), ErrorCode::kInvalidData);              // no AACPacketType
    EXPECT_EQ(code({0xaf, 0x02, 0x21}), ErrorCode::kInvalidData);  // unknown AACPacketType
    EXPECT_EQ(code({0xaf, 0x00}), ErrorCode::kInvalidData);        // empty AudioSpecificConfig
    EXPECT_EQ(code({0xaf, 0x00, 0x12}), ErrorCode::kInvalidData);  // 1 byte
    EXPECT_EQ(code({0xaf, 0x00, 0x16, 0x90}), ErrorCode::kInvalidData);  // reserved rate index
    // Frames larger than an ADTS header can describe.
    Bytes max(2 + 8184, 0x21);
    max[0] = 0xaf;
    max[1] = 0x01;
    auto ok = d.Audio(Buf(max), 0);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->kind, Kind::kPacket);
    max.push_back(0x21);
    EXPECT_EQ(code(max), ErrorCode::kInvalidData);
    // The sound rate/size/type bits of the header byte do not matter for AAC.
    auto mono = d.Audio(Buf(Bytes{0xa2, 0x01, 0x21}), 5);
    ASSERT_TRUE(mono.ok());
    EXPECT_EQ(mono->kind, Kind::kPacket);
}

TEST(TagDemuxer, EveryPrefixOfEveryRealTag) {
    // Cut anywhere, a tag is an error or something valid: never a crash,
    // never a packet whose framing downstream code could not trust.
    for (const auto& t : vectors::kSmallFlv) {
        for (size_t n = 0; n <= t.body.size(); ++n) {
            auto d = Configured();
            const auto body = Buf(t.body.first(n));
            auto r = t.type == 9 ? d.Video(body, t.timestamp_ms) : d.Audio(body, t.timestamp_ms);
            if (!r.ok()) {
                EXPECT_EQ(r.error().code, ErrorCode::kInvalidData);
                continue;
            }
            if (r->kind == Kind::kPacket && r->packet.kind == media::TrackKind::kVideo) {
                EXPECT_TRUE(codec::h264::ForEachNal(r->packet.payload.span(), 4, [](std::span<const uint8_t>) {}).ok());
            }
            if (r->kind == Kind::kConfig && t.type == 9) {
                EXPECT_TRUE(codec::h264::ParseAvcConfig(r->config.extradata).ok());
            }
        }
    }
}

TEST(TagDemuxer, NewSequenceHeaderReplacesTheOld) {
    TagDemuxer d;
    const auto sps = h264test::MakeSps({});
    const Bytes pps = {0x68, 0xce};
    ASSERT_TRUE(d.Video(Buf(Concat({kVideoSeqPrefix, h264test::MakeAvcc({sps}, {pps}, 2)})), 0).ok());
    EXPECT_TRUE(d.Video(Buf(VideoTag(0x27, 0, h264test::MakeAccessUnit({kSlice}, 2))), 0).ok());
    // The encoder restarts with 4-byte lengths: frames are now read that way.
    ASSERT_TRUE(d.Video(Buf(Concat({kVideoSeqPrefix, h264test::MakeAvcc({sps}, {pps}, 4)})), 0).ok());
    auto r = d.Video(Buf(VideoTag(0x27, 0, h264test::MakeAccessUnit({kSlice}, 4))), 0);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->packet.payload.view(), Buf(h264test::MakeAccessUnit({kSlice}, 4)).view());
    EXPECT_FALSE(d.Video(Buf(VideoTag(0x27, 0, h264test::MakeAccessUnit({kSlice}, 2))), 0).ok());
}

TEST(TagDemuxer, FuzzRegressionSequenceHeaderWithAnOversizedSps) {
    // format_flv_fuzz: the real sequence header with one SPS bit flipped
    // (frame_mbs_only 0) claimed a 64x17600 picture; configs must stay
    // within the 16384 limit every packager relies on.
    const Bytes body = {
        0x17, 0x00, 0x00, 0x00, 0x00, 0x01, 0x64, 0x00, 0x0a, 0xfd, 0xe1, 0x00, 0x18, 0x67, 0x64, 0x00,
        0x0a, 0xac, 0xd9, 0x44, 0x00, 0x44, 0xc0, 0x00, 0x00, 0x03, 0x26, 0x04, 0x00, 0x00, 0x03, 0x00,
        0xf0, 0x3c, 0x48, 0x96, 0x58, 0x01, 0x00, 0x06, 0x68, 0xeb, 0xe0, 0x65, 0x2c, 0x8b, 0xfd, 0xf8,
        0xf8, 0x00
    };
    TagDemuxer d;
    auto r = d.Video(Buf(body), 0);
    ASSERT_FALSE(r.ok()) << r->config.height;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidData);
    EXPECT_FALSE(d.has_video_config());
}

}  // namespace
}  // namespace onair::format::flv
