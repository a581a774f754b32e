// SPDX-License-Identifier: Apache-2.0
#include "onair/store/sqlite_connection.h"

#include <sqlite3.h>

namespace onair::store {

namespace {

/// "$1" -> "?1": the statements are written once for both dialects. Only the
/// static SQL text of this layer passes here; values are bound.
std::string ToSqlitePlaceholders(std::string_view sql) {
    std::string out(sql);
    for (size_t i = 0; i + 1 < out.size(); ++i)
        if (out[i] == '$' && out[i + 1] >= '0' && out[i + 1] <= '9') out[i] = '?';
    return out;
}

base::Error SqliteError(sqlite3* db, int rc, std::string_view what) {
    const int primary = rc & 0xff;
    base::ErrorCode code = base::ErrorCode::kIo;
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        code = base::ErrorCode::kAlreadyExists;
    else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
        code = base::ErrorCode::kNotFound;
    else if (primary == SQLITE_CONSTRAINT)
        code = base::ErrorCode::kInvalidData;
    return base::Error{code, "sqlite: " + std::string(what) + ": " + sqlite3_errmsg(db)};
}

/// RAII prepared statement.
class Statement {
public:
    Statement(sqlite3* db, const std::string& sql) { rc_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr); }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    int rc() const { return rc_; }
    sqlite3_stmt* get() const { return stmt_; }

private:
    sqlite3_stmt* stmt_ = nullptr;
    int rc_;
};

int Bind(sqlite3_stmt* stmt, int index, const SqlParam& param) {
    if (const auto* s = std::get_if<std::string_view>(&param))
        return sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    if (const auto* i = std::get_if<int64_t>(&param)) return sqlite3_bind_int64(stmt, index, *i);
    if (const auto* b = std::get_if<bool>(&param)) return sqlite3_bind_int64(stmt, index, *b ? 1 : 0);
    return sqlite3_bind_null(stmt, index);
}

SqlRow ReadRow(sqlite3_stmt* stmt) {
    const int n = sqlite3_column_count(stmt);
    std::vector<std::optional<std::string>> cells;
    cells.reserve(static_cast<size_t>(n));
    for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
            cells.emplace_back(std::nullopt);
            continue;
        }
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        cells.emplace_back(std::string(text ? text : "", static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
    }
    return SqlRow(std::move(cells));
}

}  // namespace

base::Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = "sqlite: cannot open " + path + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return base::Error{base::ErrorCode::kIo, msg};
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    std::unique_ptr<SqliteConnection> conn(new SqliteConnection(db));
    // WAL cannot be switched on inside a transaction; foreign keys are per connection.
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON"}) {
        if (auto r = conn->Run(pragma); !r.ok()) return r.error().Wrap("cannot open " + path);
    }
    return conn;
}

SqliteConnection::~SqliteConnection() { sqlite3_close(db_); }

base::Result<SqlResult> SqliteConnection::Run(std::string_view sql, std::span<const SqlParam> params) {
    Statement stmt(db_, ToSqlitePlaceholders(sql));
    if (stmt.rc() != SQLITE_OK) return SqliteError(db_, stmt.rc(), "prepare");
    for (size_t i = 0; i < params.size(); ++i) {
        if (int rc = Bind(stmt.get(), static_cast<int>(i + 1), params[i]); rc != SQLITE_OK)
            return SqliteError(db_, rc, "bind");
    }
    SqlResult result;
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) result.rows.push_back(ReadRow(stmt.get()));
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, "step");
    result.changes = sqlite3_changes64(db_);
    return result;
}

}  // namespace onair::store
