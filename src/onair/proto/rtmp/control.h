// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "onair/base/out_buffers.h"
#include "onair/base/result.h"
#include "onair/proto/rtmp/chunk_writer.h"

namespace onair::proto::rtmp {

/// Payload builders and parsers for protocol control messages (RTMP spec
/// §5.4, types 1-6) and user control events (§6.2, §7.1.7, type 4).

enum class PeerBandwidthLimit : uint8_t { kHard = 0, kSoft = 1, kDynamic = 2 };

enum class UserControlEvent : uint16_t {
    kStreamBegin = 0,
    kStreamEof = 1,
    kStreamDry = 2,
    kSetBufferLength = 3,  // client -> server: stream id + buffer ms
    kStreamIsRecorded = 4,
    kPingRequest = 6,
    kPingResponse = 7,
};

std::vector<uint8_t> SetChunkSize(uint32_t size);  // type 1; top bit cleared
std::vector<uint8_t> Abort(uint32_t csid);         // type 2
std::vector<uint8_t> Acknowledgement(uint32_t sequence_number);  // type 3
std::vector<uint8_t> WindowAckSize(uint32_t size);              // type 5
std::vector<uint8_t> SetPeerBandwidth(uint32_t size, PeerBandwidthLimit limit);  // type 6

/// Type 4: event type (2 bytes) + value (4 bytes) [+ second value, SetBufferLength only].
std::vector<uint8_t> UserControl(UserControlEvent event, uint32_t value);
std::vector<uint8_t> StreamBegin(uint32_t stream_id);
std::vector<uint8_t> StreamEof(uint32_t stream_id);
std::vector<uint8_t> StreamDry(uint32_t stream_id);
std::vector<uint8_t> StreamIsRecorded(uint32_t stream_id);
std::vector<uint8_t> SetBufferLength(uint32_t stream_id, uint32_t buffer_ms);
std::vector<uint8_t> PingRequest(uint32_t time);
std::vector<uint8_t> PingResponse(uint32_t time);

struct UserControlMessage {
    uint16_t event = 0;  // a UserControlEvent, or an unknown one
    uint32_t value = 0;
    uint32_t value2 = 0;  // SetBufferLength's buffer length
};

/// Errors (kInvalidData) when the payload is shorter than the event needs.
base::Result<UserControlMessage> ParseUserControl(std::span<const uint8_t> payload);
/// The 4-byte big-endian value of types 1, 2, 3, 5 and 6.
base::Result<uint32_t> ParseControlValue(std::span<const uint8_t> payload);

/// Writes a control message where §5.4 puts them: chunk stream 2, message
/// stream 0, timestamp 0.
void WriteControl(ChunkWriter& writer, uint8_t type, std::span<const uint8_t> payload, base::OutBuffers& out);

}  // namespace onair::proto::rtmp
