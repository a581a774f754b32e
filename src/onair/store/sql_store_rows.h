// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the sql_store_*.cpp files: results to records, errors
// with their context.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "onair/base/result.h"
#include "onair/runtime/wall_clock.h"
#include "onair/store/sql_connection.h"

namespace onair::store::sql_rows {

inline int64_t NowMs() { return runtime::WallClockMs(); }

/// A LIMIT parameter.
inline int64_t Limit(size_t limit) {
    return limit > static_cast<size_t>(std::numeric_limits<int64_t>::max()) ? std::numeric_limits<int64_t>::max()
                                                                            : static_cast<int64_t>(limit);
}

inline base::Error Failed(const base::Error& e, std::string_view what) { return e.Wrap("store: " + std::string(what)); }

inline base::Error NotFound(std::string message) { return base::Error{base::ErrorCode::kNotFound, std::move(message)}; }
inline base::Error Invalid(std::string message) {
    return base::Error{base::ErrorCode::kInvalidData, std::move(message)};
}

/// Every row through `map`.
template <typename T, typename Map>
base::Result<std::vector<T>> AllRows(const base::Result<SqlResult>& r, Map map, std::string_view what) {
    if (!r.ok()) return Failed(r.error(), what);
    std::vector<T> out;
    out.reserve(r->rows.size());
    for (const SqlRow& row : r->rows) out.push_back(map(row));
    return out;
}

/// The first row through `map`, or `not_found` when there is none.
template <typename T, typename Map>
base::Result<T> FirstRow(const base::Result<SqlResult>& r, Map map, std::string_view what, base::Error not_found) {
    if (!r.ok()) return Failed(r.error(), what);
    if (r->rows.empty()) return not_found;
    return map(r->rows.front());
}

/// Ok if a row was changed, else `not_found`.
inline base::Status Changed(const base::Result<SqlResult>& r, std::string_view what, base::Error not_found) {
    if (!r.ok()) return Failed(r.error(), what);
    if (r->changes == 0) return not_found;
    return base::Status::Ok();
}

}  // namespace onair::store::sql_rows
