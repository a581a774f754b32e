// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "onair/format/mp4/box_writer.h"
#include "onair/media/packet.h"

namespace onair::format::mp4 {

/// Writes the sample entry (an stsd entry) of `config`: `avc1` with its
/// avcC record (ISO/IEC 14496-15 5.4.2) for H.264, `mp4a` with an `esds`
/// carrying the AudioSpecificConfig (ISO/IEC 14496-14 5.6) for AAC.
/// `track_id` is the ES_ID of the esds. Other codecs are not written (the
/// callers only carry these two).
void WriteSampleEntry(BoxWriter& w, const media::CodecConfig& config, uint32_t track_id);

/// Descriptor tags of ISO/IEC 14496-1 used in esds.
inline constexpr uint8_t kEsDescrTag = 0x03;
inline constexpr uint8_t kDecoderConfigDescrTag = 0x04;
inline constexpr uint8_t kDecSpecificInfoTag = 0x05;
inline constexpr uint8_t kSlConfigDescrTag = 0x06;
/// objectTypeIndication of MPEG-4 audio (AAC), streamType audio.
inline constexpr uint8_t kObjectTypeMpeg4Audio = 0x40;
inline constexpr uint8_t kStreamTypeAudio = 0x05;

}  // namespace onair::format::mp4
