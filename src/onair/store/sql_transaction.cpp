// SPDX-License-Identifier: Apache-2.0
#include "onair/store/sql_transaction.h"

namespace onair::store {

base::Result<SqlTransaction> SqlTransaction::Begin(SqlConnection& db) {
    if (auto r = db.Run(db.dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN"); !r.ok()) return r.error();
    return SqlTransaction(db);
}

SqlTransaction::~SqlTransaction() {
    if (db_) (void)db_->Run("ROLLBACK");
}

base::Status SqlTransaction::Commit() {
    SqlConnection* db = db_;
    db_ = nullptr;
    if (auto r = db->Run("COMMIT"); !r.ok()) {
        (void)db->Run("ROLLBACK");  // a failed COMMIT in SQLite leaves the transaction open
        return r.error();
    }
    return base::Status::Ok();
}

}  // namespace onair::store
