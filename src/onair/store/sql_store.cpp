// SPDX-License-Identifier: Apache-2.0
// SqlStore: opening, the schema version, events and settings (channels,
// broadcasts and webhooks are in sql_store_<what>.cpp).
#include "onair/store/sql_store.h"

#include "onair/store/migrations.h"
#include "onair/store/sql_store_rows.h"
#include "onair/store/sql_transaction.h"

namespace onair::store {

using namespace sql_rows;

namespace {

Event EventRow(const SqlRow& row) {
    return Event{row.Int(0), row.Text(1), row.Text(2), row.Int(3), row.Int(4), row.Text(5)};
}

}  // namespace

base::Result<std::unique_ptr<SqlStore>> SqlStore::Open(std::unique_ptr<SqlConnection> db) {
    if (auto st = Migrate(*db); !st.ok()) return st.error();
    return std::unique_ptr<SqlStore>(new SqlStore(std::move(db)));
}

std::string_view SqlStore::backend() const { return db_->dialect() == Dialect::kSqlite ? "sqlite" : "postgres"; }

base::Result<int> SqlStore::SchemaVersion() {
    std::lock_guard lock(mu_);
    return ReadSchemaVersion(*db_);
}

base::Result<int64_t> SqlStore::AppendEvent(const Event& event) {
    if (event.id.empty() || event.type.empty()) return Invalid("an event needs an id and a type");
    std::lock_guard lock(mu_);
    auto tx = SqlTransaction::Begin(*db_);
    if (!tx.ok()) return Failed(tx.error(), "append event");
    if (db_->dialect() == Dialect::kPostgres) {
        // Readers page by seq: appends are serialized so that an event is
        // committed only after every event with a lower seq (a sequence alone
        // hands out numbers in call order, not commit order). SQLite has one
        // writer at a time anyway.
        if (auto r = db_->Run("LOCK TABLE events IN EXCLUSIVE MODE"); !r.ok()) return Failed(r.error(), "append event");
    }
    auto r = db_->Run(
        "INSERT INTO events (id, type, channel_id, at_ms, payload) VALUES ($1, $2, $3, $4, $5) "
        "RETURNING seq",
        {std::string_view(event.id), std::string_view(event.type), event.channel_id, event.at_ms,
         std::string_view(event.payload)});
    if (!r.ok() && r.error().code == base::ErrorCode::kAlreadyExists)
        return base::Error{base::ErrorCode::kAlreadyExists, "event '" + event.id + "' already exists"};
    auto seq = FirstRow<int64_t>(
        r, [](const SqlRow& row) { return row.Int(0); }, "append event",
        base::Error{base::ErrorCode::kIo, "store: append event: no seq returned"});
    if (!seq.ok()) return seq;
    if (auto st = tx->Commit(); !st.ok()) return Failed(st.error(), "append event");
    return seq;
}

base::Result<std::vector<Event>> SqlStore::ListEvents(int64_t after_seq, size_t limit) {
    std::lock_guard lock(mu_);
    return AllRows<Event>(db_->Run("SELECT seq, id, type, channel_id, at_ms, payload FROM events WHERE seq > $1 "
                                   "ORDER BY seq LIMIT $2",
                                   {after_seq, Limit(limit)}),
                          EventRow, "list events");
}

base::Result<std::optional<std::string>> SqlStore::GetSetting(std::string_view key) {
    std::lock_guard lock(mu_);
    auto r = db_->Run("SELECT value FROM settings WHERE key = $1", {key});
    if (!r.ok()) return Failed(r.error(), "get setting");
    if (r->rows.empty()) return std::optional<std::string>{};
    return std::optional<std::string>(r->rows.front().Text(0));
}

base::Status SqlStore::PutSetting(std::string_view key, std::string_view value) {
    if (key.empty()) return Invalid("setting key is empty");
    std::lock_guard lock(mu_);
    auto r = db_->Run(
        "INSERT INTO settings (key, value) VALUES ($1, $2) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        {key, value});
    if (!r.ok()) return Failed(r.error(), "put setting");
    return base::Status::Ok();
}

}  // namespace onair::store
