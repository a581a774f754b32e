// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "onair/base/result.h"
#include "onair/codec/h264/avc_config.h"

namespace onair::codec::h264 {

/// Calls `fn(nal)` for every NAL unit of an Annex B byte stream (start codes
/// 00 00 01 or 00 00 00 01; ITU-T H.264 Annex B). Bytes before the first
/// start code are not a NAL unit and are skipped, as are empty units and
/// the trailing zero bytes of a unit.
void ForEachAnnexBNal(std::span<const uint8_t> stream, const std::function<void(std::span<const uint8_t>)>& fn);

/// An Annex B access unit re-framed as AVCC with 4-byte lengths (the form
/// media::Packet carries). Parameter sets and access unit delimiters are
/// left out when `drop_parameter_sets` (they travel in the config).
std::vector<uint8_t> AnnexBToAvcc(std::span<const uint8_t> stream, bool drop_parameter_sets);

/// The avcC record (4-byte lengths) for the first SPS and the first PPS of
/// an Annex B stream, as an encoder's global header gives them.
/// kInvalidData without an SPS of at least 4 bytes and a PPS;
/// kLimitExceeded for a parameter set over 4096 bytes.
base::Result<std::vector<uint8_t>> AvcConfigFromAnnexB(std::span<const uint8_t> stream);

}  // namespace onair::codec::h264
