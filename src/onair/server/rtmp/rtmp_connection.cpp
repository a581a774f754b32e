// SPDX-License-Identifier: Apache-2.0
#include "onair/server/rtmp/rtmp_connection.h"

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <random>

#include "onair/format/flv/tag_builder.h"
#include "onair/proto/rtmp/handshake.h"
#include "onair/server/rtmp/media_chunk_cache.h"

namespace onair::server::rtmp {

namespace asio = boost::asio;
using asio::awaitable;
using server::BroadcastStats;
using server::PublishAttempt;
using server::PublishVerdict;
constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);

namespace {

constexpr size_t kPlayerReadBuffer = 512;
constexpr size_t kMaxHeldMessages = 1024;
constexpr size_t kMaxHeldBytes = 16u << 20;
constexpr size_t kPublisherReadBuffer = 65536;

proto::rtmp::SessionLimits MakeLimits(const runtime::Config& config) {
    proto::rtmp::SessionLimits limits;
    limits.chunk.max_message_size = config.rtmp.max_message_size;
    limits.chunk.max_chunk_streams = config.rtmp.max_chunk_streams;
    limits.out_chunk_size = config.rtmp.chunk_size;
    return limits;
}

// "live?x=1" -> "live"; "key?token" -> "key".
std::string_view StripQuery(std::string_view s) {
    const auto q = s.find('?');
    return q == std::string_view::npos ? s : s.substr(0, q);
}

void FillRandom(std::span<uint8_t> out) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    for (auto& b : out) b = static_cast<uint8_t>(rng());
}

}  // namespace

RtmpConnection::RtmpConnection(asio::ip::tcp::socket socket, ServerContext& ctx)
    : socket_(std::move(socket)),
      ctx_(ctx),
      log_("rtmp"),
      session_(MakeLimits(ctx.config)),
      wake_(socket_.get_executor()),
      coalesce_(socket_.get_executor()) {
    boost::system::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) {
        client_ip_ = ep.address().to_string();
        client_port_ = ep.port();
    }
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    ctx_.counters.rtmp_connections.Inc();
}

RtmpConnection::~RtmpConnection() {
    // Destroyed without Close(): the server is shutting down under it.
    if (!manager_broadcast_id_.empty()) ctx_.gate.Ended(std::move(manager_broadcast_id_), store::EndReason::kServerShutdown);
    ctx_.counters.rtmp_connections.Dec();
}

awaitable<void> RtmpConnection::Run() {
    auto self = shared_from_this();
    auto ex = socket_.get_executor();
    asio::co_spawn(ex, [](std::shared_ptr<RtmpConnection> s) -> awaitable<void> { co_await s->Watchdog(); }(self),
                   asio::detached);
    if (!co_await Handshake()) {
        Close("handshake failed");
        co_return;
    }
    handshake_done_ = true;
    asio::co_spawn(ex, [](std::shared_ptr<RtmpConnection> s) -> awaitable<void> { co_await s->WriteLoop(); }(self),
                   asio::detached);
    co_await ReadLoop();
    if (!close_after_flush_) Close("client closed the connection");
}

awaitable<bool> RtmpConnection::Handshake() {
    proto::rtmp::ServerHandshake handshake(FillRandom, 0);
    std::array<uint8_t, 4096> buf{};
    std::vector<uint8_t> out;
    for (;;) {
        auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buf), kTuple);
        if (ec) co_return false;
        last_read_ = Clock::now();
        ctx_.counters.rtmp_bytes_received.Inc(n);
        std::span<const uint8_t> in(buf.data(), n);
        while (!in.empty()) {
            size_t consumed = 0;
            out.clear();
            const auto status = handshake.Feed(in, consumed, out);
            in = in.subspan(consumed);
            if (!out.empty()) {
                auto [wec, wn] = co_await asio::async_write(socket_, asio::buffer(out), kTuple);
                if (wec) co_return false;
                ctx_.counters.rtmp_bytes_sent.Inc(wn);
            }
            if (status == base::ParseStatus::kError) {
                log_.Warn("rtmp handshake rejected", {{"client.ip", client_ip_}});
                co_return false;
            }
            if (status == base::ParseStatus::kMessage) {
                // Bytes after C2 belong to the chunk stream.
                if (!in.empty()) {
                    std::vector<proto::rtmp::SessionEvent> events;
                    auto st = session_.Feed(in, events, pending_);
                    for (auto& e : events) HandleEvent(e);
                    if (!st.ok()) {
                        log_.Warn("rtmp protocol error",
                                  {{"client.ip", client_ip_}, {"error.message", st.error().message}});
                        co_return false;
                    }
                }
                co_return true;
            }
            if (consumed == 0) break;
        }
    }
}

awaitable<void> RtmpConnection::ReadLoop() {
    // Players send little after `play` (acknowledgements, pings): a small
    // buffer, since a player holds it for as long as it watches; publishers
    // get a big one once accepted.
    std::vector<uint8_t> buf(kPlayerReadBuffer);
    std::vector<proto::rtmp::SessionEvent> events;
    while (!closed_) {
        if (broadcast_ && buf.size() < kPublisherReadBuffer) buf.resize(kPublisherReadBuffer);
        auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buf), kTuple);
        if (ec) co_return;
        last_read_ = Clock::now();
        ctx_.counters.rtmp_bytes_received.Inc(n);
        events.clear();
        auto status = session_.Feed(std::span<const uint8_t>(buf.data(), n), events, pending_);
        for (auto& e : events) {
            HandleEvent(e);
            if (closed_) co_return;
        }
        if (!status.ok()) {
            log_.Warn("rtmp protocol error, closing",
                      {{"client.ip", client_ip_}, {"error.message", status.error().message}});
            CloseAfterFlush("protocol error");
            co_return;
        }
        Wake();
        if (close_after_flush_) co_return;
    }
}

void RtmpConnection::Wake() { wake_.cancel(); }

void RtmpConnection::AppendPlayerItems() {
    if (!queue_) return;
    // One scratch vector per IO thread, not per player: a joining player
    // drains a whole GOP at once, and a per-player vector would keep that
    // capacity (~13 KB) for as long as it watches.
    static thread_local std::vector<router::StreamItem> drained;
    drained.clear();
    queue_->Drain(drained);
    for (const auto& item : drained) {
        using Kind = router::StreamItem::Kind;
        switch (item.kind) {
            case Kind::kVideoConfig: {
                base::SharedBuffer body = format::flv::VideoSequenceHeaderTag(*item.config);
                session_.SendMedia(play_stream_id_, 9, last_sent_ms_, std::span(&body, 1), pending_);
                break;
            }
            case Kind::kAudioConfig: {
                play_audio_config_ = item.config;
                base::SharedBuffer body = format::flv::AudioSequenceHeaderTag(*item.config);
                session_.SendMedia(play_stream_id_, 8, last_sent_ms_, std::span(&body, 1), pending_);
                break;
            }
            case Kind::kMetadata:
                session_.SendMedia(play_stream_id_, 18, last_sent_ms_, std::span(&item.metadata, 1), pending_);
                break;
            case Kind::kPacket: {
                const auto& p = item.packet;
                last_sent_ms_ = static_cast<uint32_t>(media::TicksToMs(p.dts));
                const bool video = p.kind == media::TrackKind::kVideo;
                if (!video && !play_audio_config_) break;
                const uint8_t type = video ? 9 : 8;
                auto make_parts = [&] {
                    return std::array<base::SharedBuffer, 2>{
                        video ? format::flv::VideoTagHeader(p) : format::flv::AudioTagHeader(*play_audio_config_),
                        p.payload};
                };
                // Chunked once for all players on this thread (see MediaChunkCache);
                // empty only for a message RTMP cannot carry (over 16 MiB).
                base::SharedBuffer encoded = MediaChunkCache::ForThisThread().Get(
                    p.payload, type, last_sent_ms_, play_stream_id_, session_.out_chunk_size(), make_parts);
                if (!encoded.empty()) session_.SendEncodedMedia(type, encoded, pending_);
                break;
            }
            case Kind::kEnd:
                session_.SendUnpublishNotify(play_stream_id_, pending_);
                log_.Info("broadcast ended, closing player", {{"client.ip", client_ip_}});
                close_after_flush_ = true;
                break;
        }
    }
    drained.clear();  // releases the payloads now, not at the next drain
}

awaitable<void> RtmpConnection::WriteLoop() {
    std::vector<asio::const_buffer> buffers;
    const auto coalesce = std::chrono::milliseconds(ctx_.config.rtmp.play_coalesce_ms);
    while (!closed_) {
        AppendPlayerItems();
        if (pending_.empty()) {
            if (close_after_flush_) break;
            wake_.expires_at(Clock::time_point::max());
            co_await wake_.async_wait(kTuple);
            continue;
        }
        base::OutBuffers out;
        std::swap(out, pending_);
        buffers.clear();
        out.ForEach([&](const uint8_t* d, size_t n) { buffers.emplace_back(d, n); });
        write_in_flight_ = true;
        const auto batch_started = Clock::now();
        auto [ec, n] = co_await asio::async_write(socket_, buffers, kTuple);
        write_in_flight_ = false;
        last_write_progress_ = Clock::now();
        if (ec) break;
        ctx_.counters.rtmp_bytes_sent.Inc(n);
        if (queue_ && coalesce.count() > 0 && !close_after_flush_) {
            // Let a few frames gather: one write per batch instead of one per
            // frame cuts the server's CPU per player several times over. The
            // hold is counted from the start of the last write, so no frame
            // waits longer than `coalesce` (unless the socket itself is full).
            coalesce_.expires_at(batch_started + coalesce);
            co_await coalesce_.async_wait(kTuple);
        }
    }
    if (close_after_flush_) Close("closed after reply");
    else Close("write failed");
}

awaitable<void> RtmpConnection::Watchdog() {
    asio::steady_timer timer(socket_.get_executor());
    const auto handshake_timeout = std::chrono::milliseconds(ctx_.config.rtmp.handshake_timeout_ms);
    const auto idle_timeout = std::chrono::milliseconds(ctx_.config.rtmp.idle_timeout_ms);
    const auto media_timeout = std::chrono::milliseconds(ctx_.config.rtmp.publish_media_timeout_ms);
    while (!closed_) {
        timer.expires_after(std::chrono::milliseconds(500));
        co_await timer.async_wait(kTuple);
        if (closed_) break;
        const auto now = Clock::now();
        if (!handshake_done_ && now - started_ > handshake_timeout) {
            log_.Info("rtmp handshake timeout", {{"client.ip", client_ip_}});
            Close("handshake timeout");
        } else if (!queue_ && now - last_read_ > idle_timeout) {
            // Publishers and not-yet-playing clients must keep sending.
            log_.Info("rtmp client idle, closing", {{"client.ip", client_ip_}});
            Close("idle timeout");
        } else if (write_in_flight_ && now - last_write_progress_ > idle_timeout) {
            log_.Info("rtmp player stalled, closing", {{"client.ip", client_ip_}});
            Close("write stalled");
        } else if (broadcast_ && now - last_media_ > media_timeout) {
            // Connected but silent: the encoder hung or the network is gone
            // without a reset. The broadcast ends unexpectedly, in seconds.
            log_.Warn("publisher sent no media, closing", {{"client.ip", client_ip_},
                                                           {"onair.channel", broadcast_->channel()}});
            Close("no media", store::EndReason::kUnexpected);
        } else if (broadcast_ && now - last_report_ >= std::chrono::seconds(1)) {
            ReportPublisher();
        }
    }
}

void RtmpConnection::HandleEvent(proto::rtmp::SessionEvent& event) {
    using proto::rtmp::SessionEvent;
    if (auto* c = std::get_if<SessionEvent::Connect>(&event.value)) {
        app_ = std::string(StripQuery(c->app));
    } else if (auto* p = std::get_if<SessionEvent::Publish>(&event.value)) {
        OnPublish(p->stream_id, p->name);
    } else if (auto* pl = std::get_if<SessionEvent::Play>(&event.value)) {
        OnPlay(pl->stream_id, pl->name);
    } else if (auto* m = std::get_if<SessionEvent::Media>(&event.value)) {
        OnMedia(m->type, m->timestamp, m->payload);
    } else if (std::get_if<SessionEvent::Unpublish>(&event.value)) {
        if (broadcast_) {
            log_.Info("publisher unpublished", {{"client.ip", client_ip_}, {"onair.channel", broadcast_->channel()}});
            StopPublishing(store::EndReason::kPublisherClosed);
        }
    } else if (std::get_if<SessionEvent::DeletePlay>(&event.value)) {
        StopPlaying();
    }
}

void RtmpConnection::OnPublish(uint32_t stream_id, const std::string& name) {
    const std::string_view key = StripQuery(name);
    auto refuse = [&](std::string_view reason, std::string_view description) {
        ctx_.counters.publishes_refused.Inc();
        log_.Warn("publish refused", {{"client.ip", client_ip_},
                                      {"client.port", client_port_},
                                      {"event.reason", std::string(reason)},
                                      {"onair.app", app_}});
        session_.RejectPublish(stream_id, "NetStream.Publish.BadName", description, pending_);
        CloseAfterFlush("publish refused");
    };
    if (broadcast_ || verifying_) return refuse("already publishing on this connection", "already publishing");
    if (app_ != ctx_.config.rtmp.app) return refuse("unknown application", "unknown application");

    PublishAttempt attempt;
    attempt.app = app_;
    attempt.stream_key = std::string(key);
    attempt.query = key.size() < name.size() ? name.substr(key.size() + 1) : std::string();
    attempt.client_ip = client_ip_;
    attempt.client_port = client_port_;
    attempt.node = ctx_.config.node_id;
    verifying_ = true;
    // The manager answers on its own thread; the verdict is applied on ours.
    // Media that arrives meanwhile is held and replayed (OnMedia).
    std::weak_ptr<RtmpConnection> weak = weak_from_this();
    auto ex = socket_.get_executor();
    ctx_.gate.Verify(std::move(attempt), [weak, ex, stream_id, &gate = ctx_.gate](PublishVerdict verdict) {
        asio::post(ex, [weak, stream_id, verdict = std::move(verdict), &gate]() mutable {
            auto self = weak.lock();
            if (!self) {
                // The client left while the manager decided.
                if (verdict.allowed) gate.Ended(verdict.broadcast_id, store::EndReason::kUnexpected);
                return;
            }
            self->OnVerdict(stream_id, std::move(verdict));
        });
    });
}

void RtmpConnection::OnVerdict(uint32_t stream_id, PublishVerdict verdict) {
    verifying_ = false;
    if (!verdict.allowed) {
        held_media_.clear();
        held_bytes_ = 0;
    }
    if (closed_) {
        if (verdict.allowed) ctx_.gate.Ended(verdict.broadcast_id, store::EndReason::kUnexpected);
        return;
    }
    if (!verdict.allowed) {
        ctx_.counters.publishes_refused.Inc();
        log_.Warn("publish refused", {{"client.ip", client_ip_},
                                      {"client.port", client_port_},
                                      {"event.reason", verdict.reason},
                                      {"onair.app", app_}});
        session_.RejectPublish(stream_id, "NetStream.Publish.BadName",
                               verdict.retry_later ? "server error, retry later" : verdict.reason, pending_);
        CloseAfterFlush("publish refused");
        return;
    }
    const std::string& channel = verdict.channel;
    manager_broadcast_id_ = verdict.broadcast_id;
    publisher_id_ = ctx_.hub.NextPublisherId();
    std::weak_ptr<RtmpConnection> weak = weak_from_this();
    auto ex = socket_.get_executor();
    auto evict = [weak, ex] {
        asio::post(ex, [weak] {
            if (auto self = weak.lock()) {
                self->log_.Info("publisher taken over by a new session", {{"client.ip", self->client_ip_}});
                self->Close("taken over", store::EndReason::kTakenOver);
            }
        });
    };
    auto grant = ctx_.hub.StartPublish(channel, publisher_id_, evict);
    broadcast_ = grant.broadcast;
    broadcast_->SetLadder(verdict.ladder);
    demuxer_ = format::flv::TagDemuxer();
    publish_started_ = last_media_ = last_report_ = Clock::now();
    video_frames_ = video_bytes_ = audio_bytes_ = 0;
    reported_video_frames_ = reported_video_bytes_ = reported_audio_bytes_ = 0;
    bytes_in_ = session_.bytes_received();
    ctx_.counters.publishes_accepted.Inc();
    ctx_.counters.rtmp_publishers.Inc();
    if (grant.takeover) ctx_.counters.takeovers.Inc();
    if (!grant.takeover && !grant.resumed) ctx_.counters.broadcasts_live.Inc();
    session_.AcceptPublish(stream_id, pending_);
    Wake();
    log_.Info("publish accepted", {{"client.ip", client_ip_},
                                   {"client.port", client_port_},
                                   {"onair.channel", channel},
                                   {"onair.broadcast_id", manager_broadcast_id_},
                                   {"onair.stream_id", broadcast_->id()},
                                   {"onair.takeover", grant.takeover},
                                   {"onair.resumed", grant.resumed}});
    auto held = std::move(held_media_);
    held_media_.clear();
    held_bytes_ = 0;
    for (const auto& m : held) {
        OnMedia(m.type, m.timestamp, m.payload);
        if (closed_) return;
    }
}

void RtmpConnection::ReportPublisher() {
    const auto now = Clock::now();
    const double secs = std::chrono::duration<double>(now - last_report_).count();
    if (secs <= 0) return;
    BroadcastStats st;
    st.broadcast_id = manager_broadcast_id_;
    st.channel = broadcast_->channel();
    st.video_kbps = static_cast<double>(video_bytes_ - reported_video_bytes_) * 8 / 1000 / secs;
    st.audio_kbps = static_cast<double>(audio_bytes_ - reported_audio_bytes_) * 8 / 1000 / secs;
    st.fps = static_cast<double>(video_frames_ - reported_video_frames_) / secs;
    if (auto v = broadcast_->video_config()) {
        st.width = v->width;
        st.height = v->height;
        st.video_codec = v->codec_string;
    }
    if (auto a = broadcast_->audio_config()) {
        st.audio_codec = a->codec_string;
        st.audio_sample_rate = a->sample_rate;
        st.audio_channels = a->channels;
    }
    const auto b = broadcast_->stats();
    st.bytes_in = session_.bytes_received() - bytes_in_;
    st.frames_in = b.packets;
    st.gop_ms = b.last_gop_ticks / (media::kTimescale / 1000);
    st.uptime_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - publish_started_).count();
    st.viewers = static_cast<int64_t>(b.viewers);
    last_report_ = now;
    reported_video_frames_ = video_frames_;
    reported_video_bytes_ = video_bytes_;
    reported_audio_bytes_ = audio_bytes_;
    std::weak_ptr<RtmpConnection> weak = weak_from_this();
    auto ex = socket_.get_executor();
    const std::string id = manager_broadcast_id_;
    ctx_.gate.Report(std::move(st), [weak, ex, id](bool kick) {
        if (!kick) return;
        asio::post(ex, [weak, id] {
            auto self = weak.lock();
            if (!self || self->manager_broadcast_id_ != id || !self->broadcast_) return;
            self->log_.Info("publisher dropped: the manager ended its broadcast",
                            {{"client.ip", self->client_ip_}, {"onair.broadcast_id", id}});
            self->Close("ended by the manager", store::EndReason::kKicked);
        });
    });
}

void RtmpConnection::OnPlay(uint32_t stream_id, const std::string& name) {
    const std::string channel(StripQuery(name));
    auto broadcast = app_ == ctx_.config.rtmp.app ? ctx_.hub.Find(channel) : nullptr;
    if (!broadcast) {
        log_.Info("play refused: no such live stream", {{"client.ip", client_ip_}, {"onair.channel", channel}});
        session_.RejectPlay(stream_id, "NetStream.Play.StreamNotFound", "no such live stream", pending_);
        CloseAfterFlush("play refused");
        return;
    }
    StopPlaying();
    play_stream_id_ = stream_id;
    play_broadcast_ = broadcast;
    std::weak_ptr<RtmpConnection> weak = weak_from_this();
    auto ex = socket_.get_executor();
    queue_ = std::make_shared<router::PlayerQueue>(ctx_.config.rtmp.player_queue_bytes, [weak, ex] {
        asio::post(ex, [weak] {
            if (auto self = weak.lock()) self->Wake();
        });
    });
    // Counted where the frames are discarded (the publisher's thread): a
    // player stuck in a write is exactly the one whose drops must show.
    queue_->SetDropObserver([&counters = ctx_.counters, ip = client_ip_, channel](uint64_t frames, bool skip) {
        counters.frames_dropped.Inc(frames);
        if (!skip) return;
        counters.player_skips.Inc();
        runtime::Logger("rtmp").Warn("slow player skipped to the next keyframe",
                                     {{"client.ip", ip}, {"onair.channel", channel}, {"onair.frames_dropped", frames}});
    });
    session_.AcceptPlay(stream_id, pending_);
    if (!ctx_.config.rtmp.gop_cache) queue_->StartAtNextKeyframe();
    broadcast->Subscribe(queue_, ctx_.config.rtmp.gop_cache);
    ctx_.counters.rtmp_players.Inc();
    log_.Info("play started", {{"client.ip", client_ip_}, {"onair.channel", channel},
                               {"onair.broadcast_id", broadcast->id()}});
}

void RtmpConnection::OnMedia(uint8_t type, uint32_t timestamp, const base::SharedBuffer& payload) {
    if (verifying_) {
        held_bytes_ += payload.size();
        if (held_media_.size() >= kMaxHeldMessages || held_bytes_ > kMaxHeldBytes) {
            log_.Warn("publisher sent too much media before its publish was verified, closing",
                      {{"client.ip", client_ip_}});
            Close("media before verification");
            return;
        }
        held_media_.push_back({type, timestamp, payload});
        return;
    }
    if (!broadcast_) return;  // media before an accepted publish is ignored
    if (type == 18) return OnMetadata(payload);
    if (type != 8 && type != 9) return;
    last_media_ = last_read_;  // the read that carried it: no clock read per message
    if (type == 9) {
        ++video_frames_;
        video_bytes_ += payload.size();
    } else {
        audio_bytes_ += payload.size();
    }
    auto demuxed = type == 9 ? demuxer_.Video(payload, timestamp) : demuxer_.Audio(payload, timestamp);
    if (!demuxed.ok()) {
        const auto& err = demuxed.error();
        if (err.code == base::ErrorCode::kUnsupported) {
            log_.Error("publish stopped: unsupported media",
                       {{"client.ip", client_ip_}, {"onair.channel", broadcast_->channel()},
                        {"error.message", err.message}});
            CloseAfterFlush("unsupported codec");
            return;
        }
        if (invalid_frames_++ < 10) {
            log_.Warn("invalid media frame dropped",
                      {{"client.ip", client_ip_}, {"onair.channel", broadcast_->channel()},
                       {"error.message", err.message}});
        }
        ctx_.counters.frames_dropped.Inc();
        return;
    }
    auto& d = demuxed.value();
    using Kind = format::flv::Demuxed::Kind;
    if (d.kind == Kind::kConfig) {
        if (d.config.kind == media::TrackKind::kVideo) broadcast_->SetVideoConfig(publisher_id_, d.config);
        else broadcast_->SetAudioConfig(publisher_id_, d.config);
        if (d.config.kind == media::TrackKind::kVideo) {
            log_.Info("video configured", {{"onair.channel", broadcast_->channel()},
                                           {"onair.codec", d.config.codec_string},
                                           {"onair.width", d.config.width},
                                           {"onair.height", d.config.height}});
        } else {
            log_.Info("audio configured", {{"onair.channel", broadcast_->channel()},
                                           {"onair.codec", d.config.codec_string},
                                           {"onair.sample_rate", d.config.sample_rate},
                                           {"onair.channels", d.config.channels}});
        }
    } else if (d.kind == Kind::kPacket) {
        auto r = broadcast_->Push(publisher_id_, std::move(d.packet));
        if (r.restamped) {
            ctx_.counters.timestamps_restamped.Inc();
            if (broadcast_->stats().restamped <= 5) {
                log_.Info("non-monotonic timestamp re-stamped", {{"onair.channel", broadcast_->channel()}});
            }
        }
        if (r.long_gop && !long_gop_warned_) {
            long_gop_warned_ = true;
            const double gop_s = static_cast<double>(r.gop_ticks) / media::kTimescale;
            const double target_s = ctx_.config.hls.segment_duration_ms / 1000.0;
            log_.Warn("keyframe interval is longer than the target segment duration; segments will be "
                      "longer and latency higher. Set the encoder's keyframe interval to the segment duration "
                      "(OBS: Settings > Output > Keyframe Interval)",
                      {{"onair.channel", broadcast_->channel()},
                       {"onair.gop_seconds", gop_s},
                       {"onair.segment_target_seconds", target_s}});
        }
    }
}

void RtmpConnection::OnMetadata(const base::SharedBuffer& payload) {
    // "@setDataFrame", "onMetaData", {...}  ->  "onMetaData", {...} for players.
    static constexpr std::string_view kSetDataFrame = "@setDataFrame";
    base::SharedBuffer body = payload;
    if (body.size() > 3 && body[0] == 0x02) {
        const size_t len = (static_cast<size_t>(body[1]) << 8) | body[2];
        if (3 + len <= body.size() && body.view().substr(3, len) == kSetDataFrame) body = body.Slice(3 + len);
    }
    static constexpr std::string_view kOnMetaData = "onMetaData";
    if (body.size() < 3 + kOnMetaData.size() || body[0] != 0x02 || body.view().substr(3, kOnMetaData.size()) != kOnMetaData)
        return;
    broadcast_->SetMetadata(publisher_id_, body);
}

void RtmpConnection::StopPublishing(store::EndReason reason) {
    if (!broadcast_) return;
    auto b = std::move(broadcast_);
    broadcast_.reset();
    ctx_.gate.Ended(std::move(manager_broadcast_id_), reason);
    manager_broadcast_id_.clear();
    ctx_.counters.rtmp_publishers.Dec();
    ctx_.hub.StopPublish(b, publisher_id_);
    // Keep the broadcast for a grace period: a publisher that reconnects
    // continues it (one broadcast, a discontinuity) instead of starting anew.
    auto timer = std::make_shared<asio::steady_timer>(socket_.get_executor());
    timer->expires_after(std::chrono::milliseconds(ctx_.config.rtmp.republish_grace_ms));
    auto& ctx = ctx_;
    timer->async_wait([timer, b, &ctx](boost::system::error_code) {
        if (ctx.hub.EndIfIdle(b)) {
            ctx.counters.broadcasts_live.Dec();
            runtime::Logger("rtmp").Info("broadcast ended",
                                         {{"onair.channel", b->channel()}, {"onair.broadcast_id", b->id()}});
        }
    });
}

void RtmpConnection::StopPlaying() {
    if (!queue_) return;
    if (play_broadcast_) play_broadcast_->Unsubscribe(queue_.get());
    play_broadcast_.reset();
    queue_.reset();
    ctx_.counters.rtmp_players.Dec();
}

void RtmpConnection::CloseAfterFlush(std::string_view reason) {
    (void)reason;
    close_after_flush_ = true;
    Wake();
}

void RtmpConnection::Close(std::string_view reason, store::EndReason end) {
    if (closed_) return;
    closed_ = true;
    if (broadcast_) {
        log_.Info("publisher connection closed", {{"client.ip", client_ip_},
                                                  {"onair.channel", broadcast_->channel()},
                                                  {"event.reason", reason}});
    }
    StopPublishing(end);
    StopPlaying();
    boost::system::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    wake_.cancel();
    coalesce_.cancel();
}

}  // namespace onair::server::rtmp
