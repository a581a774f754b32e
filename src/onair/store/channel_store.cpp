// SPDX-License-Identifier: Apache-2.0
#include "onair/store/channel_store.h"

#include <sqlite3.h>

#include <chrono>

#include "onair/store/stream_key.h"

namespace onair::store {

namespace {

int64_t NowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

base::Error DbError(sqlite3* db, std::string_view what) {
    return base::Error{base::ErrorCode::kIo, "channel store: " + std::string(what) + ": " + sqlite3_errmsg(db)};
}

/// RAII prepared statement.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) : db_(db) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    bool ok() const { return rc_ == SQLITE_OK; }
    void Bind(int i, std::string_view s) { sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT); }
    void Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
    int Step() { return sqlite3_step(stmt_); }
    int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
    std::string Text(int col) const {
        auto* p = sqlite3_column_text(stmt_, col);
        return p ? reinterpret_cast<const char*>(p) : "";
    }
    Channel Row() const { return Channel{Int(0), Text(1), Int(2), Int(3)}; }

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    int rc_;
};

constexpr const char* kChannelColumns = "id, name, created_at_ms, key_rotated_at_ms";

base::Error InvalidName(std::string_view name) {
    (void)name;
    return base::Error{base::ErrorCode::kInvalidData,
                       "invalid channel name: use 1-64 characters a-z, 0-9, '_' or '-', starting with a letter or digit"};
}

}  // namespace

bool IsValidChannelName(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '_' && c != '-'))) return false;
    }
    return true;
}

base::Result<std::unique_ptr<ChannelStore>> ChannelStore::Open(const std::string& path) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                   nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = "channel store: cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return base::Error{base::ErrorCode::kIo, msg};
    }
    sqlite3_busy_timeout(db, 5000);
    std::unique_ptr<ChannelStore> store(new ChannelStore(db));
    if (auto st = store->Migrate(); !st.ok()) return st.error();
    return store;
}

ChannelStore::~ChannelStore() { sqlite3_close(db_); }

base::Status ChannelStore::Migrate() {
    std::lock_guard lock(mu_);
    char* err = nullptr;
    auto exec = [&](const char* sql) -> base::Status {
        if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
            std::string msg = std::string("channel store: migration failed: ") + (err ? err : "?");
            sqlite3_free(err);
            return base::Error{base::ErrorCode::kIo, msg};
        }
        return base::Status::Ok();
    };
    if (auto st = exec("PRAGMA journal_mode=WAL;"); !st.ok()) return st;
    if (auto st = exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);"); !st.ok()) return st;
    int64_t version = 0;
    {
        Statement q(db_, "SELECT COALESCE(MAX(version), 0) FROM schema_version;");
        if (!q.ok() || q.Step() != SQLITE_ROW) return DbError(db_, "reading schema version");
        version = q.Int(0);
    }
    if (version > kSchemaVersion) {
        return base::Error{base::ErrorCode::kUnsupported,
                           "channel store: database schema version " + std::to_string(version) +
                               " is newer than this onair (" + std::to_string(kSchemaVersion) + ")"};
    }
    // Migrations, in order; each runs once, in a transaction.
    static const char* kMigrations[] = {
        // 1: channels with hashed keys.
        "CREATE TABLE channels ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  name TEXT NOT NULL UNIQUE,"
        "  key_hash TEXT NOT NULL UNIQUE,"
        "  created_at_ms INTEGER NOT NULL,"
        "  key_rotated_at_ms INTEGER NOT NULL);",
    };
    for (int v = static_cast<int>(version); v < kSchemaVersion; ++v) {
        if (auto st = exec("BEGIN IMMEDIATE;"); !st.ok()) return st;
        // Another process may have migrated meanwhile.
        Statement q(db_, "SELECT COALESCE(MAX(version), 0) FROM schema_version;");
        if (q.ok() && q.Step() == SQLITE_ROW && q.Int(0) > v) {
            (void)exec("COMMIT;");
            continue;
        }
        if (auto st = exec(kMigrations[v]); !st.ok()) {
            (void)exec("ROLLBACK;");
            return st;
        }
        const std::string record = "INSERT INTO schema_version (version) VALUES (" + std::to_string(v + 1) + ");";
        if (auto st = exec(record.c_str()); !st.ok()) {
            (void)exec("ROLLBACK;");
            return st;
        }
        if (auto st = exec("COMMIT;"); !st.ok()) return st;
    }
    return base::Status::Ok();
}

base::Result<CreatedChannel> ChannelStore::Create(std::string_view name) {
    if (!IsValidChannelName(name)) return InvalidName(name);
    std::lock_guard lock(mu_);
    CreatedChannel created;
    created.stream_key = GenerateStreamKey();
    const int64_t now = NowMs();
    Statement ins(db_, "INSERT INTO channels (name, key_hash, created_at_ms, key_rotated_at_ms) VALUES (?, ?, ?, ?);");
    if (!ins.ok()) return DbError(db_, "create");
    ins.Bind(1, name);
    ins.Bind(2, HashStreamKey(created.stream_key));
    ins.Bind(3, now);
    ins.Bind(4, now);
    const int rc = ins.Step();
    if (rc == SQLITE_CONSTRAINT) {
        return base::Error{base::ErrorCode::kAlreadyExists, "channel '" + std::string(name) + "' already exists"};
    }
    if (rc != SQLITE_DONE) return DbError(db_, "create");
    created.channel = Channel{sqlite3_last_insert_rowid(db_), std::string(name), now, now};
    return created;
}

base::Result<std::vector<Channel>> ChannelStore::List() {
    std::lock_guard lock(mu_);
    const std::string sql = std::string("SELECT ") + kChannelColumns + " FROM channels ORDER BY name;";
    Statement q(db_, sql.c_str());
    if (!q.ok()) return DbError(db_, "list");
    std::vector<Channel> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.push_back(q.Row());
    if (rc != SQLITE_DONE) return DbError(db_, "list");
    return out;
}

base::Result<Channel> ChannelStore::Get(std::string_view name) {
    std::lock_guard lock(mu_);
    const std::string sql = std::string("SELECT ") + kChannelColumns + " FROM channels WHERE name = ?;";
    Statement q(db_, sql.c_str());
    if (!q.ok()) return DbError(db_, "get");
    q.Bind(1, name);
    const int rc = q.Step();
    if (rc == SQLITE_ROW) return q.Row();
    if (rc == SQLITE_DONE) return base::Error{base::ErrorCode::kNotFound, "no channel named '" + std::string(name) + "'"};
    return DbError(db_, "get");
}

base::Result<std::string> ChannelStore::RotateKey(std::string_view name) {
    std::lock_guard lock(mu_);
    std::string key = GenerateStreamKey();
    Statement q(db_, "UPDATE channels SET key_hash = ?, key_rotated_at_ms = ? WHERE name = ?;");
    if (!q.ok()) return DbError(db_, "rotate key");
    q.Bind(1, HashStreamKey(key));
    q.Bind(2, NowMs());
    q.Bind(3, name);
    if (q.Step() != SQLITE_DONE) return DbError(db_, "rotate key");
    if (sqlite3_changes(db_) == 0)
        return base::Error{base::ErrorCode::kNotFound, "no channel named '" + std::string(name) + "'"};
    return key;
}

base::Status ChannelStore::Delete(std::string_view name) {
    std::lock_guard lock(mu_);
    Statement q(db_, "DELETE FROM channels WHERE name = ?;");
    if (!q.ok()) return DbError(db_, "delete");
    q.Bind(1, name);
    if (q.Step() != SQLITE_DONE) return DbError(db_, "delete");
    if (sqlite3_changes(db_) == 0)
        return base::Error{base::ErrorCode::kNotFound, "no channel named '" + std::string(name) + "'"};
    return base::Status::Ok();
}

base::Result<std::optional<Channel>> ChannelStore::FindByKey(std::string_view presented_key) {
    if (presented_key.empty() || presented_key.size() > 256) return std::optional<Channel>{};
    // Looking up by hash: the lookup time does not depend on how much of a
    // guessed key matches, and the database never holds a usable key.
    const std::string hash = HashStreamKey(presented_key);
    std::lock_guard lock(mu_);
    const std::string sql = std::string("SELECT ") + kChannelColumns + " FROM channels WHERE key_hash = ?;";
    Statement q(db_, sql.c_str());
    if (!q.ok()) return DbError(db_, "find by key");
    q.Bind(1, hash);
    const int rc = q.Step();
    if (rc == SQLITE_ROW) return std::optional<Channel>(q.Row());
    if (rc == SQLITE_DONE) return std::optional<Channel>{};
    return DbError(db_, "find by key");
}

}  // namespace onair::store
