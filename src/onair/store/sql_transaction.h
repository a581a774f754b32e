// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "onair/base/result.h"
#include "onair/store/sql_connection.h"

namespace onair::store {

/// A transaction on a SqlConnection, rolled back unless committed. SQLite
/// begins IMMEDIATE (the write lock is taken at once, so two writers never
/// deadlock upgrading a read lock; the other waits for the busy timeout).
class SqlTransaction {
public:
    static base::Result<SqlTransaction> Begin(SqlConnection& db);
    SqlTransaction(SqlTransaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    SqlTransaction& operator=(SqlTransaction&&) = delete;
    SqlTransaction(const SqlTransaction&) = delete;
    ~SqlTransaction();

    base::Status Commit();

private:
    explicit SqlTransaction(SqlConnection& db) : db_(&db) {}
    SqlConnection* db_;
};

}  // namespace onair::store
