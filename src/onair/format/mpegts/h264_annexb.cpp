// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mpegts/h264_annexb.h"

#include <array>

#include "onair/codec/h264/nal.h"

namespace onair::format::mpegts {

namespace {
using codec::h264::NalType;
using codec::h264::NalTypeOf;

constexpr std::array<uint8_t, 4> kStartCode{0x00, 0x00, 0x00, 0x01};
// Start code + access unit delimiter, primary_pic_type 7 (any slice type)
// followed by the RBSP stop bit.
constexpr std::array<uint8_t, 6> kStartCodeAndAud{0x00, 0x00, 0x00, 0x01, 0x09, 0xF0};

bool Is(std::span<const uint8_t> nal, NalType type) {
    return !nal.empty() && NalTypeOf(nal[0]) == static_cast<uint8_t>(type);
}
}  // namespace

void H264AnnexB::SetParameterSets(std::vector<base::SharedBuffer> sps, std::vector<base::SharedBuffer> pps) {
    sps_ = std::move(sps);
    pps_ = std::move(pps);
}

base::Status H264AnnexB::Append(std::span<const uint8_t> avcc, bool keyframe, PayloadChain& chain) {
    nals_.clear();
    bool has_sps = false;
    bool has_pps = false;
    bool has_idr = false;
    auto status = codec::h264::ForEachNal(avcc, 4, [&](std::span<const uint8_t> nal) {
        nals_.push_back(nal);
        has_sps = has_sps || Is(nal, NalType::kSps);
        has_pps = has_pps || Is(nal, NalType::kPps);
        has_idr = has_idr || Is(nal, NalType::kIdr);
    });
    if (!status.ok()) return status.error().Wrap("h264 access unit");
    if (nals_.empty()) return base::MakeError(base::ErrorCode::kInvalidData, "h264 access unit: no NAL unit");

    size_t first = 0;
    if (Is(nals_[0], NalType::kAud)) {
        chain.Append(kStartCode);
        chain.Append(nals_[0]);
        first = 1;
    } else {
        chain.Append(kStartCodeAndAud);
    }
    if ((has_idr || keyframe) && !(has_sps && has_pps)) {
        for (const auto& s : sps_) {
            chain.Append(kStartCode);
            chain.Append(s.span());
        }
        for (const auto& p : pps_) {
            chain.Append(kStartCode);
            chain.Append(p.span());
        }
    }
    for (size_t i = first; i < nals_.size(); ++i) {
        if (Is(nals_[i], NalType::kAud)) continue;  // only one AUD, and only first
        chain.Append(kStartCode);
        chain.Append(nals_[i]);
    }
    return base::Status::Ok();
}

}  // namespace onair::format::mpegts
