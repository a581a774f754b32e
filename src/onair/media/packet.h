// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <string>

#include "onair/base/shared_buffer.h"

namespace onair::media {

/// All media timestamps are in this clock (MPEG's 90 kHz), so TS/HLS need no
/// conversion and RTMP milliseconds convert exactly (ms * 90).
inline constexpr int64_t kTimescale = 90000;
inline constexpr int64_t MsToTicks(int64_t ms) { return ms * 90; }
inline constexpr int64_t TicksToMs(int64_t ticks) { return ticks / 90; }

enum class TrackKind : uint8_t { kVideo = 0, kAudio = 1 };
enum class Codec : uint8_t { kUnknown = 0, kH264 = 1, kAac = 2 };

const char* CodecName(Codec codec);

/// One access unit of one track, in a protocol-neutral form. Nothing past
/// the ingest sees RTMP or FLV.
///
/// Payload formats:
///  - H.264: AVCC, NAL units each prefixed by a 4-byte big-endian length
///    (normalised at ingest whatever lengthSizeMinusOne the source used).
///  - AAC: one raw AAC frame (no ADTS header).
struct Packet {
    TrackKind kind = TrackKind::kVideo;
    Codec codec = Codec::kUnknown;
    int64_t dts = 0;  // 90 kHz, monotonic per broadcast (made so at ingest)
    int64_t pts = 0;  // 90 kHz, >= dts for well-formed streams
    bool keyframe = false;
    /// >= 0 on a video keyframe (or on an audio packet in audio-only streams)
    /// where segment number `segment_start` begins. Decided once, upstream
    /// (packager::Segmenter), and carried with the packet so every packager
    /// produces the same media sequence numbers.
    int64_t segment_start = -1;
    /// Stamped with segment_start, by the same Segmenter, so that a packager
    /// that starts at any segment lists it as one that saw the broadcast
    /// from its start does (0 on other packets):
    ///  - how many earlier segments of the broadcast start with a
    ///    discontinuity: the EXT-X-DISCONTINUITY-SEQUENCE of a playlist
    ///    whose first segment is this one;
    ///  - the longest earlier segment (90 kHz, from its start's DTS to the
    ///    next start's), which EXT-X-TARGETDURATION keeps covering.
    int64_t discontinuity_sequence = 0;
    int64_t longest_segment = 0;
    /// Set on the first packet after a takeover or republish: timestamps may
    /// jump and codec configuration may change here.
    bool discontinuity = false;
    /// When the ingest received it, ms since the epoch; 0 unknown. Set once,
    /// upstream (router::Broadcast::Push), so the EXT-X-PROGRAM-DATE-TIME
    /// that packagers take from a segment's first packet is the same on
    /// every packager, whenever it received the packet (and the log can be
    /// searched by time, and latency measured).
    int64_t wallclock_ms = 0;
    base::SharedBuffer payload;
};

/// Codec configuration of one track, carried separately from packets.
struct CodecConfig {
    TrackKind kind = TrackKind::kVideo;
    Codec codec = Codec::kUnknown;
    /// H.264: AVCDecoderConfigurationRecord (avcC). AAC: AudioSpecificConfig.
    base::SharedBuffer extradata;
    // Parsed, for playlists and stats.
    int width = 0;
    int height = 0;
    int sample_rate = 0;
    int channels = 0;
    std::string codec_string;  // RFC 6381, e.g. "avc1.64001f", "mp4a.40.2"

    bool operator==(const CodecConfig& o) const {
        return kind == o.kind && codec == o.codec && extradata.view() == o.extradata.view();
    }
};

}  // namespace onair::media
