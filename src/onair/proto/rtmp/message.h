// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>

#include "onair/base/shared_buffer.h"

namespace onair::proto::rtmp {

/// One RTMP message, reassembled from chunks (RTMP spec §5.3, §6.1).
struct Message {
    uint8_t type = 0;
    uint32_t timestamp = 0;  // absolute, milliseconds, wraps at 2^32
    uint32_t stream_id = 0;  // message stream id (0: the NetConnection)
    uint32_t csid = 0;       // chunk stream it arrived on
    base::SharedBuffer payload;
};

// Message type ids (RTMP spec §5.4, §7.1).
inline constexpr uint8_t kSetChunkSize = 1;
inline constexpr uint8_t kAbort = 2;
inline constexpr uint8_t kAck = 3;
inline constexpr uint8_t kUserControl = 4;
inline constexpr uint8_t kWindowAckSize = 5;
inline constexpr uint8_t kSetPeerBandwidth = 6;
inline constexpr uint8_t kAudio = 8;
inline constexpr uint8_t kVideo = 9;
inline constexpr uint8_t kDataAmf3 = 15;
inline constexpr uint8_t kSharedObjectAmf3 = 16;
inline constexpr uint8_t kCommandAmf3 = 17;
inline constexpr uint8_t kDataAmf0 = 18;
inline constexpr uint8_t kSharedObjectAmf0 = 19;
inline constexpr uint8_t kCommandAmf0 = 20;
inline constexpr uint8_t kAggregate = 22;

/// Chunk size before any Set Chunk Size (§5.4.1).
inline constexpr uint32_t kDefaultChunkSize = 128;
/// The spec allows 31 bits; no message can exceed 0xFFFFFF bytes, so any
/// chunk size from 2^24 up behaves the same and we cap there.
inline constexpr uint32_t kMaxChunkSize = 1u << 24;
/// Largest message length a chunk header can carry (3 bytes).
inline constexpr uint32_t kMaxMessageLength = 0xFFFFFF;

/// Chunk stream ids: 2 is reserved for protocol control messages (§5.3.1.1);
/// the rest follow nginx-rtmp/SRS so peers see familiar traffic.
inline constexpr uint32_t kControlCsid = 2;
inline constexpr uint32_t kCommandCsid = 3;  // NetConnection commands and replies
inline constexpr uint32_t kStatusCsid = 5;   // NetStream onStatus and data messages
inline constexpr uint32_t kAudioCsid = 6;
inline constexpr uint32_t kVideoCsid = 7;
inline constexpr uint32_t kMinCsid = 2;
inline constexpr uint32_t kMaxCsid = 65599;  // 3-byte basic header: 64 + 0xFFFF

}  // namespace onair::proto::rtmp
