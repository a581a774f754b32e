// SPDX-License-Identifier: Apache-2.0
// AudioSpecificConfig parsing and ADTS headers, against ffmpeg's AAC encoder
// and ADTS muxer (byte-exact), plus hand-made configs for what ffmpeg's
// encoder cannot produce (HE-AAC, escapes, explicit rates).
#include "onair/codec/aac/audio_specific_config.h"

#include <gtest/gtest.h>

#include <vector>

#include "support/media_vectors.h"

namespace onair::codec::aac {
namespace {

namespace vectors = ::onair::test::vectors;

using base::ErrorCode;
using Bytes = std::vector<uint8_t>;

uint8_t IndexOf(int rate) {
    switch (rate) {
        case 96000: return 0;
        case 48000: return 3;
        case 44100: return 4;
        case 22050: return 7;
        default: ADD_FAILURE() << rate; return 0xff;
    }
}

TEST(AudioSpecificConfig, RealEncoderConfigs) {
    for (const auto& v : vectors::kAacVectors) {
        SCOPED_TRACE(v.name);
        auto c = ParseAudioSpecificConfig(v.asc);
        ASSERT_TRUE(c.ok()) << c.error().message;
        EXPECT_EQ(c->object_type, 2);  // ffprobe: LC
        EXPECT_EQ(std::string(v.ffprobe_profile), "LC");
        EXPECT_EQ(c->sample_rate, static_cast<uint32_t>(v.sample_rate));
        EXPECT_EQ(c->sampling_index, IndexOf(v.sample_rate));
        // Channel configuration 7 is 7.1: eight channels.
        EXPECT_EQ(c->channel_config == 7 ? 8 : c->channel_config, v.channels);
        EXPECT_EQ(c->extension_sample_rate, 0u);
        EXPECT_EQ(CodecString(c.value()), "mp4a.40.2");
    }
}

TEST(AudioSpecificConfig, EveryPrefixOfRealConfigs) {
    // The 13 bits of object type, rate index and channels are in the first
    // two bytes; ffmpeg's trailing sync extension is not needed.
    for (const auto& v : vectors::kAacVectors) {
        for (size_t n = 0; n <= v.asc.size(); ++n) {
            auto c = ParseAudioSpecificConfig(v.asc.first(n));
            if (n < 2) {
                ASSERT_FALSE(c.ok());
                EXPECT_EQ(c.error().code, ErrorCode::kInvalidData);
            } else {
                ASSERT_TRUE(c.ok()) << v.name << " " << n;
                EXPECT_EQ(c->sample_rate, static_cast<uint32_t>(v.sample_rate));
            }
        }
    }
}

TEST(AdtsHeader, ByteExactWithFfmpegsAdtsMuxer) {
    for (const auto& v : vectors::kAacVectors) {
        SCOPED_TRACE(v.name);
        auto c = ParseAudioSpecificConfig(v.asc);
        ASSERT_TRUE(c.ok());
        const auto h = AdtsHeader(c.value(), v.first_frame.size());
        EXPECT_EQ(Bytes(h.begin(), h.end()), Bytes(v.first_adts_header.begin(), v.first_adts_header.end()));
    }
}

TEST(AdtsHeader, FieldsByHand) {
    AudioSpecificConfig c;
    c.object_type = 2;
    c.sampling_index = 3;  // 48000
    c.sample_rate = 48000;
    c.channel_config = 1;
    // 100 + 7 = 107 = 0b000'0000'1101'011: profile 1, index 3, channels 1.
    const auto h = AdtsHeader(c, 100);
    EXPECT_EQ(Bytes(h.begin(), h.end()), (Bytes{0xff, 0xf1, 0x4c, 0x40, 0x0d, 0x7f, 0xfc}));

    // The largest frame an ADTS header can describe: 8191 bytes in all.
    c.channel_config = 7;  // the channel configuration's top bit is in byte 2
    const auto max = AdtsHeader(c, 8191 - 7);
    EXPECT_EQ(Bytes(max.begin(), max.end()), (Bytes{0xff, 0xf1, 0x4d, 0xc3, 0xff, 0xff, 0xfc}));
    const uint32_t len = ((max[3] & 3u) << 11) | (uint32_t{max[4]} << 3) | (max[5] >> 5);
    EXPECT_EQ(len, 8191u);
}

TEST(AdtsHeader, ObjectTypesAdtsCannotSignal) {
    // HE-AAC: signalled as AAC-LC at the core rate (implicit SBR signalling).
    AudioSpecificConfig he;
    he.object_type = 5;
    he.sampling_index = 7;  // 22050 core
    he.sample_rate = 22050;
    he.channel_config = 2;
    he.extension_sample_rate = 44100;
    const auto h = AdtsHeader(he, 10);
    EXPECT_EQ(h[2] >> 6, 1);           // profile: LC
    EXPECT_EQ((h[2] >> 2) & 0xf, 7);   // core rate index
    // Main (1), LTP (4) can be signalled: profile = object type - 1.
    AudioSpecificConfig main = he;
    main.object_type = 1;
    EXPECT_EQ(AdtsHeader(main, 10)[2] >> 6, 0);
    main.object_type = 4;
    EXPECT_EQ(AdtsHeader(main, 10)[2] >> 6, 3);
}

TEST(AdtsHeader, ExplicitRateUsesTheNearestIndex) {
    AudioSpecificConfig c;
    c.sampling_index = 15;
    c.channel_config = 2;
    const struct {
        uint32_t rate;
        int index;
    } cases[] = {{44056, 4}, {47000, 3}, {7000, 12}, {200000, 0}, {11000, 10}, {16000, 8}};
    for (const auto& k : cases) {
        c.sample_rate = k.rate;
        EXPECT_EQ((AdtsHeader(c, 10)[2] >> 2) & 0xf, k.index) << k.rate;
    }
}

TEST(AudioSpecificConfig, HeAacExplicitSignalling) {
    // HE-AAC 44.1 kHz stereo: object 5, core 22050 (index 7), 2 channels,
    // extension index 4 (44100), core object 2.
    const Bytes he = {0x2b, 0x92, 0x08, 0x00};
    auto c = ParseAudioSpecificConfig(he);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->object_type, 5);
    EXPECT_EQ(c->sampling_index, 7);
    EXPECT_EQ(c->sample_rate, 22050u);
    EXPECT_EQ(c->channel_config, 2);
    EXPECT_EQ(c->extension_sample_rate, 44100u);
    EXPECT_EQ(CodecString(c.value()), "mp4a.40.5");

    // HE-AACv2 (PS): object 29, core 24000 mono, extension 48000.
    const Bytes ps = {0xeb, 0x09, 0x88, 0x00};
    auto p = ParseAudioSpecificConfig(ps);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->object_type, 29);
    EXPECT_EQ(p->sample_rate, 24000u);
    EXPECT_EQ(p->channel_config, 1);
    EXPECT_EQ(p->extension_sample_rate, 48000u);
    EXPECT_EQ(CodecString(p.value()), "mp4a.40.29");

    // Cut inside the SBR signalling (13 bits of core config, 9 more needed).
    EXPECT_EQ(ParseAudioSpecificConfig(std::span(he).first(2)).error().code, ErrorCode::kInvalidData);
    // Core object type 0 after the extension rate.
    const Bytes zero_core = {0x2b, 0x92, 0x00, 0x00};
    EXPECT_EQ(ParseAudioSpecificConfig(zero_core).error().code, ErrorCode::kInvalidData);
}

TEST(AudioSpecificConfig, EscapedObjectTypeAndExplicitRate) {
    // Object type 31 escapes to 32 + 6 bits: 11111 001010 = 42 (USAC), index 4,
    // stereo. Parsed, then refused: ADTS cannot carry USAC.
    // 11111001 01001000 010
    const Bytes usac = {0xf9, 0x48, 0x40};
    auto u = ParseAudioSpecificConfig(usac);
    ASSERT_FALSE(u.ok());
    EXPECT_EQ(u.error().code, base::ErrorCode::kUnsupported);
    EXPECT_NE(u.error().message.find("42"), std::string::npos) << u.error().message;

    // Index 15: a 24-bit rate follows. 00010 1111 <0x00ac18 = 44056> 0010
    // 00010111 10000000 01010110 00001100 00010
    const Bytes explicit_rate = {0x17, 0x80, 0x56, 0x0c, 0x10};
    auto e = ParseAudioSpecificConfig(explicit_rate);
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e->sampling_index, 15);
    EXPECT_EQ(e->sample_rate, 44056u);
    EXPECT_EQ(e->channel_config, 2);
    // The explicit rate cut short.
    EXPECT_EQ(ParseAudioSpecificConfig(std::span(explicit_rate).first(4)).error().code, ErrorCode::kInvalidData);
    // An explicit rate of 0.
    const Bytes zero_rate = {0x17, 0x80, 0x00, 0x00, 0x10};
    EXPECT_EQ(ParseAudioSpecificConfig(zero_rate).error().code, ErrorCode::kInvalidData);
}

TEST(AudioSpecificConfig, InvalidAndUnsupported) {
    // Object type 0 ("null").
    EXPECT_EQ(ParseAudioSpecificConfig(Bytes{0x00, 0x10}).error().code, ErrorCode::kInvalidData);
    // Reserved rate indexes 13 and 14: 00010 1101 0010 / 00010 1110 0010.
    EXPECT_EQ(ParseAudioSpecificConfig(Bytes{0x16, 0x90}).error().code, ErrorCode::kInvalidData);
    EXPECT_EQ(ParseAudioSpecificConfig(Bytes{0x17, 0x10}).error().code, ErrorCode::kInvalidData);
    // Channel configuration 0 (a program_config_element follows): valid
    // AAC, not handled, so the publish must stop with a clear reason.
    auto pce = ParseAudioSpecificConfig(Bytes{0x12, 0x00});
    ASSERT_FALSE(pce.ok());
    EXPECT_EQ(pce.error().code, ErrorCode::kUnsupported);
    EXPECT_NE(pce.error().message.find("PCE"), std::string::npos);
    // Channel configurations 8..15.
    for (uint8_t ch = 8; ch < 16; ++ch) {
        const Bytes b = {0x12, static_cast<uint8_t>(ch << 3)};
        EXPECT_EQ(ParseAudioSpecificConfig(b).error().code, ErrorCode::kUnsupported) << int{ch};
    }
    // Channel configurations 1..7 are accepted.
    for (uint8_t ch = 1; ch < 8; ++ch) {
        const Bytes b = {0x12, static_cast<uint8_t>(ch << 3)};
        auto c = ParseAudioSpecificConfig(b);
        ASSERT_TRUE(c.ok()) << int{ch};
        EXPECT_EQ(c->channel_config, ch);
    }
    EXPECT_EQ(ParseAudioSpecificConfig(Bytes{}).error().code, ErrorCode::kInvalidData);
    EXPECT_EQ(ParseAudioSpecificConfig(Bytes{0x12}).error().code, ErrorCode::kInvalidData);
}

TEST(AudioSpecificConfig, SamplesPerFrame) {
    AudioSpecificConfig c;
    EXPECT_EQ(SamplesPerFrame(c), 1024u);
}

}  // namespace
}  // namespace onair::codec::aac

namespace onair::codec::aac {
namespace {

// ER AAC-LD (23), ER AAC-ELD (39 via escape) and USAC (42) cannot be carried
// in ADTS: refused as unsupported rather than mislabelled as AAC-LC.
TEST(AudioSpecificConfigObjectTypes, NonAdtsObjectTypesAreUnsupported) {
    // object type 23, index 3 (48 kHz), 2 channels: 10111 0011 0010 000
    const uint8_t ld[] = {0xB9, 0x90};
    auto r = ParseAudioSpecificConfig(ld);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, base::ErrorCode::kUnsupported);
    // escape 31 + 6 bits (42-32=10): 11111 001010 0011 0010 -> USAC 48 kHz stereo
    const uint8_t usac[] = {0xF9, 0x46, 0x40};
    auto u = ParseAudioSpecificConfig(usac);
    ASSERT_FALSE(u.ok());
    EXPECT_EQ(u.error().code, base::ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace onair::codec::aac
