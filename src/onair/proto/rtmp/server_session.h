// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "onair/base/out_buffers.h"
#include "onair/base/result.h"
#include "onair/proto/amf0/decoder.h"
#include "onair/proto/rtmp/chunk_reader.h"
#include "onair/proto/rtmp/chunk_writer.h"
#include "onair/proto/rtmp/command.h"
#include "onair/proto/rtmp/session_event.h"

namespace onair::proto::rtmp {

struct SessionLimits {
    ChunkReaderLimits chunk;
    amf0::Limits amf;
    uint32_t out_chunk_size = 4096;      // announced after connect
    uint32_t window_ack_size = 2500000;  // announced after connect; our ack window until the peer sets one
    size_t max_streams = 16;             // createStream without deleteStream
};

/// The server side of one RTMP connection after the handshake, sans I/O:
/// bytes in, events and reply bytes out.
///
/// The session answers protocol traffic itself: acknowledgements each time
/// the peer's window is reached, ping responses, and commands as OBS,
/// ffmpeg, GStreamer and librtmp expect them (connect, releaseStream,
/// FCPublish, FCUnpublish, createStream, deleteStream, closeStream,
/// getStreamLength, checkBandwidth, _checkbw, receiveAudio/Video, pause;
/// unknown commands with a transaction id get an empty `_result`). It does
/// not decide who may publish or play: `publish` and `play` become events
/// and the server answers through Accept*/Reject*.
///
/// Replies go out on chunk stream 2 (control), 3 (connection commands),
/// 5 (stream status and data messages), 6 (audio) and 7 (video), as
/// nginx-rtmp and SRS do.
///
/// Not thread-safe; one per connection. Never throws; errors never contain
/// the stream name (it is the stream key).
class ServerSession {
public:
    explicit ServerSession(const SessionLimits& limits = {});

    /// Consumes all of `in`. Appends events and reply bytes. An error
    /// (protocol violation, limit) is final: the caller sends what is in
    /// `out` and closes; later calls return the same error.
    base::Status Feed(std::span<const uint8_t> in, std::vector<SessionEvent>& events, base::OutBuffers& out);

    /// onStatus NetStream.Publish.Start (after onFCPublish if the client sent FCPublish).
    void AcceptPublish(uint32_t stream_id, base::OutBuffers& out);
    /// onStatus with level "error" and `code` (e.g. "NetStream.Publish.BadName").
    /// ffmpeg fails on the level ("Server error: <description>"); librtmp
    /// (OBS) stops on BadName/Rejected/Denied and, in older versions, when
    /// the server closes the connection, which the caller should do next.
    void RejectPublish(uint32_t stream_id, std::string_view code, std::string_view description,
                       base::OutBuffers& out);
    /// StreamBegin, NetStream.Play.Reset, NetStream.Play.Start,
    /// |RtmpSampleAccess and NetStream.Data.Start, as FMS and SRS send them.
    void AcceptPlay(uint32_t stream_id, base::OutBuffers& out);
    /// onStatus with level "error" and `code` (e.g. "NetStream.Play.StreamNotFound").
    void RejectPlay(uint32_t stream_id, std::string_view code, std::string_view description, base::OutBuffers& out);
    /// NetStream.Play.UnpublishNotify then StreamEOF: the broadcast ended.
    void SendUnpublishNotify(uint32_t stream_id, base::OutBuffers& out);
    /// Appends a media message already chunked by EncodeStandalone() with
    /// this session's chunk size (shared by every player, not copied).
    void SendEncodedMedia(uint8_t type, const base::SharedBuffer& encoded, base::OutBuffers& out);
    uint32_t out_chunk_size() const { return writer_.chunk_size(); }
    /// One audio (8), video (9) or data (18) message to a player, chunked
    /// without copying `parts` (audio on csid 6, video on 7, data on 5).
    void SendMedia(uint32_t stream_id, uint8_t type, uint32_t timestamp, std::span<const base::SharedBuffer> parts,
                   base::OutBuffers& out);
    void SendPingRequest(uint32_t time, base::OutBuffers& out);
    /// Any onStatus message on a stream.
    void SendStatus(uint32_t stream_id, std::string_view level, std::string_view code, std::string_view description,
                    base::OutBuffers& out);

    bool connected() const { return connected_; }
    const std::string& app() const { return app_; }
    /// Chunk-stream bytes consumed so far (after the handshake).
    uint64_t bytes_received() const { return reader_.bytes_consumed(); }

private:
    enum class StreamState { kIdle, kPublishing, kPlaying };

    base::Status HandleMessage(Message message, std::vector<SessionEvent>& events, base::OutBuffers& out);
    base::Status HandleCommand(const Message& message, std::vector<SessionEvent>& events, base::OutBuffers& out);
    void HandleUserControl(const Message& message, base::OutBuffers& out);
    base::Status HandleConnect(const Command& cmd, std::vector<SessionEvent>& events, base::OutBuffers& out);
    base::Status HandleCreateStream(const Command& cmd, base::OutBuffers& out);
    base::Status HandlePublish(const Message& message, const Command& cmd, std::vector<SessionEvent>& events);
    base::Status HandlePlay(const Message& message, const Command& cmd, std::vector<SessionEvent>& events);
    void StopStream(uint32_t stream_id, std::vector<SessionEvent>& events);
    void HandleFcUnpublish(const Command& cmd, std::vector<SessionEvent>& events, base::OutBuffers& out);
    void HandlePause(const Message& message, const Command& cmd, base::OutBuffers& out);
    void EmitMedia(const Message& message, std::vector<SessionEvent>& events);

    void SendControl(uint8_t type, std::span<const uint8_t> payload, base::OutBuffers& out);
    void SendResult(double transaction_id, std::span<const amf0::Value> args, base::OutBuffers& out,
                    std::string_view name = "_result");
    void SendOnStatusCommand(uint32_t stream_id, amf0::Value info, base::OutBuffers& out,
                             std::string_view name = "onStatus");
    void MaybeAcknowledge(base::OutBuffers& out);

    SessionLimits limits_;
    ChunkReader reader_;
    ChunkWriter writer_;
    base::Status status_;
    bool connected_ = false;
    std::string app_;
    double object_encoding_ = 0;
    uint32_t ack_window_;
    uint64_t last_ack_ = 0;
    uint32_t next_stream_id_ = 1;
    std::map<uint32_t, StreamState> streams_;
    bool fc_publish_ = false;
};

/// One media message chunked on its own (type-0 header, type-3
/// continuations with the extended timestamp when needed), on the chunk
/// stream ServerSession::SendMedia uses for `type`. The bytes do not depend
/// on a connection's chunk-stream state, so they are made once and sent to
/// every player with the same chunk size and message stream id. Empty when
/// the message cannot be chunked (longer than 0xFFFFFF bytes).
base::SharedBuffer EncodeStandalone(uint8_t type, uint32_t timestamp, uint32_t stream_id, uint32_t chunk_size,
                                    std::span<const base::SharedBuffer> parts);

}  // namespace onair::proto::rtmp
