// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "onair/base/out_buffers.h"
#include "onair/format/flv/tag_demuxer.h"
#include "onair/proto/rtmp/server_session.h"
#include "onair/router/player_queue.h"
#include "onair/runtime/logger.h"
#include "onair/server/server_context.h"

namespace onair::server::rtmp {

/// One RTMP client: a publisher or a player. Runs as coroutines on one
/// single-threaded io_context: a reader (bytes -> ServerSession -> events),
/// a writer (control replies and player media, one gather write at a time)
/// and a watchdog (handshake, idle and stalled-write timeouts).
class RtmpConnection : public std::enable_shared_from_this<RtmpConnection> {
public:
    RtmpConnection(boost::asio::ip::tcp::socket socket, ServerContext& ctx);
    ~RtmpConnection();

    boost::asio::awaitable<void> Run();
    boost::asio::any_io_executor Executor() { return socket_.get_executor(); }

private:
    using Clock = std::chrono::steady_clock;

    boost::asio::awaitable<bool> Handshake();
    boost::asio::awaitable<void> ReadLoop();
    boost::asio::awaitable<void> WriteLoop();
    boost::asio::awaitable<void> Watchdog();

    void HandleEvent(proto::rtmp::SessionEvent& event);
    void OnConnect(const proto::rtmp::SessionEvent& event);
    void OnPublish(uint32_t stream_id, const std::string& name);
    void OnPlay(uint32_t stream_id, const std::string& name);
    void OnMedia(uint8_t type, uint32_t timestamp, const base::SharedBuffer& payload);
    void OnMetadata(const base::SharedBuffer& payload);
    void OnVerdict(uint32_t stream_id, server::PublishVerdict verdict);
    void StopPublishing(store::EndReason reason);
    void ReportPublisher();
    void StopPlaying();
    void AppendPlayerItems();
    void Wake();
    /// Closes the connection; a publisher's broadcast ends for `end` (what
    /// the manager is told) unless the client unpublished first.
    void Close(std::string_view reason, store::EndReason end = store::EndReason::kUnexpected);
    void CloseAfterFlush(std::string_view reason);

    boost::asio::ip::tcp::socket socket_;
    ServerContext& ctx_;
    runtime::Logger log_;
    std::string client_ip_;
    uint16_t client_port_ = 0;
    proto::rtmp::ServerSession session_;
    base::OutBuffers pending_;
    boost::asio::steady_timer wake_;
    boost::asio::steady_timer coalesce_;
    bool closed_ = false;
    bool close_after_flush_ = false;
    std::string app_;
    Clock::time_point started_ = Clock::now();
    Clock::time_point last_read_ = Clock::now();
    Clock::time_point last_write_progress_ = Clock::now();
    bool handshake_done_ = false;
    bool write_in_flight_ = false;

    // Publisher state.
    bool verifying_ = false;            // a publish is with the manager
    struct HeldMedia {
        uint8_t type;
        uint32_t timestamp;
        base::SharedBuffer payload;
    };
    // Media a client sends before the manager's answer (most wait for it;
    // some do not): replayed once accepted, so the sequence headers are not
    // lost. Bounded; beyond the bound the publisher is closed.
    std::vector<HeldMedia> held_media_;
    size_t held_bytes_ = 0;
    std::string manager_broadcast_id_;  // the manager's id of this publish session
    uint64_t publisher_id_ = 0;
    Clock::time_point publish_started_{};
    Clock::time_point last_media_{};
    Clock::time_point last_report_{};
    uint64_t video_frames_ = 0, video_bytes_ = 0, audio_bytes_ = 0, bytes_in_ = 0;
    uint64_t reported_video_frames_ = 0, reported_video_bytes_ = 0, reported_audio_bytes_ = 0;
    std::shared_ptr<router::Broadcast> broadcast_;
    format::flv::TagDemuxer demuxer_;
    uint64_t invalid_frames_ = 0;
    bool long_gop_warned_ = false;

    // Player state.
    std::shared_ptr<router::PlayerQueue> queue_;
    std::shared_ptr<router::Broadcast> play_broadcast_;
    uint32_t play_stream_id_ = 0;
    std::shared_ptr<const media::CodecConfig> play_audio_config_;
    uint32_t last_sent_ms_ = 0;
};

}  // namespace onair::server::rtmp
