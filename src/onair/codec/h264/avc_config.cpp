// SPDX-License-Identifier: Apache-2.0
#include "onair/codec/h264/avc_config.h"

#include <cstdio>

#include "onair/base/byte_reader.h"
#include "onair/codec/h264/nal.h"

namespace onair::codec::h264 {

namespace {
base::Error Invalid(std::string message) { return base::MakeError(base::ErrorCode::kInvalidData, std::move(message)); }

// Reads `count` parameter sets of NAL type `type` from `r`.
base::Status ReadSets(base::ByteReader& r, const base::SharedBuffer& record, size_t count, uint8_t type,
                      const AvcConfigLimits& limits, std::vector<base::SharedBuffer>& out) {
    for (size_t i = 0; i < count; ++i) {
        uint16_t len = 0;
        if (!r.ReadU16(len)) return Invalid("avcC: truncated parameter set length");
        if (len == 0) return Invalid("avcC: empty parameter set");
        if (len > limits.max_parameter_set_bytes) {
            return base::MakeError(base::ErrorCode::kLimitExceeded, "avcC: parameter set too large");
        }
        const size_t offset = r.position();
        if (!r.Skip(len)) return Invalid("avcC: truncated parameter set");
        if (NalTypeOf(record[offset]) != type) return Invalid("avcC: parameter set has the wrong NAL type");
        out.push_back(record.Slice(offset, len));
    }
    return base::Status::Ok();
}
}  // namespace

base::Result<AvcConfig> ParseAvcConfig(const base::SharedBuffer& record, const AvcConfigLimits& limits) {
    base::ByteReader r(record.span());
    uint8_t version = 0, profile = 0, compat = 0, level = 0, length_byte = 0, sps_byte = 0, pps_count = 0;
    if (!r.ReadU8(version) || !r.ReadU8(profile) || !r.ReadU8(compat) || !r.ReadU8(level) || !r.ReadU8(length_byte) ||
        !r.ReadU8(sps_byte)) {
        return Invalid("avcC: truncated header");
    }
    if (version != 1) return Invalid("avcC: configurationVersion is not 1");
    AvcConfig c;
    c.profile_idc = profile;
    c.profile_compatibility = compat;
    c.level_idc = level;
    c.nal_length_size = static_cast<uint8_t>((length_byte & 0x03) + 1);
    if (c.nal_length_size == 3) return Invalid("avcC: NAL length size 3 is not allowed");
    const size_t sps_count = sps_byte & 0x1f;
    if (sps_count == 0) return Invalid("avcC: no SPS");
    if (sps_count > limits.max_parameter_sets) return base::MakeError(base::ErrorCode::kLimitExceeded, "avcC: too many SPS");
    if (auto st = ReadSets(r, record, sps_count, static_cast<uint8_t>(NalType::kSps), limits, c.sps); !st.ok()) {
        return st.error();
    }
    if (!r.ReadU8(pps_count)) return Invalid("avcC: truncated PPS count");
    if (pps_count == 0) return Invalid("avcC: no PPS");
    if (sps_count + pps_count > limits.max_parameter_sets) {
        return base::MakeError(base::ErrorCode::kLimitExceeded, "avcC: too many parameter sets");
    }
    if (auto st = ReadSets(r, record, pps_count, static_cast<uint8_t>(NalType::kPps), limits, c.pps); !st.ok()) {
        return st.error();
    }
    // High-profile extensions (chroma format, bit depth, SPS-ext) may follow;
    // they repeat what the SPS says, so they are not needed here.
    return c;
}

std::vector<uint8_t> WriteAvcConfig(const AvcConfig& config) {
    std::vector<uint8_t> out;
    base::ByteWriter w(out);
    w.U8(1);
    w.U8(config.profile_idc);
    w.U8(config.profile_compatibility);
    w.U8(config.level_idc);
    w.U8(0xfc | 3);
    w.U8(static_cast<uint8_t>(0xe0 | (config.sps.size() & 0x1f)));
    for (const auto& s : config.sps) {
        w.U16(static_cast<uint16_t>(s.size()));
        w.Bytes(s.span());
    }
    w.U8(static_cast<uint8_t>(config.pps.size()));
    for (const auto& p : config.pps) {
        w.U16(static_cast<uint16_t>(p.size()));
        w.Bytes(p.span());
    }
    return out;
}

std::string CodecString(uint8_t profile_idc, uint8_t constraint_flags, uint8_t level_idc) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "avc1.%02x%02x%02x", profile_idc, constraint_flags, level_idc);
    return buf;
}

}  // namespace onair::codec::h264
