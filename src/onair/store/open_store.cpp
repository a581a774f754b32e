// SPDX-License-Identifier: Apache-2.0
#include "onair/store/manager_store.h"
#include "onair/store/postgres_connection.h"
#include "onair/store/sql_store.h"
#include "onair/store/sqlite_connection.h"

namespace onair::store {

base::Result<std::unique_ptr<ManagerStore>> OpenStore(const std::string& location) {
    const std::string_view loc = location;
    if (loc.empty()) return base::Error{base::ErrorCode::kInvalidData, "store: no database location"};
    std::unique_ptr<SqlConnection> db;
    if (loc.starts_with("postgres://") || loc.starts_with("postgresql://")) {
        auto pg = PostgresConnection::Open(location);
        if (!pg.ok()) return pg.error();
        db = std::move(pg.value());
    } else {
        auto lite = SqliteConnection::Open(std::string(loc.starts_with("sqlite:") ? loc.substr(7) : loc));
        if (!lite.ok()) return lite.error();
        db = std::move(lite.value());
    }
    auto store = SqlStore::Open(std::move(db));
    if (!store.ok()) return store.error();
    return std::unique_ptr<ManagerStore>(std::move(store.value()));
}

}  // namespace onair::store
