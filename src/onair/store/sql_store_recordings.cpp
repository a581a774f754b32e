// SPDX-License-Identifier: Apache-2.0
// SqlStore: recordings, the origins' catalog of recorded broadcasts.
#include <limits>

#include "onair/store/sql_store.h"
#include "onair/store/sql_store_rows.h"

namespace onair::store {

using namespace sql_rows;

namespace {

constexpr size_t kMaxIdBytes = 128;
constexpr size_t kMaxUrlBytes = 2048;
constexpr size_t kMaxErrorBytes = 1024;

#define ONAIR_RECORDING_COLUMNS                                                                                  \
    "id, channel, channel_id, broadcast_id, state, started_at_ms, ended_at_ms, duration_ms, bytes, segments, " \
    "discontinuities, vod_url, mp4_url, expires_at_ms, error, node, updated_at_ms"

Recording RecordingRow(const SqlRow& row) {
    Recording r;
    r.id = row.Text(0);
    r.channel = row.Text(1);
    r.channel_id = row.Int(2);  // NULL (no such channel now): 0
    r.broadcast_id = row.Text(3);
    r.state = ParseRecordingState(row.Text(4)).value_or(RecordingState::kFailed);
    r.started_at_ms = row.Int(5);
    r.ended_at_ms = row.Int(6);
    r.duration_ms = row.Int(7);
    r.bytes = row.Int(8);
    r.segments = row.Int(9);
    r.discontinuities = row.Int(10);
    r.vod_url = row.Text(11);
    r.mp4_url = row.Text(12);
    r.expires_at_ms = row.Int(13);
    r.error = row.Text(14);
    r.node = row.Text(15);
    r.updated_at_ms = row.Int(16);
    return r;
}

base::Error NoSuchRecording(std::string_view id) { return NotFound("no recording '" + std::string(id) + "'"); }

base::Status CheckRecording(const Recording& r) {
    if (r.id.empty() || r.id.size() > kMaxIdBytes) return Invalid("recording id must be 1-128 bytes");
    if (r.broadcast_id.size() > kMaxIdBytes) return Invalid("recording broadcast_id longer than 128 bytes");
    if (!IsValidChannelName(r.channel)) return Invalid("recording channel is not a valid channel name");
    if (r.started_at_ms <= 0) return Invalid("recording started_at_ms must be positive");
    if (r.vod_url.size() > kMaxUrlBytes || r.mp4_url.size() > kMaxUrlBytes)
        return Invalid("recording urls must be at most 2048 bytes");
    if (r.error.size() > kMaxErrorBytes) return Invalid("recording error longer than 1024 bytes");
    if (r.duration_ms < 0 || r.bytes < 0 || r.segments < 0 || r.discontinuities < 0 || r.ended_at_ms < 0 ||
        r.expires_at_ms < 0)
        return Invalid("recording counters and times must not be negative");
    return base::Status::Ok();
}

SqlParam TextOrNull(const std::string& s) { return s.empty() ? SqlParam(nullptr) : SqlParam(std::string_view(s)); }

}  // namespace

base::Result<bool> SqlStore::UpsertRecording(const Recording& r) {
    if (auto st = CheckRecording(r); !st.ok()) return st.error();
    std::lock_guard lock(mu_);
    // One statement, so two managers (or a replay racing a live event) cannot
    // interleave a read and a write: the WHERE of the update is the rule.
    auto res = db_->Run(
        "INSERT INTO recordings (id, channel, channel_id, broadcast_id, state, state_rank, started_at_ms, "
        "ended_at_ms, duration_ms, bytes, segments, discontinuities, vod_url, mp4_url, expires_at_ms, error, node, "
        "updated_at_ms) VALUES ($1, $2, (SELECT id FROM channels WHERE name = $2), $3, $4, $5, $6, $7, $8, $9, $10, "
        "$11, $12, $13, $14, $15, $16, $17) "
        "ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, channel_id = excluded.channel_id, "
        "broadcast_id = excluded.broadcast_id, state = excluded.state, state_rank = excluded.state_rank, "
        "started_at_ms = excluded.started_at_ms, ended_at_ms = excluded.ended_at_ms, "
        "duration_ms = excluded.duration_ms, bytes = excluded.bytes, segments = excluded.segments, "
        "discontinuities = excluded.discontinuities, vod_url = excluded.vod_url, mp4_url = excluded.mp4_url, "
        "expires_at_ms = excluded.expires_at_ms, error = excluded.error, node = excluded.node, "
        "updated_at_ms = excluded.updated_at_ms "
        "WHERE excluded.state_rank > recordings.state_rank OR (excluded.state_rank = recordings.state_rank AND "
        "(excluded.duration_ms > recordings.duration_ms OR (excluded.duration_ms = recordings.duration_ms AND "
        "excluded.bytes >= recordings.bytes)))",
        {std::string_view(r.id), std::string_view(r.channel), std::string_view(r.broadcast_id),
         RecordingStateName(r.state), int64_t{RecordingStateRank(r.state)}, r.started_at_ms, r.ended_at_ms,
         r.duration_ms, r.bytes, r.segments, r.discontinuities, std::string_view(r.vod_url), TextOrNull(r.mp4_url),
         r.expires_at_ms, TextOrNull(r.error), std::string_view(r.node), NowMs()});
    if (!res.ok()) return Failed(res.error(), "upsert recording");
    return res->changes > 0;
}

base::Result<Recording> SqlStore::GetRecording(std::string_view id) {
    std::lock_guard lock(mu_);
    return FirstRow<Recording>(
        db_->Run("SELECT " ONAIR_RECORDING_COLUMNS " FROM recordings WHERE id = $1", {id}), RecordingRow,
        "get recording", NoSuchRecording(id));
}

base::Result<std::vector<Recording>> SqlStore::ListRecordings(std::string_view channel, int64_t before_ms,
                                                              size_t limit, bool include_deleted) {
    const int64_t before = before_ms > 0 ? before_ms : std::numeric_limits<int64_t>::max();
    std::lock_guard lock(mu_);
    return AllRows<Recording>(
        db_->Run("SELECT " ONAIR_RECORDING_COLUMNS " FROM recordings WHERE channel = $1 AND started_at_ms < $2 "
                 "AND ($4 OR state <> 'deleted') ORDER BY started_at_ms DESC, id DESC LIMIT $3",
                 {channel, before, Limit(limit), include_deleted}),
        RecordingRow, "list recordings");
}

base::Result<Recording> SqlStore::MarkRecordingDeleting(std::string_view id) {
    const int64_t deleting_rank = RecordingStateRank(RecordingState::kDeleting);
    std::lock_guard lock(mu_);
    // Already deleting matches too (the request may be repeated); deleted does not.
    auto r = db_->Run("UPDATE recordings SET state = $2, updated_at_ms = CASE WHEN state_rank < $3 THEN $4 ELSE "
                      "updated_at_ms END, state_rank = $3 WHERE id = $1 AND state_rank <= $3 "
                      "RETURNING " ONAIR_RECORDING_COLUMNS,
                      {id, RecordingStateName(RecordingState::kDeleting), deleting_rank, NowMs()});
    if (!r.ok()) return Failed(r.error(), "mark recording deleting");
    if (!r->rows.empty()) return RecordingRow(r->rows.front());
    auto exists = db_->Run("SELECT 1 FROM recordings WHERE id = $1", {id});
    if (!exists.ok()) return Failed(exists.error(), "mark recording deleting");
    if (exists->rows.empty()) return NoSuchRecording(id);
    return base::Error{base::ErrorCode::kAlreadyExists, "recording '" + std::string(id) + "' is deleted already"};
}

}  // namespace onair::store
