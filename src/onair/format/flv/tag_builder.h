// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "onair/base/shared_buffer.h"
#include "onair/media/packet.h"

namespace onair::format::flv {

/// FLV tag bodies for RTMP players, built from neutral packets. The headers
/// are sent as a separate piece in front of the shared payload, so a
/// packet's bytes are never copied per player.

/// 0x17 0x00 000000 + avcC.
base::SharedBuffer VideoSequenceHeaderTag(const media::CodecConfig& video);
/// 0xAF 0x00 + AudioSpecificConfig.
base::SharedBuffer AudioSequenceHeaderTag(const media::CodecConfig& audio);
/// The 5 bytes before an AVC frame: frame type, AVCPacketType 1 and the
/// composition time ((pts - dts) in ms, SI24). Common headers are shared
/// (per thread), so this does not allocate per call in steady state.
base::SharedBuffer VideoTagHeader(const media::Packet& packet);
/// The 2 bytes before a raw AAC frame (0xAF 0x01); one shared buffer.
base::SharedBuffer AudioTagHeader(const media::CodecConfig& audio);

}  // namespace onair::format::flv
