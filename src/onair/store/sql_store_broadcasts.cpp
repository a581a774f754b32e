// SPDX-License-Identifier: Apache-2.0
// SqlStore: broadcasts, one row per publish session.
#include <limits>

#include "onair/store/sql_store.h"
#include "onair/store/sql_store_rows.h"

namespace onair::store {

using namespace sql_rows;

namespace {

#define ONAIR_BROADCAST_COLUMNS \
    "id, channel_id, channel, node, client_ip, started_at_ms, ended_at_ms, end_reason, last_seen_at_ms, stats_json"

Broadcast BroadcastRow(const SqlRow& row) {
    Broadcast b;
    b.id = row.Text(0);
    b.channel_id = row.Int(1);
    b.channel = row.Text(2);
    b.node = row.Text(3);
    b.client_ip = row.Text(4);
    b.started_at_ms = row.Int(5);
    b.ended_at_ms = row.Int(6);
    if (!row.IsNull(7)) b.end_reason = ParseEndReason(row.Text(7));
    b.last_seen_at_ms = row.Int(8);
    b.stats_json = row.Text(9);
    return b;
}

base::Error NoSuchBroadcast(std::string_view id) { return NotFound("no broadcast '" + std::string(id) + "'"); }

}  // namespace

base::Status SqlStore::InsertBroadcast(const Broadcast& b) {
    if (b.id.empty()) return Invalid("broadcast id is empty");
    if (b.started_at_ms <= 0) return Invalid("broadcast started_at_ms must be positive");
    if (b.ended_at_ms != 0 && !b.end_reason) return Invalid("an ended broadcast needs an end reason");
    const SqlParam reason = b.end_reason ? SqlParam(EndReasonName(*b.end_reason)) : SqlParam(nullptr);
    const std::string_view stats = b.stats_json.empty() ? std::string_view("{}") : std::string_view(b.stats_json);
    const int64_t last_seen = b.last_seen_at_ms ? b.last_seen_at_ms : b.started_at_ms;
    std::lock_guard lock(mu_);
    auto r = db_->Run("INSERT INTO broadcasts (" ONAIR_BROADCAST_COLUMNS
                      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                      {std::string_view(b.id), b.channel_id, std::string_view(b.channel), std::string_view(b.node),
                       std::string_view(b.client_ip), b.started_at_ms, b.ended_at_ms, reason, last_seen, stats});
    if (r.ok()) return base::Status::Ok();
    if (r.error().code == base::ErrorCode::kAlreadyExists)
        return base::Error{base::ErrorCode::kAlreadyExists, "broadcast '" + b.id + "' already exists"};
    if (r.error().code == base::ErrorCode::kNotFound)
        return NotFound("no channel with id " + std::to_string(b.channel_id));
    return Failed(r.error(), "insert broadcast");
}

base::Status SqlStore::UpdateLiveBroadcast(std::string_view what, std::string_view sql,
                                           std::span<const SqlParam> params) {
    std::lock_guard lock(mu_);
    auto r = db_->Run(sql, params);
    if (!r.ok()) return Failed(r.error(), what);
    if (r->changes > 0) return base::Status::Ok();
    // Nothing live by that id: ended already (no change, fine) or unknown.
    const std::string_view id = std::get<std::string_view>(params[0]);
    auto exists = db_->Run("SELECT 1 FROM broadcasts WHERE id = $1", {id});
    if (!exists.ok()) return Failed(exists.error(), what);
    if (exists->rows.empty()) return NoSuchBroadcast(id);
    return base::Status::Ok();
}

base::Status SqlStore::UpdateBroadcastStats(std::string_view broadcast_id, std::string_view stats_json,
                                            int64_t seen_at_ms) {
    const SqlParam params[] = {broadcast_id, stats_json.empty() ? std::string_view("{}") : stats_json, seen_at_ms};
    return UpdateLiveBroadcast(
        "update broadcast stats",
        "UPDATE broadcasts SET stats_json = $2, last_seen_at_ms = $3 WHERE id = $1 AND ended_at_ms = 0", params);
}

base::Status SqlStore::EndBroadcast(std::string_view broadcast_id, EndReason reason, int64_t ended_at_ms) {
    if (ended_at_ms <= 0) return Invalid("broadcast ended_at_ms must be positive");
    const SqlParam params[] = {broadcast_id, ended_at_ms, EndReasonName(reason)};
    // The first end wins: an ended row no longer matches.
    return UpdateLiveBroadcast(
        "end broadcast", "UPDATE broadcasts SET ended_at_ms = $2, end_reason = $3 WHERE id = $1 AND ended_at_ms = 0",
        params);
}

base::Result<Broadcast> SqlStore::GetBroadcast(std::string_view broadcast_id) {
    std::lock_guard lock(mu_);
    return FirstRow<Broadcast>(
        db_->Run("SELECT " ONAIR_BROADCAST_COLUMNS " FROM broadcasts WHERE id = $1", {broadcast_id}), BroadcastRow,
        "get broadcast", NoSuchBroadcast(broadcast_id));
}

base::Result<std::vector<Broadcast>> SqlStore::ListLiveBroadcasts() {
    std::lock_guard lock(mu_);
    return AllRows<Broadcast>(
        db_->Run("SELECT " ONAIR_BROADCAST_COLUMNS " FROM broadcasts WHERE ended_at_ms = 0 ORDER BY started_at_ms, id"),
        BroadcastRow, "list live broadcasts");
}

base::Result<std::vector<Broadcast>> SqlStore::ListBroadcasts(int64_t channel_id, int64_t before_ms, size_t limit) {
    const int64_t before = before_ms > 0 ? before_ms : std::numeric_limits<int64_t>::max();
    std::lock_guard lock(mu_);
    return AllRows<Broadcast>(
        db_->Run("SELECT " ONAIR_BROADCAST_COLUMNS " FROM broadcasts WHERE channel_id = $1 AND started_at_ms < $2 "
                 "ORDER BY started_at_ms DESC, id DESC LIMIT $3",
                 {channel_id, before, Limit(limit)}),
        BroadcastRow, "list broadcasts");
}

}  // namespace onair::store
