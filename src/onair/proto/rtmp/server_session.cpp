// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/server_session.h"

#include "onair/proto/rtmp/aggregate.h"
#include "onair/proto/rtmp/control.h"

namespace onair::proto::rtmp {

namespace {

// The chunk stream a player's media message travels on.
uint32_t MediaCsid(uint8_t type) { return type == kAudio ? kAudioCsid : type == kVideo ? kVideoCsid : kStatusCsid; }

}  // namespace

using amf0::Value;

ServerSession::ServerSession(const SessionLimits& limits)
    : limits_(limits), reader_(limits.chunk), ack_window_(limits.window_ack_size) {}

base::Status ServerSession::Feed(std::span<const uint8_t> in, std::vector<SessionEvent>& events,
                                 base::OutBuffers& out) {
    if (!status_.ok()) return status_;
    while (!in.empty()) {
        size_t consumed = 0;
        const auto parsed = reader_.Feed(in, consumed);
        in = in.subspan(consumed);
        if (parsed == base::ParseStatus::kError) {
            status_ = reader_.error();
            return status_;
        }
        if (parsed == base::ParseStatus::kNeedMore) break;
        if (auto st = HandleMessage(reader_.TakeMessage(), events, out); !st.ok()) {
            status_ = st;
            return status_;
        }
    }
    MaybeAcknowledge(out);
    return base::Status::Ok();
}

// §5.4.3: acknowledge once the peer's window of bytes has been received.
void ServerSession::MaybeAcknowledge(base::OutBuffers& out) {
    const uint64_t received = reader_.bytes_consumed();
    if (ack_window_ == 0 || received - last_ack_ < ack_window_) return;
    last_ack_ = received;
    SendControl(kAck, Acknowledgement(static_cast<uint32_t>(received)), out);  // wraps as the spec's counter does
}

base::Status ServerSession::HandleMessage(Message message, std::vector<SessionEvent>& events,
                                          base::OutBuffers& out) {
    switch (message.type) {
        case kSetChunkSize:
        case kAbort:  // the chunk reader applied these
        case kAck:    // the peer acknowledging our bytes: nothing to do
        case kSetPeerBandwidth:
            return base::Status::Ok();
        case kWindowAckSize:
            if (auto v = ParseControlValue(message.payload.span()); v.ok() && *v > 0) ack_window_ = *v;
            return base::Status::Ok();
        case kUserControl:
            HandleUserControl(message, out);
            return base::Status::Ok();
        case kAudio:
        case kVideo:
        case kDataAmf0:
            EmitMedia(message, events);
            return base::Status::Ok();
        case kDataAmf3:
            // AMF3 data messages carry a 0x00 format byte before AMF0 values.
            if (!message.payload.empty() && message.payload[0] == 0x00) {
                message.type = kDataAmf0;
                message.payload = message.payload.Slice(1);
                EmitMedia(message, events);
            }
            return base::Status::Ok();
        case kCommandAmf0:
        case kCommandAmf3:
            return HandleCommand(message, events, out);
        case kAggregate: {
            auto parts = SplitAggregate(message);
            if (!parts.ok()) return parts.error();
            for (auto& sub : *parts) {
                if (sub.type == kAudio || sub.type == kVideo || sub.type == kDataAmf0) EmitMedia(sub, events);
            }
            return base::Status::Ok();
        }
        default:
            return base::Status::Ok();  // shared objects and unknown types are ignored
    }
}

void ServerSession::EmitMedia(const Message& message, std::vector<SessionEvent>& events) {
    events.push_back(SessionEvent{
        SessionEvent::Media{message.stream_id, message.type, message.timestamp, message.payload}});
}

void ServerSession::HandleUserControl(const Message& message, base::OutBuffers& out) {
    auto uc = ParseUserControl(message.payload.span());
    if (!uc.ok()) return;  // a short user control message is not worth a disconnect
    if (uc->event == static_cast<uint16_t>(UserControlEvent::kPingRequest)) {
        SendControl(kUserControl, PingResponse(uc->value), out);
    }
    // SetBufferLength and PingResponse need no answer.
}

void ServerSession::SendControl(uint8_t type, std::span<const uint8_t> payload, base::OutBuffers& out) {
    WriteControl(writer_, type, payload, out);
}

void ServerSession::SendResult(double transaction_id, std::span<const Value> args, base::OutBuffers& out,
                               std::string_view name) {
    const auto payload = EncodeCommand(name, transaction_id, args);
    writer_.Write(kCommandCsid, kCommandAmf0, 0, 0, std::span<const uint8_t>(payload), out);
}

void ServerSession::SendOnStatusCommand(uint32_t stream_id, Value info, base::OutBuffers& out,
                                        std::string_view name) {
    const Value args[] = {Value::Null(), std::move(info)};
    const auto payload = EncodeCommand(name, 0, args);
    writer_.Write(kStatusCsid, kCommandAmf0, 0, stream_id, std::span<const uint8_t>(payload), out);
}

void ServerSession::SendStatus(uint32_t stream_id, std::string_view level, std::string_view code,
                               std::string_view description, base::OutBuffers& out) {
    SendOnStatusCommand(stream_id,
                        Value::Object({{"level", Value::String(std::string(level))},
                                       {"code", Value::String(std::string(code))},
                                       {"description", Value::String(std::string(description))}}),
                        out);
}

void ServerSession::AcceptPublish(uint32_t stream_id, base::OutBuffers& out) {
    if (fc_publish_) {
        SendOnStatusCommand(stream_id,
                            Value::Object({{"code", Value::String("NetStream.Publish.Start")},
                                           {"description", Value::String("Started publishing stream.")}}),
                            out, "onFCPublish");
    }
    SendStatus(stream_id, "status", "NetStream.Publish.Start", "Started publishing stream.", out);
}

void ServerSession::RejectPublish(uint32_t stream_id, std::string_view code, std::string_view description,
                                  base::OutBuffers& out) {
    if (auto it = streams_.find(stream_id); it != streams_.end()) it->second = StreamState::kIdle;
    SendStatus(stream_id, "error", code, description, out);
}

void ServerSession::AcceptPlay(uint32_t stream_id, base::OutBuffers& out) {
    SendControl(kUserControl, StreamBegin(stream_id), out);
    SendStatus(stream_id, "status", "NetStream.Play.Reset", "Playing and resetting stream.", out);
    SendStatus(stream_id, "status", "NetStream.Play.Start", "Started playing stream.", out);
    // Lets Flash players read the raw audio/video data (FMS sends it after Play.Start).
    const Value access[] = {Value::Boolean(true), Value::Boolean(true)};
    const auto sample_access = EncodeData("|RtmpSampleAccess", access);
    writer_.Write(kStatusCsid, kDataAmf0, 0, stream_id, std::span<const uint8_t>(sample_access), out);
    const Value data_start[] = {Value::Object({{"code", Value::String("NetStream.Data.Start")}})};
    const auto data_start_payload = EncodeData("onStatus", data_start);
    writer_.Write(kStatusCsid, kDataAmf0, 0, stream_id, std::span<const uint8_t>(data_start_payload), out);
}

void ServerSession::RejectPlay(uint32_t stream_id, std::string_view code, std::string_view description,
                               base::OutBuffers& out) {
    if (auto it = streams_.find(stream_id); it != streams_.end()) it->second = StreamState::kIdle;
    SendStatus(stream_id, "error", code, description, out);
}

void ServerSession::SendUnpublishNotify(uint32_t stream_id, base::OutBuffers& out) {
    SendStatus(stream_id, "status", "NetStream.Play.UnpublishNotify", "The stream was unpublished.", out);
    SendControl(kUserControl, StreamEof(stream_id), out);
}

void ServerSession::SendMedia(uint32_t stream_id, uint8_t type, uint32_t timestamp,
                              std::span<const base::SharedBuffer> parts, base::OutBuffers& out) {
    writer_.Write(MediaCsid(type), type, timestamp, stream_id, parts, out);
}

void ServerSession::SendEncodedMedia(uint8_t type, const base::SharedBuffer& encoded, base::OutBuffers& out) {
    writer_.Forget(MediaCsid(type));
    out.AppendShared(encoded);
}

base::SharedBuffer EncodeStandalone(uint8_t type, uint32_t timestamp, uint32_t stream_id, uint32_t chunk_size,
                                    std::span<const base::SharedBuffer> parts) {
    // A fresh writer starts every chunk stream with a type-0 header, so the
    // bytes depend on nothing but the message and the chunk size.
    ChunkWriter writer;
    writer.SetChunkSize(chunk_size);
    base::OutBuffers out;
    if (!writer.Write(MediaCsid(type), type, timestamp, stream_id, parts, out)) return {};
    return base::SharedBuffer::Adopt(out.Flatten());
}

void ServerSession::SendPingRequest(uint32_t time, base::OutBuffers& out) {
    SendControl(kUserControl, PingRequest(time), out);
}

}  // namespace onair::proto::rtmp
