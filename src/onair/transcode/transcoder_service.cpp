// SPDX-License-Identifier: Apache-2.0
#include "onair/transcode/transcoder_service.h"

#include <atomic>
#include <optional>

#include "onair/bus/log_throttle.h"
#include "onair/runtime/logger.h"
#include "onair/runtime/wall_clock.h"
#include "onair/transcode/ff_broadcast_pipeline.h"

namespace onair::transcode {

namespace {
using format::record::ConfigRecordType;
using format::record::MediaRecord;
using format::record::RecordType;

const runtime::Logger& Log() {
    static const runtime::Logger log("transcode");
    return log;
}
}  // namespace

/// A broadcast's renditions onto the bus, as records: numbered per
/// rendition from the broadcast's base, the configs repeated before every
/// segment start (an edge can join at any segment, as with the source).
class TranscoderService::Writer final : public RenditionOutput {
public:
    Writer(TranscoderService& service, std::string broadcast_id, std::string channel, uint64_t base)
        : service_(service), broadcast_id_(std::move(broadcast_id)), channel_(std::move(channel)), base_(base) {}

    /// Nothing more goes out (the broadcast moved, or restarts).
    void Close() { closed_ = true; }

    // Each rendition calls from its own thread, so its State is its own; the
    // lock guards only the map. Records are published without a lock held
    // here: the in-process bus calls its subscribers under its lock, and
    // Close() is called under that lock.
    void OnConfig(std::string_view rendition, const media::CodecConfig& config) override {
        if (closed_) return;
        State& s = StateOf(rendition);
        (config.kind == media::TrackKind::kVideo ? s.video : s.audio) = config;
        Publish(s, rendition, ConfigRecordType(config.kind), [&](MediaRecord& r) { r.config = config; });
        s.configs_just_sent = true;
    }

    void OnPacket(std::string_view rendition, const media::Packet& packet,
                  std::chrono::steady_clock::time_point received) override {
        if (closed_) return;
        State& s = StateOf(rendition);
        if (packet.segment_start >= 0 && !s.configs_just_sent) {
            for (const auto* c : {&s.video, &s.audio})
                if (*c)
                    Publish(s, rendition, ConfigRecordType((*c)->kind), [&](MediaRecord& r) { r.config = **c; });
        }
        s.configs_just_sent = false;
        Publish(s, rendition, RecordType::kPacket, [&](MediaRecord& r) { r.packet = packet; });
        if (packet.kind == media::TrackKind::kVideo && received.time_since_epoch().count() != 0)
            service_.latency_.Observe(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
    }

    void OnEnd(std::string_view rendition, std::string_view reason) override {
        service_.renditions_.Dec();
        if (reason == "error") service_.errors_.Inc();
        if (closed_) return;
        State& s = StateOf(rendition);
        Publish(s, rendition, RecordType::kEnd, [&](MediaRecord& r) { r.end_reason = reason; });
        const auto fields = {runtime::LogField{"onair.channel", channel_},
                             runtime::LogField{"onair.broadcast_id", broadcast_id_},
                             runtime::LogField{"onair.rendition", rendition},
                             runtime::LogField{"onair.transcode.reason", reason}};
        if (reason == "source_ended") {
            Log().Info("rendition ended", fields);
        } else {
            Log().Warn("rendition ended early", fields);
        }
    }

    const std::string& broadcast_id() const { return broadcast_id_; }
    const std::string& channel() const { return channel_; }
    /// For the pipeline's decode errors (the writer lives as long as it).
    bus::LogThrottle& error_throttle() { return error_throttle_; }

private:
    struct State {
        uint64_t next = 0;
        std::optional<media::CodecConfig> video;
        std::optional<media::CodecConfig> audio;
        bool configs_just_sent = false;
    };
    State& StateOf(std::string_view rendition) {
        std::lock_guard lock(mu_);
        auto it = states_.find(rendition);
        if (it == states_.end()) it = states_.emplace(std::string(rendition), State{base_, {}, {}, false}).first;
        return it->second;
    }
    template <typename Fill>
    void Publish(State& s, std::string_view rendition, RecordType type, Fill fill) {
        MediaRecord r;
        r.type = type;
        r.sequence = s.next++;
        r.wallclock_ms = runtime::WallClockMs();
        r.broadcast_id = broadcast_id_;
        r.channel = channel_;
        r.rendition = rendition;
        fill(r);
        if (type == RecordType::kPacket && r.packet.wallclock_ms > 0) r.wallclock_ms = r.packet.wallclock_ms;
        service_.bus_.PublishMedia(r);
    }

    TranscoderService& service_;
    const std::string broadcast_id_;
    const std::string channel_;
    const uint64_t base_;
    std::atomic<bool> closed_{false};
    bus::LogThrottle error_throttle_{std::chrono::seconds(5)};
    std::mutex mu_;
    std::map<std::string, State, std::less<>> states_;  // node-based: a State never moves
};

struct TranscoderService::Broadcast {
    std::string id;
    std::string channel;
    bool seen = false;
    uint64_t next_sequence = 0;
    std::optional<media::CodecConfig> video;
    std::optional<media::CodecConfig> audio;
    std::optional<std::string> ladder_json;
    bool source_only = false;
    std::chrono::steady_clock::time_point last_record{};
    std::unique_ptr<Writer> writer;
    std::unique_ptr<ff::BroadcastPipeline> pipeline;
};

TranscoderService::TranscoderService(bus::Bus& bus, runtime::Metrics& metrics, TranscoderOptions options)
    : bus_(bus),
      metrics_(metrics),
      options_(std::move(options)),
      started_(metrics.counter("onair_transcode_broadcasts_started_total", "Broadcasts this node began transcoding")),
      dropped_(metrics.counter("onair_transcode_renditions_dropped_total",
                               "Renditions dropped because their broadcast fell behind (CPU-bound)")),
      input_dropped_(metrics.counter("onair_transcode_input_dropped_total",
                                     "Source packets refused by a full transcoder queue (until the next segment start)")),
      errors_(metrics.counter("onair_transcode_errors_total", "Decoder and encoder errors")),
      restarts_(metrics.counter("onair_transcode_restarts_total",
                                "Broadcasts restarted at the next segment start after records went missing")),
      active_(metrics.gauge("onair_transcode_broadcasts", "Broadcasts this node transcodes")),
      renditions_(metrics.gauge("onair_transcode_renditions", "Renditions this node makes")),
      latency_(metrics.summary("onair_transcode_latency_seconds",
                               "From this node receiving a source frame to its renditions' packet")) {}

TranscoderService::~TranscoderService() {
    std::map<std::string, std::unique_ptr<Broadcast>, std::less<>> live;
    std::vector<std::unique_ptr<Broadcast>> finishing;
    {
        std::lock_guard lock(mu_);
        live.swap(broadcasts_);
        finishing.swap(finishing_);
    }
    // A node that stops does not end its renditions: another transcoder of
    // the group takes the broadcasts over.
    for (auto& [id, b] : live)
        if (b->writer) b->writer->Close();
}

void TranscoderService::OnRecord(const MediaRecord& record) {
    std::lock_guard lock(mu_);
    auto it = broadcasts_.find(record.broadcast_id);
    if (it == broadcasts_.end()) {
        if (record.type == RecordType::kEnd) return;
        auto b = std::make_unique<Broadcast>();
        b->id = std::string(record.broadcast_id);
        b->channel = std::string(record.channel);
        it = broadcasts_.emplace(b->id, std::move(b)).first;
        active_.Set(static_cast<int64_t>(broadcasts_.size()));
    }
    Broadcast& b = *it->second;
    b.last_record = std::chrono::steady_clock::now();
    if (b.seen && record.sequence < b.next_sequence) return;  // a replay (the group's committed position)
    const bool gap = b.seen && record.sequence > b.next_sequence;
    b.seen = true;
    b.next_sequence = record.sequence + 1;
    if (gap && b.pipeline) {
        restarts_.Inc();
        Log().Warn("source records missing; the renditions restart at the next segment start",
                   {{"onair.channel", b.channel}, {"onair.broadcast_id", b.id}});
        Stop(b, false);
    }
    switch (record.type) {
        case RecordType::kVideoConfig:
            // The configs come again before every segment start, then the
            // ladder if the channel has one: none after them means the
            // channel's ladder was reset (the default applies).
            b.ladder_json.reset();
            b.video = record.config;
            if (b.pipeline) b.pipeline->PushVideoConfig(record.config);
            return;
        case RecordType::kAudioConfig:
            b.audio = record.config;
            if (b.pipeline) b.pipeline->PushAudioConfig(record.config);
            return;
        case RecordType::kLadder: b.ladder_json = std::string(record.ladder.view()); return;
        case RecordType::kMetadata: return;
        case RecordType::kPacket:
            if (b.pipeline) {
                b.pipeline->PushPacket(record.packet);
            } else if (!b.source_only && b.video && record.packet.kind == media::TrackKind::kVideo &&
                       record.packet.segment_start >= 0 &&
                       record.packet.wallclock_ms >= runtime::WallClockMs() - options_.max_start_lag.count()) {
                Start(b, record);
            }
            return;
        case RecordType::kEnd:
            if (b.pipeline) Stop(b, true);
            broadcasts_.erase(it);
            active_.Set(static_cast<int64_t>(broadcasts_.size()));
            return;
    }
}

void TranscoderService::Start(Broadcast& b, const MediaRecord& record) {
    format::ladder::Ladder ladder = options_.default_ladder;
    if (b.ladder_json) {
        auto parsed = format::ladder::ParseLadder(*b.ladder_json);
        if (parsed.ok()) {
            ladder = std::move(parsed.value());
        } else {
            Log().Error("the channel's ladder is not valid; the default is used",
                        {{"onair.channel", b.channel}, {"error.message", parsed.error().message}});
        }
    }
    auto plan = format::ladder::PlanLadder(ladder, b.video->width, b.video->height);
    if (plan.empty()) {
        b.source_only = true;
        Log().Info("no rendition below the source; the source alone is offered",
                   {{"onair.channel", b.channel}, {"onair.broadcast_id", b.id}, {"onair.video.height", b.video->height}});
        return;
    }
    const size_t plan_size = plan.size();
    std::string names;
    for (const auto& p : plan) names += (names.empty() ? "" : ",") + p.spec.name;
    b.writer = std::make_unique<Writer>(*this, b.id, b.channel, record.sequence << 10);
    ff::PipelineOptions po;
    po.preset = options_.preset;
    po.threads = options_.threads;
    po.max_backlog_ticks = media::MsToTicks(options_.max_backlog.count());
    po.max_input_bytes = options_.max_input_bytes;
    // The pipeline's callbacks hold the writer, which lives as long as the
    // pipeline does (a Broadcast may go before its pipeline has finished).
    Writer* writer = b.writer.get();
    ff::PipelineEvents events;
    events.dropped = [this, writer](const std::string& rendition, int64_t backlog_ms) {
        dropped_.Inc();
        Log().Warn("transcoding is behind: the largest rendition still made is dropped (the source stays)",
                   {{"onair.channel", writer->channel()},
                    {"onair.broadcast_id", writer->broadcast_id()},
                    {"onair.rendition", rendition},
                    {"onair.transcode.backlog_ms", backlog_ms}});
    };
    events.input_dropped = [this] { input_dropped_.Inc(); };
    events.decode_error = [this, writer](const std::string& message) {
        errors_.Inc();
        if (writer->error_throttle().Allow())
            Log().Warn("a source frame did not decode",
                       {{"onair.channel", writer->channel()}, {"onair.broadcast_id", writer->broadcast_id()},
                        {"error.message", message}});
    };
    b.pipeline = std::make_unique<ff::BroadcastPipeline>(std::move(plan), po, *b.writer, std::move(events));
    renditions_.Inc(static_cast<int64_t>(plan_size));
    started_.Inc();
    Log().Info("transcoding broadcast", {{"onair.channel", b.channel}, {"onair.broadcast_id", b.id},
                                         {"onair.renditions", names}, {"onair.bus.sequence", record.sequence}});
    b.pipeline->PushVideoConfig(*b.video);
    if (b.audio) b.pipeline->PushAudioConfig(*b.audio);
    b.pipeline->PushPacket(record.packet);
}

void TranscoderService::Stop(Broadcast& b, bool finish) {
    if (!b.pipeline) return;
    auto done = std::make_unique<Broadcast>();
    // Either way the pipeline finishes what it holds and its threads end
    // (Sweep reaps it); stopped without finishing, none of it goes out and
    // the renditions are not ended (another transcoder, or this one at the
    // next segment start, continues them).
    if (!finish) b.writer->Close();
    b.pipeline->PushEnd();
    done->id = b.id;
    done->writer = std::move(b.writer);
    done->pipeline = std::move(b.pipeline);
    finishing_.push_back(std::move(done));
}

void TranscoderService::Sweep() {
    std::vector<std::unique_ptr<Broadcast>> reap;
    {
        std::lock_guard lock(mu_);
        const auto now = std::chrono::steady_clock::now();
        for (auto it = broadcasts_.begin(); it != broadcasts_.end();) {
            if (now - it->second->last_record < options_.idle_timeout) {
                ++it;
                continue;
            }
            Log().Info("broadcast silent on the bus; forgotten here",
                       {{"onair.channel", it->second->channel}, {"onair.broadcast_id", it->first}});
            Stop(*it->second, false);
            it = broadcasts_.erase(it);
        }
        active_.Set(static_cast<int64_t>(broadcasts_.size()));
        for (auto it = finishing_.begin(); it != finishing_.end();) {
            if ((*it)->pipeline->finished()) {
                reap.push_back(std::move(*it));
                it = finishing_.erase(it);
            } else {
                ++it;
            }
        }
    }
    // Joined outside the lock (a pipeline's threads finish their queues).
    reap.clear();
}

size_t TranscoderService::broadcasts() const {
    std::lock_guard lock(mu_);
    return broadcasts_.size();
}

}  // namespace onair::transcode
