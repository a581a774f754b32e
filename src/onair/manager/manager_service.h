// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "onair/base/result.h"
#include "onair/manager/edge_stats_events.h"
#include "onair/manager/rate_limiter.h"
#include "onair/manager/recording_events.h"
#include "onair/runtime/logger.h"
#include "onair/server/publish_gate.h"
#include "onair/store/manager_store.h"

namespace onair::manager {

struct ManagerOptions {
    /// A live broadcast whose ingest has not reported for this long ended
    /// unexpectedly (its ingest node is gone). Ingests report every second.
    int64_t heartbeat_timeout_ms = 3000;
    /// Failed publishes (wrong key) per client address before it is refused
    /// without a lookup, and the window they are counted in. 0: no limit.
    uint32_t max_failed_publishes = 10;
    int64_t failed_publish_window_ms = 60000;
    /// Live stats are kept in memory and written to the store this often.
    int64_t stats_persist_interval_ms = 10000;
    /// An edge whose edge.stats reports stop (it is gone, or has no viewer
    /// of the broadcast left) no longer counts after this long. Edges
    /// report every 5 s.
    int64_t edge_report_timeout_ms = 15000;
};

/// Receives every event once it is stored. Called on the thread that caused
/// it, without the manager's lock: must not block for long.
class EventListener {
public:
    virtual ~EventListener() = default;
    virtual void OnEvent(const store::Event& event) = 0;
};

/// A live broadcast as the API shows it.
struct LiveBroadcast {
    store::Broadcast broadcast;
    std::optional<server::BroadcastStats> stats;  // none until the ingest's first report
    int64_t last_seen_at_ms = 0;
};

/// The manager's decisions: who may publish, the lifecycle of every
/// broadcast (started → ended with a reason, also when it ends
/// unexpectedly), and the events that announce them.
///
/// Thread-safe. Methods block on the store: call them from a worker pool.
class ManagerService {
public:
    using NowFn = std::function<int64_t()>;  // ms since the epoch

    /// Broadcasts the store still holds as live (a previous run) are given
    /// one heartbeat timeout to be reported again before they are ended.
    ManagerService(store::ManagerStore& store, ManagerOptions options, NowFn now = {});

    store::ManagerStore& store() { return store_; }
    int64_t NowMs() const { return now_(); }

    // --- channels: the store's, plus what a live publisher implies -----------
    /// Disabling a channel, or deleting it, kicks its live publisher.
    base::Result<store::Channel> UpdateChannel(std::string_view name, const store::ChannelUpdate& update);
    base::Status DeleteChannel(std::string_view name);

    // --- the ingest side --------------------------------------------------------
    /// Verifies a key. Allowed: a new broadcast is recorded and
    /// broadcast.started announced; a broadcast of the same channel still
    /// live is ended as taken over. Refused: publish.rejected (unless the
    /// address is being rate-limited) and a key-free reason.
    server::PublishVerdict AuthorizePublish(const server::PublishAttempt& attempt);
    /// The ingest says the session ended. The first reason recorded wins.
    void PublishEnded(std::string_view broadcast_id, store::EndReason reason);
    /// Stats and heartbeat. Returns true when the publisher must go: the
    /// broadcast is not live (kicked, taken over, ended by a sweep) or unknown.
    bool ReportStats(const server::BroadcastStats& stats);

    // --- admin --------------------------------------------------------------------
    /// Ends the channel's live broadcast as kicked; its ingest drops the
    /// publisher at its next report. kNotFound if the channel is not live.
    base::Status Kick(std::string_view channel);
    std::vector<LiveBroadcast> LiveBroadcasts() const;
    std::optional<LiveBroadcast> LiveBroadcastOf(std::string_view channel) const;

    /// An edge found records of the channel's live broadcast missing from
    /// the log (a `media.gap` event on the bus; see docs/EVENTS.md):
    /// announced once as broadcast.gap, however many edges report it.
    /// Returns false if the channel is not live or the gap was announced.
    bool MediaGap(std::string_view channel, const nlohmann::json& report);
    /// An edge's viewers and bytes of the channel's live broadcast (an
    /// `edge.stats` event): the edge's latest report replaces its previous
    /// one; the broadcast's stats then show the sum over the edges heard
    /// from within edge_report_timeout_ms (BroadcastStats::hls_viewers,
    /// edges, hls_bytes, hls_kbps; `viewers` is RTMP + HLS). Memory only.
    /// Returns false if the channel is not live.
    bool EdgeStatsReported(const EdgeStatsReport& report);

    // --- recordings (the origins' catalog; docs/EVENTS.md) ---------------------
    /// An origin's recording.* event: the recording upserted (never moved
    /// backwards: ManagerStore::UpsertRecording) and the origin's retention
    /// remembered (memory, and the setting "recording_retention" when it
    /// changes). Returns whether the recording changed.
    base::Result<bool> RecordingReported(const RecordingReport& report);
    /// An admin asks for a recording to be deleted: it becomes `deleting`
    /// and recording.delete_requested is announced (stored, to webhooks, and
    /// on the bus, where its origin takes it). Asking again announces again.
    /// kNotFound if unknown, kAlreadyExists if deleted already.
    base::Result<store::Recording> DeleteRecording(std::string_view id);
    /// The latest retention `node` reported; for an unknown or empty node,
    /// the latest any origin reported; nullopt if none ever did.
    std::optional<RecordingRetention> Retention(std::string_view node) const;

    /// Ends every live broadcast not reported for heartbeat_timeout_ms, as
    /// unexpected. Call about once a second. Returns how many ended.
    size_t Sweep();

    /// Listeners are added before the service is used and never removed.
    void AddListener(EventListener* listener);

private:
    struct EdgeReport {
        EdgeStatsReport report;
        int64_t received_at_ms = 0;
    };
    struct Live {
        store::Broadcast broadcast;
        std::optional<server::BroadcastStats> stats;
        int64_t last_seen_at_ms = 0;
        int64_t persisted_at_ms = 0;
        std::map<std::string, EdgeReport, std::less<>> edges;  // by edge node (bounded: kMaxEdgesPerBroadcast)
        uint64_t hls_bytes = 0;
    };
    static constexpr size_t kMaxEdgesPerBroadcast = 4096;

    /// `l` as the API shows it: its stats with the edges' reports folded in.
    LiveBroadcast ViewLocked(const Live& l, int64_t now_ms) const;

    /// Ends `id` if live: store, memory, event. False if it was not live.
    bool End(const std::string& id, store::EndReason reason);
    void Emit(std::string type, int64_t channel_id, nlohmann::json body);
    void Reject(const server::PublishAttempt& attempt, std::string_view reason, const store::Channel* channel);
    void LoadRetention();
    void RememberRetention(const std::string& node, const RecordingRetention& retention);

    store::ManagerStore& store_;
    const ManagerOptions options_;
    const NowFn now_;
    const runtime::Logger log_{"manager"};
    FailureRateLimiter limiter_;
    std::mutex listeners_mu_;
    std::vector<EventListener*> listeners_;
    mutable std::mutex mu_;
    std::unordered_map<std::string, Live> live_;  // by broadcast id
    std::vector<std::string> gaps_announced_;     // recent gap keys, newest last (bounded)
    struct NodeRetention {
        std::string node;
        RecordingRetention retention;
    };
    std::vector<NodeRetention> retention_;  // by origin node, latest reported last (bounded)
};

}  // namespace onair::manager
