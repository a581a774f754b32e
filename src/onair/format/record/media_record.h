// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "onair/base/result.h"
#include "onair/base/shared_buffer.h"
#include "onair/media/packet.h"

namespace onair::format::record {

/// The versioned binary record that carries media between processes (topic
/// onair.media, one Kafka message a record). The wire layout, the
/// compatibility rule and the limits are in docs/MEDIA_RECORDS.md.
enum class RecordType : uint8_t {
    kPacket = 1,
    kVideoConfig = 2,
    kAudioConfig = 3,
    kMetadata = 4,
    kEnd = 5,
    /// The channel's ABR ladder (JSON text, as the manager holds it), written
    /// with the configs before every segment start; absent: the
    /// transcoder's own default.
    kLadder = 6,
};

/// The record type that carries a codec config of `kind`.
constexpr RecordType ConfigRecordType(media::TrackKind kind) {
    return kind == media::TrackKind::kVideo ? RecordType::kVideoConfig : RecordType::kAudioConfig;
}

inline constexpr uint8_t kMagic = 0x6F;  // 'o'
inline constexpr uint8_t kVersion = 1;

// Limits, checked by CheckMediaRecord and by the decoder.
inline constexpr size_t kMaxHeaderBytes = 4096;
inline constexpr size_t kMaxPayloadBytes = size_t{16} << 20;
inline constexpr size_t kMaxBroadcastIdBytes = 64;
inline constexpr size_t kMaxChannelBytes = 255;
inline constexpr size_t kMaxEndReasonBytes = 64;
inline constexpr size_t kMaxCodecStringBytes = 255;
inline constexpr size_t kMaxRenditionBytes = 32;
inline constexpr size_t kMaxLadderBytes = 16 * 1024;
/// |dts| and |pts| at most this (2^52 ticks, 1.5 millennia at 90 kHz): no
/// sum or difference of two timestamps can overflow downstream.
inline constexpr int64_t kMaxTimestamp = int64_t{1} << 52;
/// A PTS may precede its DTS by at most this (FLV allows a negative
/// composition offset; more than 10 s is no real stream).
inline constexpr int64_t kMaxPtsBeforeDts = 10 * media::kTimescale;

/// One record. The string views point into the bytes the record was decoded
/// from (or that the producer owns): valid while those live.
struct MediaRecord {
    RecordType type = RecordType::kPacket;
    /// Per broadcast, from 0, +1 for every record the ingest produced
    /// (dropped ones too): a jump is a gap.
    uint64_t sequence = 0;
    /// When the ingest received it, ms since the epoch (= the Kafka message
    /// timestamp).
    int64_t wallclock_ms = 0;
    std::string_view broadcast_id;  // also the Kafka key; 1..64 bytes
    std::string_view channel;       // 1..255 bytes
    media::Packet packet;           // kPacket (packet.payload: the access unit)
    media::CodecConfig config;      // kVideoConfig / kAudioConfig (config.extradata as payload)
    base::SharedBuffer metadata;    // kMetadata: AMF0 onMetaData body
    std::string_view end_reason;    // kEnd, e.g. "publisher_left"; <= 64 bytes
    /// Empty: the source as published (topic onair.media). Else the name of
    /// a transcoded rendition ("720p"; topic onair.renditions), whose
    /// records the transcoder numbers per broadcast and rendition.
    std::string_view rendition;     // <= 32 bytes
    base::SharedBuffer ladder;      // kLadder: JSON text, <= 16 KiB
};

/// The limits a record must meet to be encoded (the decoder refuses a
/// record that breaks them): kInvalidData or kLimitExceeded naming the field.
/// A producer checks before AppendEncoded and drops (counts) what fails.
base::Status CheckMediaRecord(const MediaRecord& record);

/// Bytes AppendEncoded appends.
size_t EncodedSize(const MediaRecord& record);
/// Appends the record, exactly EncodedSize bytes (version 1, flags 0). For a
/// record CheckMediaRecord refuses, the bytes are not meaningful.
void AppendEncoded(const MediaRecord& record, std::vector<uint8_t>& out);

/// Decodes one record (a whole Kafka message value). Payloads are slices of
/// `value` (no copy) and the string views point into its bytes: keep `value`
/// alive while the record is used (an end record has no payload that would
/// hold it). Errors, never exceptions:
///  - kUnsupported: a well-formed record of a type this reader does not know
///    (a newer writer's): skip it and count it as such (IsUnknownType);
///  - kInvalidData: malformed, or a version this reader does not know;
///  - kLimitExceeded: beyond one of the limits above.
base::Result<MediaRecord> DecodeMediaRecord(const base::SharedBuffer& value);

/// True for DecodeMediaRecord's "record of an unknown type" error.
inline bool IsUnknownType(const base::Error& error) { return error.code == base::ErrorCode::kUnsupported; }

}  // namespace onair::format::record
