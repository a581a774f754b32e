// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/manager_service.h"

#include <algorithm>

#include "onair/manager/ids.h"
#include "onair/manager/json_views.h"
#include "onair/runtime/wall_clock.h"

namespace onair::manager {

namespace {

nlohmann::json ChannelRef(int64_t id, std::string_view name) { return {{"id", id}, {"name", name}}; }

// The origins whose retention is remembered (one per origin node).
constexpr size_t kMaxRetentionNodes = 64;
constexpr std::string_view kRetentionSetting = "recording_retention";

}  // namespace

ManagerService::ManagerService(store::ManagerStore& store, ManagerOptions options, NowFn now)
    : store_(store),
      options_(options),
      now_(now ? std::move(now) : NowFn(runtime::WallClockMs)),
      limiter_(options.max_failed_publishes, options.failed_publish_window_ms) {
    LoadRetention();
    auto live = store_.ListLiveBroadcasts();
    if (!live.ok()) {
        log_.Error("cannot list live broadcasts", {{"error.message", live.error().message}});
        return;
    }
    const int64_t now_ms = now_();
    for (auto& b : live.value()) {
        Live l;
        l.last_seen_at_ms = now_ms;
        l.persisted_at_ms = now_ms;
        l.broadcast = std::move(b);
        live_.emplace(l.broadcast.id, std::move(l));
    }
    if (!live_.empty()) {
        log_.Info("broadcasts live at start, waiting for their ingests to report",
                  {{"onair.broadcasts", live_.size()}});
    }
}

void ManagerService::AddListener(EventListener* listener) {
    std::lock_guard lock(listeners_mu_);
    listeners_.push_back(listener);
}

void ManagerService::Emit(std::string type, int64_t channel_id, nlohmann::json body) {
    store::Event e;
    e.id = NewId("ev_");
    e.type = std::move(type);
    e.channel_id = channel_id;
    e.at_ms = now_();
    body["id"] = e.id;
    body["type"] = e.type;
    body["at"] = Rfc3339(e.at_ms);
    body["version"] = 1;
    body["source"] = "manager";
    e.payload = body.dump();
    auto seq = store_.AppendEvent(e);
    if (!seq.ok()) {
        log_.Error("cannot store event", {{"event.action", e.type}, {"error.message", seq.error().message}});
        return;
    }
    e.seq = seq.value();
    std::vector<EventListener*> listeners;
    {
        std::lock_guard lock(listeners_mu_);
        listeners = listeners_;
    }
    for (auto* l : listeners) l->OnEvent(e);
}

void ManagerService::Reject(const server::PublishAttempt& attempt, std::string_view reason,
                            const store::Channel* channel) {
    log_.Info("publish rejected", {{"client.ip", attempt.client_ip},
                                   {"event.reason", reason},
                                   {"onair.node", attempt.node},
                                   {"onair.channel", channel ? channel->name : std::string()}});
    Emit("publish.rejected", channel ? channel->id : 0,
         {{"channel", channel ? ChannelRef(channel->id, channel->name) : nlohmann::json()},
          {"client_ip", attempt.client_ip},
          {"node", attempt.node},
          {"app", attempt.app},
          {"reason", reason}});
}

server::PublishVerdict ManagerService::AuthorizePublish(const server::PublishAttempt& attempt) {
    server::PublishVerdict v;
    const int64_t now_ms = now_();
    if (const int64_t wait = limiter_.RetryAfterMs(attempt.client_ip, now_ms); wait > 0) {
        // No event and no lookup: a guessing client must not flood either.
        v.reason = "too many failed attempts, retry in " + std::to_string((wait + 999) / 1000) + " s";
        log_.Debug("publish rate-limited", {{"client.ip", attempt.client_ip}});
        return v;
    }
    auto found = attempt.stream_key.empty() ? base::Result<std::optional<store::Channel>>(std::nullopt)
                                            : store_.FindChannelByKey(attempt.stream_key);
    if (!found.ok()) {
        log_.Error("publish: channel lookup failed", {{"error.message", found.error().message}});
        v.reason = "manager unavailable";
        v.retry_later = true;
        return v;
    }
    if (!found.value()) {
        limiter_.RecordFailure(attempt.client_ip, now_ms);
        v.reason = "invalid stream key";
        Reject(attempt, v.reason, nullptr);
        return v;
    }
    const store::Channel& channel = *found.value();
    limiter_.RecordSuccess(attempt.client_ip);
    if (!channel.enabled) {
        v.reason = "channel disabled";
        Reject(attempt, v.reason, &channel);
        return v;
    }

    // The same channel live elsewhere (or a session the ingest has not yet
    // reported gone): the new publisher takes over at once.
    std::vector<std::string> taken_over;
    {
        std::lock_guard lock(mu_);
        for (const auto& [id, l] : live_) {
            if (l.broadcast.channel_id == channel.id) taken_over.push_back(id);
        }
    }
    for (const auto& id : taken_over) End(id, store::EndReason::kTakenOver);

    store::Broadcast b;
    b.id = NewId("br_");
    b.channel_id = channel.id;
    b.channel = channel.name;
    b.node = attempt.node;
    b.client_ip = attempt.client_ip;
    b.started_at_ms = now_ms;
    b.last_seen_at_ms = now_ms;
    b.stats_json = "{}";
    if (auto st = store_.InsertBroadcast(b); !st.ok()) {
        log_.Error("publish: cannot record the broadcast", {{"error.message", st.error().message}});
        v.reason = "manager unavailable";
        v.retry_later = true;
        return v;
    }
    {
        std::lock_guard lock(mu_);
        Live l;
        l.broadcast = b;
        l.last_seen_at_ms = now_ms;
        l.persisted_at_ms = now_ms;
        live_.emplace(b.id, std::move(l));
    }
    log_.Info("broadcast started", {{"onair.channel", channel.name},
                                    {"onair.broadcast_id", b.id},
                                    {"onair.node", attempt.node},
                                    {"client.ip", attempt.client_ip},
                                    {"onair.takeover", !taken_over.empty()}});
    Emit("broadcast.started", channel.id,
         {{"channel", ChannelRef(channel.id, channel.name)}, {"broadcast", BroadcastJson(b, std::nullopt, now_ms)}});
    v.allowed = true;
    v.channel = channel.name;
    v.broadcast_id = b.id;
    v.ladder = channel.ladder.value_or("");
    return v;
}

bool ManagerService::End(const std::string& id, store::EndReason reason) {
    Live l;
    {
        std::lock_guard lock(mu_);
        auto it = live_.find(id);
        if (it == live_.end()) return false;
        l = std::move(it->second);
        live_.erase(it);
    }
    const int64_t now_ms = now_();
    if (l.stats) {
        if (auto st = store_.UpdateBroadcastStats(id, StatsJson(*l.stats).dump(), l.last_seen_at_ms); !st.ok()) {
            log_.Warn("cannot store final stats", {{"onair.broadcast_id", id}, {"error.message", st.error().message}});
        }
    }
    if (auto st = store_.EndBroadcast(id, reason, now_ms); !st.ok()) {
        log_.Error("cannot record the end of a broadcast",
                   {{"onair.broadcast_id", id}, {"error.message", st.error().message}});
    }
    l.broadcast.ended_at_ms = now_ms;
    l.broadcast.end_reason = reason;
    log_.Info("broadcast ended", {{"onair.channel", l.broadcast.channel},
                                  {"onair.broadcast_id", id},
                                  {"event.reason", store::EndReasonName(reason)},
                                  {"event.duration", (now_ms - l.broadcast.started_at_ms) * 1000000}});
    nlohmann::json body = {{"channel", ChannelRef(l.broadcast.channel_id, l.broadcast.channel)},
                           {"broadcast", BroadcastJson(l.broadcast, l.stats, now_ms)},
                           {"reason", store::EndReasonName(reason)}};
    Emit("broadcast.ended", l.broadcast.channel_id, std::move(body));
    return true;
}

void ManagerService::PublishEnded(std::string_view broadcast_id, store::EndReason reason) {
    End(std::string(broadcast_id), reason);
}

bool ManagerService::ReportStats(const server::BroadcastStats& stats) {
    const int64_t now_ms = now_();
    bool persist = false;
    server::BroadcastStats shown;
    {
        std::lock_guard lock(mu_);
        auto it = live_.find(stats.broadcast_id);
        if (it == live_.end()) return true;  // ended here (kicked, taken over, swept): drop it
        it->second.stats = stats;
        it->second.last_seen_at_ms = now_ms;
        if (now_ms - it->second.persisted_at_ms >= options_.stats_persist_interval_ms) {
            it->second.persisted_at_ms = now_ms;
            persist = true;
            shown = *ViewLocked(it->second, now_ms).stats;
        }
    }
    if (persist) {
        if (auto st = store_.UpdateBroadcastStats(stats.broadcast_id, StatsJson(shown).dump(), now_ms); !st.ok()) {
            log_.Warn("cannot store stats", {{"onair.broadcast_id", stats.broadcast_id},
                                             {"error.message", st.error().message}});
        }
    }
    return false;
}

base::Status ManagerService::Kick(std::string_view channel) {
    std::vector<std::string> ids;
    {
        std::lock_guard lock(mu_);
        for (const auto& [id, l] : live_) {
            if (l.broadcast.channel == channel) ids.push_back(id);
        }
    }
    if (ids.empty()) return base::Error{base::ErrorCode::kNotFound, "channel is not live"};
    for (const auto& id : ids) End(id, store::EndReason::kKicked);
    return {};
}

base::Result<store::Channel> ManagerService::UpdateChannel(std::string_view name, const store::ChannelUpdate& update) {
    auto updated = store_.UpdateChannel(name, update);
    if (updated.ok() && !updated->enabled) (void)Kick(name);
    return updated;
}

base::Status ManagerService::DeleteChannel(std::string_view name) {
    auto channel = store_.GetChannel(name);
    if (!channel.ok()) return channel.error();
    (void)Kick(name);
    return store_.DeleteChannel(name);
}

LiveBroadcast ManagerService::ViewLocked(const Live& l, int64_t now_ms) const {
    LiveBroadcast out{l.broadcast, l.stats, l.last_seen_at_ms};
    if (!out.stats) return out;
    server::BroadcastStats& s = *out.stats;
    s.rtmp_viewers = s.viewers;
    s.hls_viewers = 0;
    s.edges = 0;
    s.hls_kbps = 0;
    s.hls_bytes = l.hls_bytes;
    for (const auto& [node, e] : l.edges) {
        if (now_ms - e.received_at_ms > options_.edge_report_timeout_ms) continue;
        s.hls_viewers += static_cast<int64_t>(e.report.viewers);
        ++s.edges;
        s.hls_kbps += static_cast<double>(e.report.bytes) * 8.0 / static_cast<double>(e.report.window_ms);
    }
    s.viewers = s.rtmp_viewers + s.hls_viewers;
    return out;
}

bool ManagerService::EdgeStatsReported(const EdgeStatsReport& report) {
    const int64_t now_ms = now_();
    std::lock_guard lock(mu_);
    for (auto& [id, l] : live_) {
        if (l.broadcast.channel != report.channel) continue;
        // Forget edges gone silent (bounded memory whatever the edges' churn).
        std::erase_if(l.edges, [&](const auto& kv) {
            return now_ms - kv.second.received_at_ms > options_.edge_report_timeout_ms;
        });
        auto it = l.edges.find(report.node);
        if (it == l.edges.end()) {
            if (l.edges.size() >= kMaxEdgesPerBroadcast) return true;
            it = l.edges.emplace(report.node, EdgeReport{}).first;
        }
        it->second = EdgeReport{report, now_ms};
        l.hls_bytes += report.bytes;
        return true;
    }
    return false;
}

std::vector<LiveBroadcast> ManagerService::LiveBroadcasts() const {
    std::vector<LiveBroadcast> out;
    const int64_t now_ms = now_();
    std::lock_guard lock(mu_);
    out.reserve(live_.size());
    for (const auto& [id, l] : live_) out.push_back(ViewLocked(l, now_ms));
    std::sort(out.begin(), out.end(), [](const LiveBroadcast& a, const LiveBroadcast& b) {
        return a.broadcast.started_at_ms < b.broadcast.started_at_ms;
    });
    return out;
}

std::optional<LiveBroadcast> ManagerService::LiveBroadcastOf(std::string_view channel) const {
    const int64_t now_ms = now_();
    std::lock_guard lock(mu_);
    for (const auto& [id, l] : live_) {
        if (l.broadcast.channel == channel) return ViewLocked(l, now_ms);
    }
    return std::nullopt;
}

bool ManagerService::MediaGap(std::string_view channel, const nlohmann::json& report) {
    const auto live = LiveBroadcastOf(channel);
    if (!live) return false;
    const std::string key = live->broadcast.id + "/" + report.value("media_broadcast_id", "") + "/" +
                            std::to_string(report.value("first_missing_sequence", uint64_t{0}));
    {
        std::lock_guard lock(mu_);
        if (std::find(gaps_announced_.begin(), gaps_announced_.end(), key) != gaps_announced_.end()) return false;
        gaps_announced_.push_back(key);
        if (gaps_announced_.size() > 256) gaps_announced_.erase(gaps_announced_.begin());
    }
    const uint64_t missing = report.value("missing_records", uint64_t{0});
    log_.Warn("broadcast has a gap", {{"onair.channel", channel},
                                      {"onair.broadcast_id", live->broadcast.id},
                                      {"onair.bus.missing", missing},
                                      {"onair.node", report.value("node", "")}});
    Emit("broadcast.gap", live->broadcast.channel_id,
         {{"channel", ChannelRef(live->broadcast.channel_id, live->broadcast.channel)},
          {"broadcast", BroadcastJson(live->broadcast, live->stats, now_())},
          {"missing_records", missing},
          {"first_missing_sequence", report.value("first_missing_sequence", uint64_t{0})},
          {"resumed_at", report.value("resumed_at", "")},
          {"reported_by", report.value("node", "")}});
    return true;
}

void ManagerService::LoadRetention() {
    auto stored = store_.GetSetting(kRetentionSetting);
    if (!stored.ok() || !stored->has_value()) return;
    // [{"node","max_age_s","max_bytes_per_channel"}, ...], latest last.
    auto list = nlohmann::json::parse(**stored, nullptr, /*allow_exceptions=*/false);
    if (!list.is_array()) return;
    for (const auto& e : list) {
        if (!e.is_object() || retention_.size() >= kMaxRetentionNodes) continue;
        try {
            retention_.push_back(NodeRetention{
                e.value("node", ""),
                RecordingRetention{e.value("max_age_s", int64_t{0}), e.value("max_bytes_per_channel", int64_t{0})}});
        } catch (const nlohmann::json::exception&) {
            // Not as this manager wrote it: forgotten until the origin reports again.
        }
    }
}

void ManagerService::RememberRetention(const std::string& node, const RecordingRetention& retention) {
    nlohmann::json list = nlohmann::json::array();
    {
        std::lock_guard lock(mu_);
        auto it = std::find_if(retention_.begin(), retention_.end(),
                               [&](const NodeRetention& r) { return r.node == node; });
        const bool changed = it == retention_.end() || it->retention != retention;
        if (it != retention_.end()) retention_.erase(it);
        if (retention_.size() >= kMaxRetentionNodes) retention_.erase(retention_.begin());
        retention_.push_back(NodeRetention{node, retention});
        if (!changed) return;  // the store is written only when a value changes
        for (const auto& r : retention_) {
            nlohmann::json e = RetentionJson(r.retention);
            e["node"] = r.node;
            list.push_back(std::move(e));
        }
    }
    if (auto st = store_.PutSetting(kRetentionSetting, list.dump()); !st.ok())
        log_.Warn("cannot store the origins' retention", {{"error.message", st.error().message}});
}

std::optional<RecordingRetention> ManagerService::Retention(std::string_view node) const {
    std::lock_guard lock(mu_);
    for (const auto& r : retention_)
        if (!node.empty() && r.node == node) return r.retention;
    if (retention_.empty()) return std::nullopt;
    return retention_.back().retention;
}

base::Result<bool> ManagerService::RecordingReported(const RecordingReport& report) {
    if (report.retention) RememberRetention(report.recording.node, *report.retention);
    auto changed = store_.UpsertRecording(report.recording);
    if (!changed.ok()) return changed.error();
    const store::Recording& r = report.recording;
    if (*changed && r.state == store::RecordingState::kFailed) {
        log_.Warn("recording failed", {{"onair.channel", r.channel},
                                       {"onair.recording_id", r.id},
                                       {"onair.node", r.node},
                                       {"error.message", r.error}});
    } else if (*changed && report.type != "recording.updated") {
        log_.Info("recording " + report.type.substr(report.type.find('.') + 1),
                  {{"onair.channel", r.channel}, {"onair.recording_id", r.id}, {"onair.node", r.node}});
    }
    return changed;
}

base::Result<store::Recording> ManagerService::DeleteRecording(std::string_view id) {
    auto r = store_.MarkRecordingDeleting(id);
    if (!r.ok()) return r.error();
    Emit("recording.delete_requested", r->channel_id,
         {{"channel", {{"id", r->channel_id ? nlohmann::json(r->channel_id) : nlohmann::json()}, {"name", r->channel}}},
          {"recording", {{"id", r->id}, {"channel", r->channel}, {"node", r->node}}}});
    return r;
}

size_t ManagerService::Sweep() {
    const int64_t now_ms = now_();
    std::vector<std::string> stale;
    {
        std::lock_guard lock(mu_);
        for (const auto& [id, l] : live_) {
            if (now_ms - l.last_seen_at_ms >= options_.heartbeat_timeout_ms) stale.push_back(id);
        }
    }
    size_t ended = 0;
    for (const auto& id : stale) ended += End(id, store::EndReason::kUnexpected) ? 1 : 0;
    return ended;
}

}  // namespace onair::manager
