// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/control.h"

#include "onair/base/byte_reader.h"
#include "onair/proto/rtmp/message.h"

namespace onair::proto::rtmp {

namespace {

std::vector<uint8_t> U32Payload(uint32_t v) {
    std::vector<uint8_t> out;
    base::ByteWriter(out).U32(v);
    return out;
}

}  // namespace

std::vector<uint8_t> SetChunkSize(uint32_t size) { return U32Payload(size & 0x7FFFFFFFu); }
std::vector<uint8_t> Abort(uint32_t csid) { return U32Payload(csid); }
std::vector<uint8_t> Acknowledgement(uint32_t sequence_number) { return U32Payload(sequence_number); }
std::vector<uint8_t> WindowAckSize(uint32_t size) { return U32Payload(size); }

std::vector<uint8_t> SetPeerBandwidth(uint32_t size, PeerBandwidthLimit limit) {
    auto out = U32Payload(size);
    out.push_back(static_cast<uint8_t>(limit));
    return out;
}

std::vector<uint8_t> UserControl(UserControlEvent event, uint32_t value) {
    std::vector<uint8_t> out;
    base::ByteWriter w(out);
    w.U16(static_cast<uint16_t>(event));
    w.U32(value);
    return out;
}

std::vector<uint8_t> StreamBegin(uint32_t stream_id) { return UserControl(UserControlEvent::kStreamBegin, stream_id); }
std::vector<uint8_t> StreamEof(uint32_t stream_id) { return UserControl(UserControlEvent::kStreamEof, stream_id); }
std::vector<uint8_t> StreamDry(uint32_t stream_id) { return UserControl(UserControlEvent::kStreamDry, stream_id); }
std::vector<uint8_t> StreamIsRecorded(uint32_t stream_id) {
    return UserControl(UserControlEvent::kStreamIsRecorded, stream_id);
}
std::vector<uint8_t> PingRequest(uint32_t time) { return UserControl(UserControlEvent::kPingRequest, time); }
std::vector<uint8_t> PingResponse(uint32_t time) { return UserControl(UserControlEvent::kPingResponse, time); }

std::vector<uint8_t> SetBufferLength(uint32_t stream_id, uint32_t buffer_ms) {
    auto out = UserControl(UserControlEvent::kSetBufferLength, stream_id);
    base::ByteWriter(out).U32(buffer_ms);
    return out;
}

base::Result<UserControlMessage> ParseUserControl(std::span<const uint8_t> payload) {
    base::ByteReader r(payload);
    UserControlMessage m;
    if (!r.ReadU16(m.event) || !r.ReadU32(m.value)) {
        return base::MakeError(base::ErrorCode::kInvalidData, "rtmp: short user control message");
    }
    if (m.event == static_cast<uint16_t>(UserControlEvent::kSetBufferLength) && !r.ReadU32(m.value2)) {
        return base::MakeError(base::ErrorCode::kInvalidData, "rtmp: short SetBufferLength event");
    }
    return m;
}

base::Result<uint32_t> ParseControlValue(std::span<const uint8_t> payload) {
    base::ByteReader r(payload);
    uint32_t v = 0;
    if (!r.ReadU32(v)) return base::MakeError(base::ErrorCode::kInvalidData, "rtmp: short control message");
    return v;
}

void WriteControl(ChunkWriter& writer, uint8_t type, std::span<const uint8_t> payload, base::OutBuffers& out) {
    writer.Write(kControlCsid, type, 0, 0, payload, out);
}

}  // namespace onair::proto::rtmp
