// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onair::store {

/// A channel as stored. The stream key is not part of it: only its hash is
/// kept, and the plaintext exists once, when created or rotated.
struct Channel {
    int64_t id = 0;
    std::string name;   // [a-z0-9][a-z0-9_-]{0,63}: it appears in URLs
    std::string title;  // free text for people (≤ 200 bytes)
    bool enabled = true;  // a disabled channel refuses every publish
    int64_t created_at_ms = 0;
    int64_t updated_at_ms = 0;
    int64_t key_rotated_at_ms = 0;
    /// The channel's ABR ladder (JSON, as format::ladder::WriteLadder
    /// writes it); none: the deployment's (transcode.ladder).
    std::optional<std::string> ladder;
};

/// A ladder's JSON is at most this long (format::ladder's limit).
inline constexpr size_t kMaxLadderBytes = 16 * 1024;

struct ChannelSpec {
    std::string name;
    std::string title;
    bool enabled = true;
    std::optional<std::string> ladder = std::nullopt;
};

struct ChannelUpdate {
    std::optional<std::string> title;
    std::optional<bool> enabled;
    /// Unset: unchanged; set to nullopt: back to the deployment's ladder.
    std::optional<std::optional<std::string>> ladder = std::nullopt;
};

struct CreatedChannel {
    Channel channel;
    std::string stream_key;  // plaintext, shown once
};

/// Channel names: [a-z0-9][a-z0-9_-]{0,63} (they appear in URLs).
bool IsValidChannelName(std::string_view name);

/// Why a broadcast ended (the `reason` of broadcast.ended).
enum class EndReason {
    kPublisherClosed,  // FCUnpublish/deleteStream/unpublish hook: the publisher stopped
    kTakenOver,        // the same key published again; the new session continues
    kKicked,           // an admin kicked the publisher
    kUnexpected,       // the publisher vanished: TCP reset, no media, lost ingest node
    kServerShutdown,   // the ingest node shut down
};
std::string_view EndReasonName(EndReason reason);  // "publisher_closed", ...
std::optional<EndReason> ParseEndReason(std::string_view name);

/// One publish session of a channel.
struct Broadcast {
    std::string id;  // unique, assigned by the manager ("br_" + 16 hex)
    int64_t channel_id = 0;
    std::string channel;    // the channel's name at the time
    std::string node;       // the ingest that holds it ("local", an ingest node id, "nginx-rtmp:<addr>")
    std::string client_ip;  // the publisher's address
    int64_t started_at_ms = 0;
    int64_t ended_at_ms = 0;  // 0 while live
    std::optional<EndReason> end_reason;
    int64_t last_seen_at_ms = 0;  // last stats or heartbeat from the ingest
    std::string stats_json;       // last stats snapshot, a JSON object ("{}" if none)

    bool live() const { return ended_at_ms == 0; }
};

/// Something that happened, as webhooks and (later) the events topic carry
/// it. `payload` is the whole JSON object that is delivered.
struct Event {
    int64_t seq = 0;   // assigned by the store, increasing
    std::string id;    // unique ("ev_" + 16 hex), the idempotency key receivers see
    std::string type;  // "broadcast.started", "broadcast.ended", "publish.rejected"
    int64_t channel_id = 0;  // 0 when no channel is known (a rejected unknown key)
    int64_t at_ms = 0;
    std::string payload;
};

/// An outgoing webhook: global (channel_id 0) or for one channel.
struct Webhook {
    int64_t id = 0;
    int64_t channel_id = 0;
    std::string url;
    std::string secret;               // HMAC-SHA256 key for the signature header
    std::vector<std::string> events;  // event types; empty = all
    bool enabled = true;
    int64_t created_at_ms = 0;
};

struct WebhookSpec {
    int64_t channel_id = 0;
    std::string url;
    std::string secret;
    std::vector<std::string> events;
};

enum class DeliveryState { kPending, kDelivered, kFailed };
std::string_view DeliveryStateName(DeliveryState state);  // "pending", "delivered", "failed"
std::optional<DeliveryState> ParseDeliveryState(std::string_view name);

struct WebhookDelivery {
    int64_t id = 0;
    int64_t webhook_id = 0;
    std::string event_id;
    std::string event_type;
    std::string payload;
    DeliveryState state = DeliveryState::kPending;
    int attempts = 0;
    int last_status = 0;      // HTTP status of the last attempt, 0 if none
    std::string last_error;   // transport error of the last attempt
    int64_t next_attempt_at_ms = 0;
    int64_t created_at_ms = 0;
    int64_t updated_at_ms = 0;
};

/// Where a recording is in its life. Recordings only move forward:
/// recording < complete = failed < deleting < deleted (RecordingStateRank).
enum class RecordingState {
    kRecording,  // the origin is writing it (the broadcast is live)
    kComplete,   // finalized: the VOD playlist is closed and the MP4 made
    kFailed,     // the origin could not write it (disk full, unwritable dir)
    kDeleting,   // an admin asked for it to be deleted; the origin has not confirmed
    kDeleted,    // the origin removed the files (on request or by retention)
};
std::string_view RecordingStateName(RecordingState state);  // "recording", "complete", ...
std::optional<RecordingState> ParseRecordingState(std::string_view name);
/// The order states move in: 0 recording, 1 complete and failed, 2 deleting, 3 deleted.
int RecordingStateRank(RecordingState state);

/// A broadcast as an origin recorded it (the catalog the manager keeps from
/// the origin's recording.* events; docs/EVENTS.md).
struct Recording {
    std::string id;            // the origin's recording id (the broadcast id)
    std::string channel;       // the channel's name
    int64_t channel_id = 0;    // the channel's id while it exists, else 0
    std::string broadcast_id;
    RecordingState state = RecordingState::kRecording;
    int64_t started_at_ms = 0;
    int64_t ended_at_ms = 0;   // 0 while recording
    int64_t duration_ms = 0;
    int64_t bytes = 0;
    int64_t segments = 0;
    int64_t discontinuities = 0;
    std::string vod_url;       // HLS VOD playlist, relative ("/vod/...") or absolute, as the origin gave it
    std::string mp4_url;       // "" until finalized
    int64_t expires_at_ms = 0; // 0: kept until deleted
    std::string error;         // why it failed; "" otherwise
    std::string node;          // the origin node that holds the files
    int64_t updated_at_ms = 0; // when the catalog last changed it (set by the store)
};

}  // namespace onair::store
