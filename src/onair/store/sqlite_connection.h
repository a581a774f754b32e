// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <memory>
#include <string>

#include "onair/base/result.h"
#include "onair/store/sql_connection.h"

struct sqlite3;

namespace onair::store {

/// A SQLite file opened in WAL mode with a busy timeout (so `onair channel`
/// can write while `onair serve` reads) and foreign keys enforced. $N
/// placeholders become SQLite's ?N.
class SqliteConnection final : public SqlConnection {
public:
    static base::Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path);
    ~SqliteConnection() override;
    SqliteConnection(const SqliteConnection&) = delete;
    SqliteConnection& operator=(const SqliteConnection&) = delete;

    Dialect dialect() const override { return Dialect::kSqlite; }
    using SqlConnection::Run;
    base::Result<SqlResult> Run(std::string_view sql, std::span<const SqlParam> params) override;

    static constexpr int kBusyTimeoutMs = 5000;

private:
    explicit SqliteConnection(sqlite3* db) : db_(db) {}
    sqlite3* db_;
};

}  // namespace onair::store
