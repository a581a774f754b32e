// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "onair/base/result.h"
#include "onair/store/sql_connection.h"

namespace onair::store {

/// The schema this binary knows. A database at a higher version is refused
/// (kUnsupported): an older onair must not write a newer schema.
inline constexpr int kSchemaVersion = 4;

/// One step of the schema. The statements are written once, in SQLite's
/// spelling; StatementFor() gives PostgreSQL's.
struct Migration {
    int version;
    std::string_view summary;
    std::vector<std::string_view> statements;
};

/// `statement` as `dialect` spells it. SQLite integers are 64-bit, so for
/// PostgreSQL every INTEGER is BIGINT and "INTEGER PRIMARY KEY AUTOINCREMENT"
/// is an identity column. The rest (BOOLEAN, TRUE, partial indexes, ON
/// CONFLICT, RETURNING) both understand alike.
std::string StatementFor(Dialect dialect, std::string_view statement);

/// Every migration, in order: Migrations()[i].version == i + 1.
const std::vector<Migration>& Migrations();

/// Brings the database to kSchemaVersion in one transaction: the versions in
/// table schema_version (one row per applied migration; the table of the
/// first ChannelStore) tell which migrations are missing. Concurrent openers
/// wait for each other (SQLite: the write lock; PostgreSQL: an advisory lock).
base::Status Migrate(SqlConnection& db);

/// The highest applied version (0 for an empty database).
base::Result<int> ReadSchemaVersion(SqlConnection& db);

}  // namespace onair::store
