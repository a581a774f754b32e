// SPDX-License-Identifier: Apache-2.0
#include "onair/format/flv/tag_builder.h"

#include <array>
#include <vector>

#include "onair/format/flv/tag_constants.h"

namespace onair::format::flv {

namespace {

// AAC is always signalled as 44 kHz, 16-bit, stereo in the FLV header; the
// AudioSpecificConfig carries the real values (FLV 10.1, E.4.2.1).
constexpr uint8_t kAacHeaderByte = (kSoundFormatAac << 4) | (3 << 2) | (1 << 1) | 1;

base::SharedBuffer WithPrefix(std::span<const uint8_t> prefix, const base::SharedBuffer& rest) {
    std::vector<uint8_t> out;
    out.reserve(prefix.size() + rest.size());
    out.insert(out.end(), prefix.begin(), prefix.end());
    out.insert(out.end(), rest.span().begin(), rest.span().end());
    return base::SharedBuffer::Adopt(std::move(out));
}

base::SharedBuffer MakeVideoHeader(bool keyframe, int32_t cts) {
    const auto c = static_cast<uint32_t>(cts) & 0xffffff;
    const std::array<uint8_t, 5> h{static_cast<uint8_t>(((keyframe ? kFrameTypeKey : kFrameTypeInter) << 4) | kCodecIdAvc),
                                   kAvcNalu, static_cast<uint8_t>(c >> 16), static_cast<uint8_t>(c >> 8),
                                   static_cast<uint8_t>(c)};
    return base::SharedBuffer::Copy(h);
}

}  // namespace

base::SharedBuffer VideoSequenceHeaderTag(const media::CodecConfig& video) {
    const std::array<uint8_t, 5> h{(kFrameTypeKey << 4) | kCodecIdAvc, kAvcSequenceHeader, 0, 0, 0};
    return WithPrefix(h, video.extradata);
}

base::SharedBuffer AudioSequenceHeaderTag(const media::CodecConfig& audio) {
    const std::array<uint8_t, 2> h{kAacHeaderByte, kAacSequenceHeader};
    return WithPrefix(h, audio.extradata);
}

base::SharedBuffer VideoTagHeader(const media::Packet& packet) {
    int64_t cts = media::TicksToMs(packet.pts - packet.dts);
    if (cts < -0x800000) cts = -0x800000;
    if (cts > 0x7fffff) cts = 0x7fffff;
    // Composition offsets repeat (multiples of the frame duration): keep a
    // small per-thread table of ready headers for offsets 0..kCached-1 ms.
    constexpr int64_t kCached = 1024;
    if (cts >= 0 && cts < kCached) {
        thread_local std::array<std::array<base::SharedBuffer, kCached>, 2> table;
        auto& slot = table[packet.keyframe ? 1 : 0][static_cast<size_t>(cts)];
        if (slot.empty()) slot = MakeVideoHeader(packet.keyframe, static_cast<int32_t>(cts));
        return slot;
    }
    return MakeVideoHeader(packet.keyframe, static_cast<int32_t>(cts));
}

base::SharedBuffer AudioTagHeader(const media::CodecConfig&) {
    static const base::SharedBuffer kHeader = [] {
        const std::array<uint8_t, 2> h{kAacHeaderByte, kAacRaw};
        return base::SharedBuffer::Copy(h);
    }();
    return kHeader;
}

}  // namespace onair::format::flv
