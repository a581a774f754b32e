// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onair/base/result.h"
#include "onair/store/records.h"

namespace onair::store {

/// Everything the manager keeps, behind one interface with two backends:
/// SQLite (a file in the data dir; the default) and PostgreSQL (libpq). Both
/// run the same versioned migrations (store/migrations.h) and the same test
/// suite.
///
/// Errors: kNotFound for an unknown id or name, kAlreadyExists for a
/// duplicate channel name, kInvalidData for a bad argument, kIo for the
/// database itself (the message never holds a stream key or token).
///
/// Thread safety: every method may be called from any thread. Calls block on
/// the database: call them from a worker pool, not from an IO thread.
class ManagerStore {
public:
    virtual ~ManagerStore() = default;

    /// "sqlite" or "postgres", for logs and /healthz.
    virtual std::string_view backend() const = 0;
    /// The schema version after migrations (migrations.h: kSchemaVersion).
    virtual base::Result<int> SchemaVersion() = 0;

    // --- channels -----------------------------------------------------------
    /// A new channel with a fresh stream key (returned once, stored hashed).
    virtual base::Result<CreatedChannel> CreateChannel(const ChannelSpec& spec) = 0;
    virtual base::Result<std::vector<Channel>> ListChannels() = 0;
    virtual base::Result<Channel> GetChannel(std::string_view name) = 0;
    virtual base::Result<Channel> GetChannelById(int64_t id) = 0;
    /// Applies the fields that are set in `update`.
    virtual base::Result<Channel> UpdateChannel(std::string_view name, const ChannelUpdate& update) = 0;
    /// Returns the new plaintext key; the old one stops working at once.
    virtual base::Result<std::string> RotateKey(std::string_view name) = 0;
    /// Deletes the channel, its broadcasts and its webhooks.
    virtual base::Status DeleteChannel(std::string_view name) = 0;
    /// The channel whose key this is, or nullopt. The key is hashed
    /// (HashStreamKey) and the stored hash compared in constant time.
    virtual base::Result<std::optional<Channel>> FindChannelByKey(std::string_view presented_key) = 0;

    // --- broadcasts (one row per publish session) ----------------------------
    /// kAlreadyExists for a known id, kNotFound for an unknown channel_id.
    virtual base::Status InsertBroadcast(const Broadcast& broadcast) = 0;
    /// Updates stats_json and last_seen_at_ms of a live broadcast; kNotFound
    /// if unknown, and no change (ok) if it has ended.
    virtual base::Status UpdateBroadcastStats(std::string_view broadcast_id, std::string_view stats_json,
                                              int64_t seen_at_ms) = 0;
    /// Marks a live broadcast ended; kNotFound if unknown, and no change (ok)
    /// if it had ended already (the first reason wins).
    virtual base::Status EndBroadcast(std::string_view broadcast_id, EndReason reason, int64_t ended_at_ms) = 0;
    virtual base::Result<Broadcast> GetBroadcast(std::string_view broadcast_id) = 0;
    /// Broadcasts that have not ended, oldest first.
    virtual base::Result<std::vector<Broadcast>> ListLiveBroadcasts() = 0;
    /// A channel's broadcasts, newest first; `before_ms` > 0 pages back.
    virtual base::Result<std::vector<Broadcast>> ListBroadcasts(int64_t channel_id, int64_t before_ms,
                                                                size_t limit) = 0;

    // --- events (append-only; what webhooks deliver) --------------------------
    /// Assigns event.seq (increasing, in commit order) and returns it;
    /// kAlreadyExists for a known event id.
    virtual base::Result<int64_t> AppendEvent(const Event& event) = 0;
    /// Events with seq > after_seq, oldest first.
    virtual base::Result<std::vector<Event>> ListEvents(int64_t after_seq, size_t limit) = 0;

    // --- webhooks -------------------------------------------------------------
    /// kInvalidData unless the url is http(s) and the secret 1-256 bytes;
    /// kNotFound for an unknown channel_id.
    virtual base::Result<Webhook> CreateWebhook(const WebhookSpec& spec) = 0;
    virtual base::Result<std::vector<Webhook>> ListWebhooks() = 0;
    virtual base::Result<Webhook> GetWebhook(int64_t id) = 0;
    virtual base::Status DeleteWebhook(int64_t id) = 0;
    /// One pending delivery per (webhook, event); returns its id.
    /// kAlreadyExists if that pair has one, kNotFound for an unknown webhook.
    /// created_at_ms/updated_at_ms: now when 0 (UpdateDelivery likewise).
    virtual base::Result<int64_t> InsertDelivery(const WebhookDelivery& delivery) = 0;
    virtual base::Status UpdateDelivery(const WebhookDelivery& delivery) = 0;
    /// Pending deliveries due at or before now_ms, oldest first.
    virtual base::Result<std::vector<WebhookDelivery>> DueDeliveries(int64_t now_ms, size_t limit) = 0;
    /// A webhook's deliveries, newest first.
    virtual base::Result<std::vector<WebhookDelivery>> ListDeliveries(int64_t webhook_id, size_t limit) = 0;

    // --- recordings (the origins' catalog, from their recording.* events) -------
    /// Inserts or updates the recording `recording.id`, never moving it
    /// backwards: an update applies only when its state ranks higher
    /// (RecordingStateRank), or ranks the same with a duration (then bytes)
    /// not smaller than the stored one. So a late recording.updated after
    /// recording.finalized or recording.deleted changes nothing, and a replay
    /// is harmless. channel_id is looked up by channel name (0 if none);
    /// updated_at_ms is now. Returns whether the row changed; kInvalidData
    /// without an id, channel or start time.
    virtual base::Result<bool> UpsertRecording(const Recording& recording) = 0;
    virtual base::Result<Recording> GetRecording(std::string_view id) = 0;
    /// A channel's recordings (by name), newest first; `before_ms` > 0 pages
    /// back by start time. Deleted ones only with `include_deleted`.
    virtual base::Result<std::vector<Recording>> ListRecordings(std::string_view channel, int64_t before_ms,
                                                                size_t limit, bool include_deleted) = 0;
    /// Moves a recording to kDeleting (an admin asked the origin to delete
    /// it) and returns it; already deleting: unchanged, returned again (the
    /// request may be repeated). kNotFound if unknown, kAlreadyExists if it
    /// is deleted already.
    virtual base::Result<Recording> MarkRecordingDeleting(std::string_view id) = 0;

    // --- settings (admin token hash and the like) ------------------------------
    virtual base::Result<std::optional<std::string>> GetSetting(std::string_view key) = 0;
    virtual base::Status PutSetting(std::string_view key, std::string_view value) = 0;
};

/// Opens (creating and migrating) a store:
///   "postgres://..." or "postgresql://..."  PostgreSQL (libpq connection URI)
///   "sqlite:PATH" or a plain PATH            SQLite file (WAL mode)
base::Result<std::unique_ptr<ManagerStore>> OpenStore(const std::string& location);

}  // namespace onair::store
