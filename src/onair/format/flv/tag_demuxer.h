// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>

#include "onair/base/result.h"
#include "onair/base/shared_buffer.h"
#include "onair/media/packet.h"

namespace onair::format::flv {

/// What one FLV tag body turned into.
struct Demuxed {
    enum class Kind : uint8_t {
        kNone,    // nothing to forward (end of sequence, info frames, empty frames)
        kConfig,  // `config` holds a new codec configuration
        kPacket,  // `packet` holds one access unit
    };
    Kind kind = Kind::kNone;
    media::CodecConfig config;
    media::Packet packet;
};

/// Turns FLV VIDEODATA/AUDIODATA bodies (RTMP message types 9 and 8) into
/// neutral codec configurations and packets, without copying payloads
/// where the bytes can be shared as they are.
///
/// H.264 (codec id 7) and AAC (sound format 10) are carried. Anything else,
/// Enhanced RTMP FourCC video (HEVC, AV1, VP9) included, is kUnsupported:
/// the caller stops the publish with a clear message. A malformed frame is
/// kInvalidData: the caller drops it and the stream goes on.
///
/// Timestamps: RTMP milliseconds in, 90 kHz out (not yet monotonic; see
/// media::TimestampNormalizer). Not thread-safe; one per publisher.
class TagDemuxer {
public:
    base::Result<Demuxed> Video(const base::SharedBuffer& body, uint32_t timestamp_ms);
    base::Result<Demuxed> Audio(const base::SharedBuffer& body, uint32_t timestamp_ms);

    bool has_video_config() const { return nal_length_size_ != 0; }
    bool has_audio_config() const { return has_audio_config_; }

private:
    uint8_t nal_length_size_ = 0;  // 0 until an AVC sequence header arrived
    bool has_audio_config_ = false;
};

}  // namespace onair::format::flv
