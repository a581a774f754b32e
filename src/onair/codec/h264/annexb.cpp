// SPDX-License-Identifier: Apache-2.0
#include "onair/codec/h264/annexb.h"

#include "onair/codec/h264/nal.h"

namespace onair::codec::h264 {

namespace {
/// Where the start code at or after `from` begins and how long it is; npos
/// when there is none.
size_t FindStartCode(std::span<const uint8_t> s, size_t from, size_t& length) {
    for (size_t i = from; i + 3 <= s.size(); ++i) {
        if (s[i] != 0 || s[i + 1] != 0) continue;
        if (s[i + 2] == 1) {
            length = 3;
            return i;
        }
        if (s[i + 2] == 0 && i + 4 <= s.size() && s[i + 3] == 1) {
            length = 4;
            return i;
        }
    }
    return std::span<const uint8_t>::extent;
}
}  // namespace

void ForEachAnnexBNal(std::span<const uint8_t> s, const std::function<void(std::span<const uint8_t>)>& fn) {
    constexpr size_t kNone = std::span<const uint8_t>::extent;
    size_t len = 0;
    size_t at = FindStartCode(s, 0, len);
    while (at != kNone) {
        const size_t begin = at + len;
        size_t next_len = 0;
        const size_t next = FindStartCode(s, begin, next_len);
        size_t end = next == kNone ? s.size() : next;
        while (end > begin && s[end - 1] == 0) --end;  // trailing_zero_8bits
        if (end > begin) fn(s.subspan(begin, end - begin));
        at = next;
        len = next_len;
    }
}

std::vector<uint8_t> AnnexBToAvcc(std::span<const uint8_t> stream, bool drop_parameter_sets) {
    std::vector<uint8_t> out;
    out.reserve(stream.size() + 16);
    ForEachAnnexBNal(stream, [&](std::span<const uint8_t> nal) {
        const uint8_t type = NalTypeOf(nal[0]);
        if (drop_parameter_sets && (type == static_cast<uint8_t>(NalType::kSps) ||
                                    type == static_cast<uint8_t>(NalType::kPps) ||
                                    type == static_cast<uint8_t>(NalType::kAud)))
            return;
        AppendWithFourByteLength(out, nal);
    });
    return out;
}

base::Result<std::vector<uint8_t>> AvcConfigFromAnnexB(std::span<const uint8_t> stream) {
    // The first SPS and the first PPS: an encoder's header has one of each
    // (and an SEI, not kept). Larger than a parameter set can sensibly be
    // (AvcConfigLimits), they are refused.
    AvcConfig config;
    const size_t max_bytes = AvcConfigLimits{}.max_parameter_set_bytes;
    bool too_large = false;
    ForEachAnnexBNal(stream, [&](std::span<const uint8_t> nal) {
        const uint8_t type = NalTypeOf(nal[0]);
        const bool sps = type == static_cast<uint8_t>(NalType::kSps) && nal.size() >= 4;
        const bool pps = type == static_cast<uint8_t>(NalType::kPps);
        if (!sps && !pps) return;
        if (nal.size() > max_bytes) {
            too_large = true;
            return;
        }
        auto& list = sps ? config.sps : config.pps;
        if (list.empty()) list.push_back(base::SharedBuffer::Copy(nal));
    });
    if (too_large) return base::MakeError(base::ErrorCode::kLimitExceeded, "h264: a parameter set over 4096 bytes");
    if (config.sps.empty() || config.pps.empty())
        return base::MakeError(base::ErrorCode::kInvalidData, "h264: no SPS and PPS in the encoder's header");
    const auto sps = config.sps.front().span();
    config.profile_idc = sps[1];
    config.profile_compatibility = sps[2];
    config.level_idc = sps[3];
    config.nal_length_size = 4;
    return WriteAvcConfig(config);
}

}  // namespace onair::codec::h264
