// SPDX-License-Identifier: Apache-2.0
// ServerSession: NetConnection and NetStream commands (RTMP spec §7.2).
#include <algorithm>
#include <string>

#include "onair/proto/rtmp/control.h"
#include "onair/proto/rtmp/server_session.h"

namespace onair::proto::rtmp {

using amf0::Value;

namespace {

// "rtmp://host:1935/live/sub?x=1" -> "live/sub?x=1".
std::string AppFromTcUrl(std::string_view tc_url) {
    const auto scheme = tc_url.find("://");
    if (scheme == std::string_view::npos) return {};
    const auto slash = tc_url.find('/', scheme + 3);
    if (slash == std::string_view::npos) return {};
    return std::string(tc_url.substr(slash + 1));
}

const Value* Arg(const Command& cmd, size_t i) { return i < cmd.args.size() ? &cmd.args[i] : nullptr; }

base::Error ProtocolError(std::string message) {
    return base::MakeError(base::ErrorCode::kInvalidData, "rtmp session: " + std::move(message));
}

// Replies from the client to us, and notifications: never answered, or two
// peers could bounce `_result`s forever.
bool IsResponseOrNotification(std::string_view name) {
    return name == "_result" || name == "_error" || name.starts_with("on");
}

}  // namespace

base::Status ServerSession::HandleCommand(const Message& message, std::vector<SessionEvent>& events,
                                          base::OutBuffers& out) {
    auto parsed = ParseCommand(message, limits_.amf);
    if (!parsed.ok()) return parsed.error().Wrap("rtmp session");
    const Command& cmd = *parsed;
    const std::string_view name = cmd.name;
    const Value kNoArgs[] = {Value::Null(), Value::Undefined()};

    if (name == "connect") return HandleConnect(cmd, events, out);
    if (name == "createStream") return HandleCreateStream(cmd, out);
    if (name == "publish") return HandlePublish(message, cmd, events);
    if (name == "play") return HandlePlay(message, cmd, events);
    if (name == "deleteStream") {
        if (const Value* id = Arg(cmd, 1); id && id->IsNumber() && id->AsNumber() >= 0 &&
                                           id->AsNumber() <= double{UINT32_MAX}) {
            const auto stream_id = static_cast<uint32_t>(id->AsNumber());
            StopStream(stream_id, events);
            streams_.erase(stream_id);
        }
        return base::Status::Ok();  // no reply, as FMS
    }
    if (name == "closeStream") {
        StopStream(message.stream_id, events);
        return base::Status::Ok();
    }
    if (name == "FCPublish" || name == "releaseStream") {
        // Sent by FMLE-style encoders (OBS, ffmpeg) before createStream;
        // answered like nginx-rtmp/SRS. The publish name is handled at `publish`.
        if (name == "FCPublish") fc_publish_ = true;
        if (cmd.transaction_id > 0) SendResult(cmd.transaction_id, kNoArgs, out);
        return base::Status::Ok();
    }
    if (name == "FCUnpublish") {
        HandleFcUnpublish(cmd, events, out);
        return base::Status::Ok();
    }
    if (name == "getStreamLength") {
        const Value args[] = {Value::Null(), Value::Number(0)};  // live: no duration
        if (cmd.transaction_id > 0) SendResult(cmd.transaction_id, args, out);
        return base::Status::Ok();
    }
    if (name == "pause") {
        HandlePause(message, cmd, out);
        return base::Status::Ok();
    }
    if (name == "receiveAudio" || name == "receiveVideo") return base::Status::Ok();  // no reply (§7.2.2.2/3)
    if (IsResponseOrNotification(name)) return base::Status::Ok();
    // checkBandwidth, _checkbw and anything unknown: an empty `_result`
    // keeps clients that wait for one going; notifications get nothing.
    if (cmd.transaction_id > 0) SendResult(cmd.transaction_id, kNoArgs, out);
    return base::Status::Ok();
}

base::Status ServerSession::HandleConnect(const Command& cmd, std::vector<SessionEvent>& events,
                                          base::OutBuffers& out) {
    if (connected_) {
        const Value args[] = {Value::Null(),
                              Value::Object({{"level", Value::String("error")},
                                             {"code", Value::String("NetConnection.Connect.Rejected")},
                                             {"description", Value::String("Already connected.")}})};
        SendResult(cmd.transaction_id, args, out, "_error");
        return base::Status::Ok();
    }
    const Value* object = Arg(cmd, 0);
    const Value command_object = object ? *object : Value::Null();
    SessionEvent::Connect event;
    event.tc_url = std::string(command_object.GetString("tcUrl", command_object.GetString("tcurl")));
    event.flash_ver = std::string(command_object.GetString("flashVer", command_object.GetString("flashver")));
    event.app = std::string(command_object.GetString("app"));
    if (event.app.empty()) event.app = AppFromTcUrl(event.tc_url);
    event.command_object = command_object;
    object_encoding_ = command_object.GetNumber("objectEncoding", 0);
    app_ = event.app;
    connected_ = true;

    // The order FMS and nginx-rtmp use: window, peer bandwidth, chunk size, _result.
    SendControl(kWindowAckSize, WindowAckSize(limits_.window_ack_size), out);
    SendControl(kSetPeerBandwidth, SetPeerBandwidth(limits_.window_ack_size, PeerBandwidthLimit::kDynamic), out);
    // Announce exactly what the writer will use (it clamps to 1..2^24).
    const uint32_t chunk_size = std::clamp<uint32_t>(limits_.out_chunk_size, 1, kMaxChunkSize);
    SendControl(kSetChunkSize, SetChunkSize(chunk_size), out);
    writer_.SetChunkSize(chunk_size);
    const Value args[] = {
        Value::Object({{"fmsVer", Value::String("FMS/3,0,1,123")}, {"capabilities", Value::Number(31)}}),
        Value::Object({{"level", Value::String("status")},
                       {"code", Value::String("NetConnection.Connect.Success")},
                       {"description", Value::String("Connection succeeded.")},
                       {"objectEncoding", Value::Number(object_encoding_)}}),
    };
    SendResult(cmd.transaction_id, args, out);
    events.push_back(SessionEvent{std::move(event)});
    return base::Status::Ok();
}

base::Status ServerSession::HandleCreateStream(const Command& cmd, base::OutBuffers& out) {
    if (!connected_) return ProtocolError("createStream before connect");
    if (streams_.size() >= limits_.max_streams) return ProtocolError("too many streams");
    const uint32_t id = next_stream_id_++;
    streams_[id] = StreamState::kIdle;
    const Value args[] = {Value::Null(), Value::Number(id)};
    SendResult(cmd.transaction_id, args, out);
    return base::Status::Ok();
}

base::Status ServerSession::HandlePublish(const Message& message, const Command& cmd,
                                          std::vector<SessionEvent>& events) {
    if (!connected_) return ProtocolError("publish before connect");
    auto it = streams_.find(message.stream_id);
    if (it == streams_.end()) return ProtocolError("publish on a stream that was not created");
    if (it->second != StreamState::kIdle) return ProtocolError("publish on a stream already in use");
    const Value* name = Arg(cmd, 1);
    if (!name || !name->IsString()) return ProtocolError("publish without a stream name");
    const Value* type = Arg(cmd, 2);
    it->second = StreamState::kPublishing;
    events.push_back(SessionEvent{SessionEvent::Publish{
        message.stream_id, name->AsString(), (type && type->IsString()) ? type->AsString() : std::string("live")}});
    return base::Status::Ok();
}

base::Status ServerSession::HandlePlay(const Message& message, const Command& cmd,
                                       std::vector<SessionEvent>& events) {
    if (!connected_) return ProtocolError("play before connect");
    auto it = streams_.find(message.stream_id);
    if (it == streams_.end()) return ProtocolError("play on a stream that was not created");
    if (it->second != StreamState::kIdle) return ProtocolError("play on a stream already in use");
    const Value* name = Arg(cmd, 1);
    if (!name || !name->IsString()) return ProtocolError("play without a stream name");
    it->second = StreamState::kPlaying;
    events.push_back(SessionEvent{SessionEvent::Play{message.stream_id, name->AsString()}});
    return base::Status::Ok();
}

void ServerSession::StopStream(uint32_t stream_id, std::vector<SessionEvent>& events) {
    auto it = streams_.find(stream_id);
    if (it == streams_.end()) return;
    if (it->second == StreamState::kPublishing) events.push_back(SessionEvent{SessionEvent::Unpublish{stream_id}});
    if (it->second == StreamState::kPlaying) events.push_back(SessionEvent{SessionEvent::DeletePlay{stream_id}});
    it->second = StreamState::kIdle;
}

void ServerSession::HandleFcUnpublish(const Command& cmd, std::vector<SessionEvent>& events,
                                      base::OutBuffers& out) {
    // FCUnpublish names the stream, not its id; a connection publishes one
    // stream in practice, so stop the publishing one.
    uint32_t stream_id = 0;
    for (const auto& [id, state] : streams_) {
        if (state == StreamState::kPublishing) {
            stream_id = id;
            break;
        }
    }
    if (stream_id != 0) StopStream(stream_id, events);
    SendOnStatusCommand(0,
                        Value::Object({{"code", Value::String("NetStream.Unpublish.Success")},
                                       {"description", Value::String("Stop publishing stream.")}}),
                        out, "onFCUnpublish");
    const Value args[] = {Value::Null(), Value::Undefined()};
    if (cmd.transaction_id > 0) SendResult(cmd.transaction_id, args, out);
}

void ServerSession::HandlePause(const Message& message, const Command& cmd, base::OutBuffers& out) {
    // Live streams cannot pause; confirm as FMS does so players update their UI.
    const Value* flag = Arg(cmd, 1);
    const bool pause = flag && flag->AsBoolean();
    SendStatus(message.stream_id, "status", pause ? "NetStream.Pause.Notify" : "NetStream.Unpause.Notify",
               pause ? "Paused live stream." : "Unpaused live stream.", out);
}

}  // namespace onair::proto::rtmp
