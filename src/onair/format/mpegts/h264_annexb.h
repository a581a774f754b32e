// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "onair/base/result.h"
#include "onair/base/shared_buffer.h"
#include "onair/format/mpegts/payload_chain.h"

namespace onair::format::mpegts {

/// Turns AVCC access units (4-byte lengths, as in media::Packet) into the
/// byte stream format of H.264 Annex B that MPEG-TS carries:
///  - every NAL unit gets a 4-byte start code (00 00 00 01);
///  - an access unit delimiter (09 F0: primary_pic_type "any") comes first,
///    unless the unit already starts with one (misplaced AUDs are dropped);
///  - the SPS and PPS of the avcC follow the AUD on every IDR (or keyframe)
///    access unit that does not carry both itself, so each segment, and
///    each keyframe, decodes on its own.
/// Nothing is copied: the chain references the packet payload, the
/// parameter sets and static start codes.
class H264AnnexB {
public:
    /// Parameter sets to insert (NAL units with their header byte).
    void SetParameterSets(std::vector<base::SharedBuffer> sps, std::vector<base::SharedBuffer> pps);

    /// Appends the Annex B form of `avcc` to `chain`. `avcc` must stay
    /// alive while the chain is read. kInvalidData when a length runs past
    /// the end or the unit holds no NAL unit.
    base::Status Append(std::span<const uint8_t> avcc, bool keyframe, PayloadChain& chain);

private:
    std::vector<base::SharedBuffer> sps_;
    std::vector<base::SharedBuffer> pps_;
    std::vector<std::span<const uint8_t>> nals_;  // scratch, reused
};

}  // namespace onair::format::mpegts
