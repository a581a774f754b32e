// SPDX-License-Identifier: Apache-2.0
#include "onair/server/bus/media_importer.h"

#include "onair/server/bus/event_envelope.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "onair/format/hls/date_time.h"

#include "onair/runtime/logger.h"
#include "onair/runtime/wall_clock.h"

namespace onair::server::bus {

namespace {
using format::record::MediaRecord;
using format::record::RecordType;
using Kind = router::StreamItem::Kind;

const runtime::Logger& Log() {
    static const runtime::Logger log("edge");
    return log;
}
}  // namespace

MediaImporter::MediaImporter(hls::HlsService& hls, onair::bus::Bus& bus, runtime::Metrics& metrics,
                             MediaImporterOptions options)
    : hls_(hls),
      bus_(bus),
      options_(std::move(options)),
      gaps_(metrics.counter("onair_bus_gaps_total", "Jumps in a broadcast's record numbers (records lost upstream)")),
      missing_(metrics.counter("onair_bus_records_missing_total", "Records lost upstream, by the jumps in their numbers")),
      stale_(metrics.counter("onair_bus_records_stale_total", "Records older than ones already packaged (skipped)")),
      rendition_jumps_(metrics.counter("onair_bus_rendition_jumps_total",
                                       "Jumps in a rendition's record numbers (a transcoder took over, or records were lost)")),
      broadcasts_(metrics.gauge("onair_edge_broadcasts", "Broadcasts this node packages")),
      latency_(metrics.summary("onair_bus_latency_seconds",
                               "From the ingest receiving a packet to this node having packaged it")) {}

router::StreamItem MediaImporter::ItemOf(const MediaRecord& record, std::shared_ptr<const media::CodecConfig>& video,
                                         std::shared_ptr<const media::CodecConfig>& audio, bool& skip) {
    router::StreamItem item;
    switch (record.type) {
        case RecordType::kVideoConfig:
        case RecordType::kAudioConfig: {
            auto& current = record.type == RecordType::kVideoConfig ? video : audio;
            if (current && *current == record.config) {
                skip = true;  // repeated before a segment start
                break;
            }
            current = std::make_shared<const media::CodecConfig>(record.config);
            item.kind = record.type == RecordType::kVideoConfig ? Kind::kVideoConfig : Kind::kAudioConfig;
            item.config = current;
            break;
        }
        case RecordType::kMetadata:
            item.kind = Kind::kMetadata;
            item.metadata = record.metadata;
            break;
        case RecordType::kPacket:
            item.kind = Kind::kPacket;
            item.packet = record.packet;
            if (item.packet.wallclock_ms == 0) item.packet.wallclock_ms = record.wallclock_ms;
            break;
        case RecordType::kEnd:
            item.kind = Kind::kEnd;
            break;
        case RecordType::kLadder: skip = true; break;  // the transcoders' business
    }
    return item;
}

void MediaImporter::OnRenditionRecord(const MediaRecord& record) {
    std::string key = std::string(record.broadcast_id) + "/" + std::string(record.rendition);
    auto it = renditions_.find(key);
    if (it == renditions_.end()) {
        if (record.type == RecordType::kEnd) return;
        // The broadcast's source opened its HlsChannel; until it has, the
        // rendition waits (it joins at a later segment start).
        auto src = states_.find(record.broadcast_id);
        if (src == states_.end()) return;
        State state;
        state.channel = src->second.channel;
        state.hls = src->second.hls;
        state.next_sequence = record.sequence;
        it = renditions_.emplace(std::move(key), std::move(state)).first;
        Log().Info("packaging rendition", {{"onair.channel", record.channel},
                                           {"onair.broadcast_id", record.broadcast_id},
                                           {"onair.rendition", record.rendition}});
    }
    State& s = it->second;
    const Step step = Advance(record, s);  // stale: an earlier transcoder's, after another took over
    if (step.missing > 0) {
        rendition_jumps_.Inc();
        Log().Info("a rendition's records jump: a transcoder took over, or records were lost",
                   {{"onair.channel", s.channel},
                    {"onair.broadcast_id", record.broadcast_id},
                    {"onair.rendition", record.rendition},
                    {"onair.bus.first_missing", step.first_missing}});
    }
    if (!step.item) return;
    s.hls->OnRenditionItem(record.rendition, *step.item);
    if (record.type == RecordType::kEnd) renditions_.erase(it);
}

MediaImporter::Step MediaImporter::Advance(const MediaRecord& record, State& state) {
    Step step;
    if (record.sequence < state.next_sequence) {
        stale_.Inc();
        return step;
    }
    step.first_missing = state.next_sequence;
    step.missing = record.sequence - state.next_sequence;
    state.next_sequence = record.sequence + 1;
    state.last_record = std::chrono::steady_clock::now();
    bool skip = false;
    router::StreamItem item = ItemOf(record, state.video, state.audio, skip);
    if (!skip) step.item = std::move(item);
    return step;
}

void MediaImporter::OnRecord(const MediaRecord& record) {
    std::lock_guard lock(mu_);
    if (!record.rendition.empty()) return OnRenditionRecord(record);
    auto it = states_.find(record.broadcast_id);
    if (it == states_.end()) {
        if (record.type == RecordType::kEnd) return;  // the end of a broadcast we never saw
        State state;
        state.channel = std::string(record.channel);
        state.hls = hls_.Open(state.channel, std::string(record.broadcast_id));
        state.next_sequence = record.sequence;
        it = states_.emplace(std::string(record.broadcast_id), std::move(state)).first;
        broadcasts_.Set(static_cast<int64_t>(states_.size()));
        Log().Info("packaging broadcast", {{"onair.channel", record.channel},
                                           {"onair.broadcast_id", record.broadcast_id},
                                           {"onair.bus.sequence", record.sequence}});
    }
    State& s = it->second;
    const Step step = Advance(record, s);
    if (step.missing > 0) ReportGap(it->first, s, step.first_missing, step.missing, record.wallclock_ms);
    if (!step.item) return;
    s.hls->OnItem(*step.item);
    if (record.type == RecordType::kPacket && record.wallclock_ms > 0) {
        latency_.Observe(static_cast<double>(runtime::WallClockMs() - record.wallclock_ms) / 1000.0);
    }
    if (record.type == RecordType::kEnd) {
        hls_.Ended(s.channel, it->first);
        Log().Info("broadcast ended", {{"onair.channel", s.channel}, {"onair.broadcast_id", it->first}});
        states_.erase(it);
        broadcasts_.Set(static_cast<int64_t>(states_.size()));
    }
}

void MediaImporter::ReportGap(const std::string& broadcast_id, const State& state, uint64_t first_missing,
                              uint64_t missing, int64_t resumed_at_ms) {
    gaps_.Inc();
    missing_.Inc(missing);
    Log().Warn("records missing from the log: a gap in the broadcast",
               {{"onair.channel", state.channel},
                {"onair.broadcast_id", broadcast_id},
                {"onair.bus.first_missing", first_missing},
                {"onair.bus.missing", missing}});
    nlohmann::json event = EventEnvelope("media.gap", "edge", options_.node_id, runtime::WallClockMs());
    event["channel"] = {{"name", state.channel}};
    event["media_broadcast_id"] = broadcast_id;
    event["first_missing_sequence"] = first_missing;
    event["missing_records"] = missing;
    event["resumed_at"] = format::hls::FormatDateTime(resumed_at_ms);
    bus_.PublishEvent(state.channel, event.dump());
}

void MediaImporter::Sweep() {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    for (auto it = states_.begin(); it != states_.end();) {
        if (now - it->second.last_record < options_.idle_timeout) {
            ++it;
            continue;
        }
        router::StreamItem end;
        end.kind = Kind::kEnd;
        it->second.hls->OnItem(end);
        hls_.Ended(it->second.channel, it->first);
        Log().Warn("broadcast idle on the bus; ended here",
                   {{"onair.channel", it->second.channel}, {"onair.broadcast_id", it->first}});
        it = states_.erase(it);
    }
    broadcasts_.Set(static_cast<int64_t>(states_.size()));
    // A rendition outlives its source's end by the transcoder's flush; one
    // the log is silent on (its transcoder died with no one to take over)
    // is ended here too.
    for (auto it = renditions_.begin(); it != renditions_.end();) {
        if (now - it->second.last_record < options_.idle_timeout) {
            ++it;
            continue;
        }
        router::StreamItem end;
        end.kind = Kind::kEnd;
        const std::string rendition = it->first.substr(it->first.find('/') + 1);
        it->second.hls->OnRenditionItem(rendition, end);
        it = renditions_.erase(it);
    }
}

}  // namespace onair::server::bus
