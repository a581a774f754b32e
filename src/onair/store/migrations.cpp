// SPDX-License-Identifier: Apache-2.0
#include "onair/store/migrations.h"

#include "onair/store/sql_transaction.h"

namespace onair::store {

const std::vector<Migration>& Migrations() {
    static const std::vector<Migration> migrations = {
        {1,
         "channels with hashed stream keys (the schema of the first ChannelStore, unchanged)",
         {
             "CREATE TABLE channels ("
             "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
             "  name TEXT NOT NULL UNIQUE,"
             "  key_hash TEXT NOT NULL UNIQUE,"
             "  created_at_ms INTEGER NOT NULL,"
             "  key_rotated_at_ms INTEGER NOT NULL)",
         }},
        {2,
         "channel title/enabled/updated_at; broadcasts, events, webhooks, deliveries, settings",
         {
             "ALTER TABLE channels ADD COLUMN title TEXT NOT NULL DEFAULT ''",
             "ALTER TABLE channels ADD COLUMN enabled BOOLEAN NOT NULL DEFAULT TRUE",
             "ALTER TABLE channels ADD COLUMN updated_at_ms INTEGER NOT NULL DEFAULT 0",
             "UPDATE channels SET updated_at_ms = key_rotated_at_ms",
             "CREATE TABLE broadcasts ("
             "  id TEXT PRIMARY KEY,"
             "  channel_id INTEGER NOT NULL REFERENCES channels (id) ON DELETE CASCADE,"
             "  channel TEXT NOT NULL,"
             "  node TEXT NOT NULL,"
             "  client_ip TEXT NOT NULL,"
             "  started_at_ms INTEGER NOT NULL,"
             "  ended_at_ms INTEGER NOT NULL DEFAULT 0,"  // 0 while live
             "  end_reason TEXT,"
             "  last_seen_at_ms INTEGER NOT NULL,"
             "  stats_json TEXT NOT NULL DEFAULT '{}')",
             "CREATE INDEX broadcasts_by_channel ON broadcasts (channel_id, started_at_ms)",
             "CREATE INDEX broadcasts_live ON broadcasts (started_at_ms) WHERE ended_at_ms = 0",
             // Append-only; channel_id 0 when no channel is known. Not tied to
             // channels: the history outlives a deleted channel.
             "CREATE TABLE events ("
             "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
             "  id TEXT NOT NULL UNIQUE,"
             "  type TEXT NOT NULL,"
             "  channel_id INTEGER NOT NULL DEFAULT 0,"
             "  at_ms INTEGER NOT NULL,"
             "  payload TEXT NOT NULL)",
             // channel_id NULL: every channel. events: the wanted types,
             // comma-separated; '' for all.
             "CREATE TABLE webhooks ("
             "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
             "  channel_id INTEGER REFERENCES channels (id) ON DELETE CASCADE,"
             "  url TEXT NOT NULL,"
             "  secret TEXT NOT NULL,"
             "  events TEXT NOT NULL,"
             "  enabled BOOLEAN NOT NULL DEFAULT TRUE,"
             "  created_at_ms INTEGER NOT NULL)",
             "CREATE INDEX webhooks_by_channel ON webhooks (channel_id)",
             "CREATE TABLE webhook_deliveries ("
             "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
             "  webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,"
             "  event_id TEXT NOT NULL,"
             "  event_type TEXT NOT NULL,"
             "  payload TEXT NOT NULL,"
             "  state TEXT NOT NULL,"
             "  attempts INTEGER NOT NULL DEFAULT 0,"
             "  last_status INTEGER NOT NULL DEFAULT 0,"
             "  last_error TEXT NOT NULL DEFAULT '',"
             "  next_attempt_at_ms INTEGER NOT NULL,"
             "  created_at_ms INTEGER NOT NULL,"
             "  updated_at_ms INTEGER NOT NULL,"
             "  UNIQUE (webhook_id, event_id))",
             "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at_ms) WHERE state = 'pending'",
             "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
         }},
        {3,
         "a channel's own ABR ladder (NULL: the deployment's)",
         {
             "ALTER TABLE channels ADD COLUMN ladder TEXT",
         }},
        {4,
         "recordings: the origins' catalog of recorded broadcasts",
         {
             // Kept by channel name: a recording outlives its channel (the
             // files are the origin's), so channel_id only links it while the
             // channel exists. state_rank orders the states
             // (store::RecordingStateRank) so an update never moves one back.
             "CREATE TABLE recordings ("
             "  id TEXT PRIMARY KEY,"
             "  channel TEXT NOT NULL,"
             "  channel_id INTEGER REFERENCES channels (id) ON DELETE SET NULL,"
             "  broadcast_id TEXT NOT NULL,"
             "  state TEXT NOT NULL,"
             "  state_rank INTEGER NOT NULL,"
             "  started_at_ms INTEGER NOT NULL,"
             "  ended_at_ms INTEGER NOT NULL DEFAULT 0,"
             "  duration_ms INTEGER NOT NULL DEFAULT 0,"
             "  bytes INTEGER NOT NULL DEFAULT 0,"
             "  segments INTEGER NOT NULL DEFAULT 0,"
             "  discontinuities INTEGER NOT NULL DEFAULT 0,"
             "  vod_url TEXT NOT NULL DEFAULT '',"
             "  mp4_url TEXT,"
             "  expires_at_ms INTEGER NOT NULL DEFAULT 0,"
             "  error TEXT,"
             "  node TEXT NOT NULL DEFAULT '',"
             "  updated_at_ms INTEGER NOT NULL)",
             "CREATE INDEX recordings_by_channel ON recordings (channel, started_at_ms)",
             "CREATE INDEX recordings_by_channel_id ON recordings (channel_id)",
         }},
    };
    return migrations;
}

namespace {

// Any constant: every onair migrating this PostgreSQL database takes the same lock.
constexpr int64_t kMigrationLockKey = 0x6f6e616972;  // "onair"

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
}

base::Error MigrationError(const base::Error& e, std::string_view what) {
    return e.Wrap("store: " + std::string(what));
}

}  // namespace

std::string StatementFor(Dialect dialect, std::string_view statement) {
    std::string out(statement);
    if (dialect == Dialect::kPostgres) {
        ReplaceAll(out, "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
        ReplaceAll(out, "INTEGER", "BIGINT");
    }
    return out;
}

base::Result<int> ReadSchemaVersion(SqlConnection& db) {
    auto r = db.Run("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    if (!r.ok()) return MigrationError(r.error(), "reading the schema version");
    if (r->rows.size() != 1) return base::Error{base::ErrorCode::kIo, "store: reading the schema version: no row"};
    return static_cast<int>(r->rows[0].Int(0));
}

base::Status Migrate(SqlConnection& db) {
    auto tx = SqlTransaction::Begin(db);
    if (!tx.ok()) return MigrationError(tx.error(), "migration: begin");
    if (db.dialect() == Dialect::kPostgres) {
        if (auto r = db.Run("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey}); !r.ok())
            return MigrationError(r.error(), "migration: lock");
    }
    // The table of the first ChannelStore: one row per applied version.
    if (auto r =
            db.Run(StatementFor(db.dialect(), "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
        !r.ok())
        return MigrationError(r.error(), "migration: schema_version");
    auto version = ReadSchemaVersion(db);
    if (!version.ok()) return version.error();
    if (*version > kSchemaVersion) {
        return base::Error{base::ErrorCode::kUnsupported, "store: database schema version " + std::to_string(*version) +
                                                              " is newer than this onair (" +
                                                              std::to_string(kSchemaVersion) + "); use a newer onair"};
    }
    for (const Migration& m : Migrations()) {
        if (m.version <= *version) continue;
        const std::string what = "migration to version " + std::to_string(m.version);
        for (std::string_view s : m.statements) {
            if (auto r = db.Run(StatementFor(db.dialect(), s)); !r.ok()) return MigrationError(r.error(), what);
        }
        if (auto r = db.Run("INSERT INTO schema_version (version) VALUES ($1)", {int64_t{m.version}}); !r.ok())
            return MigrationError(r.error(), what);
    }
    if (auto st = tx->Commit(); !st.ok()) return MigrationError(st.error(), "migration: commit");
    return base::Status::Ok();
}

}  // namespace onair::store
