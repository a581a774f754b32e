// SPDX-License-Identifier: Apache-2.0
#include "onair/store/sql_connection.h"

#include <charconv>

namespace onair::store {

int64_t SqlRow::Int(size_t col) const {
    const auto& cell = cells_.at(col);
    if (!cell) return 0;
    int64_t v = 0;
    auto [p, ec] = std::from_chars(cell->data(), cell->data() + cell->size(), v);
    return ec == std::errc() && p == cell->data() + cell->size() ? v : 0;
}

bool SqlRow::Bool(size_t col) const {
    const auto& cell = cells_.at(col);
    return cell && (*cell == "1" || *cell == "t" || *cell == "true");
}

}  // namespace onair::store
