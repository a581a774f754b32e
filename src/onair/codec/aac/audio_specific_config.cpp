// SPDX-License-Identifier: Apache-2.0
#include "onair/codec/aac/audio_specific_config.h"

#include "onair/codec/bit_reader.h"

namespace onair::codec::aac {

namespace {

constexpr uint32_t kSampleRates[13] = {96000, 88200, 64000, 48000, 44100, 32000, 24000,
                                       22050, 16000, 12000, 11025, 8000,  7350};

base::Error Invalid(std::string message) { return base::MakeError(base::ErrorCode::kInvalidData, std::move(message)); }

// 5 bits, or 6 more bits + 32 when the escape value 31 is used.
uint8_t ReadObjectType(BitReader& br) {
    uint32_t t = br.Bits(5);
    if (t == 31) t = 32 + br.Bits(6);
    return static_cast<uint8_t>(t);
}

bool ReadSampleRate(BitReader& br, uint8_t& index, uint32_t& rate) {
    index = static_cast<uint8_t>(br.Bits(4));
    if (index == 15) {
        rate = br.Bits(24);
        return br.ok() && rate > 0;
    }
    if (index >= 13) return false;
    rate = kSampleRates[index];
    return true;
}

uint8_t NearestIndex(uint32_t rate) {
    uint8_t best = 4;
    uint32_t best_diff = UINT32_MAX;
    for (uint8_t i = 0; i < 13; ++i) {
        const uint32_t d = rate > kSampleRates[i] ? rate - kSampleRates[i] : kSampleRates[i] - rate;
        if (d < best_diff) {
            best = i;
            best_diff = d;
        }
    }
    return best;
}

}  // namespace

base::Result<AudioSpecificConfig> ParseAudioSpecificConfig(std::span<const uint8_t> bytes) {
    if (bytes.size() < 2) return Invalid("aac: AudioSpecificConfig shorter than 2 bytes");
    BitReader br(bytes);
    AudioSpecificConfig c;
    c.object_type = ReadObjectType(br);
    if (c.object_type == 0) return Invalid("aac: audio object type 0");
    if (c.object_type > 4 && c.object_type != 5 && c.object_type != 29) {
        // ADTS (TS segments) can only signal Main, LC, SSR and LTP, with SBR/PS implicit.
        return base::MakeError(base::ErrorCode::kUnsupported,
                               "aac: audio object type " + std::to_string(c.object_type) +
                                   " is not supported; publish AAC-LC or HE-AAC");
    }
    if (!ReadSampleRate(br, c.sampling_index, c.sample_rate)) return Invalid("aac: reserved sampling frequency index");
    c.channel_config = static_cast<uint8_t>(br.Bits(4));
    if (!br.ok()) return Invalid("aac: truncated AudioSpecificConfig");
    if (c.channel_config == 0 || c.channel_config > 7) {
        return base::MakeError(base::ErrorCode::kUnsupported, "aac: channel configuration 0 (PCE) or reserved");
    }
    if (c.object_type == 5 || c.object_type == 29) {
        // Explicit SBR/PS signalling: extension rate, then the core object type.
        uint8_t ext_index = 0;
        uint32_t ext_rate = 0;
        if (ReadSampleRate(br, ext_index, ext_rate)) c.extension_sample_rate = ext_rate;
        const uint8_t core = ReadObjectType(br);
        if (!br.ok() || core == 0) return Invalid("aac: truncated SBR signalling");
    }
    return c;
}

std::string CodecString(const AudioSpecificConfig& config) { return "mp4a.40." + std::to_string(config.object_type); }

std::array<uint8_t, 7> AdtsHeader(const AudioSpecificConfig& config, size_t frame_size) {
    // ADTS profile = object type - 1, only 0..3 can be signalled.
    const uint8_t profile = (config.object_type >= 1 && config.object_type <= 4) ? config.object_type - 1 : 1;
    const uint8_t index = config.sampling_index < 13 ? config.sampling_index : NearestIndex(config.sample_rate);
    const size_t len = (frame_size + 7) & 0x1fff;  // 13 bits; callers keep frames far below 8 KiB
    std::array<uint8_t, 7> h{};
    h[0] = 0xff;
    h[1] = 0xf1;  // sync, MPEG-4, layer 0, no CRC
    h[2] = static_cast<uint8_t>((profile << 6) | (index << 2) | ((config.channel_config >> 2) & 1));
    h[3] = static_cast<uint8_t>(((config.channel_config & 3) << 6) | ((len >> 11) & 3));
    h[4] = static_cast<uint8_t>((len >> 3) & 0xff);
    h[5] = static_cast<uint8_t>(((len & 7) << 5) | 0x1f);  // buffer fullness 0x7ff (VBR)
    h[6] = 0xfc;
    return h;
}

}  // namespace onair::codec::aac
