// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "onair/base/result.h"

namespace onair::store {

enum class Dialect { kSqlite, kPostgres };

/// A statement parameter. Values only ever travel as parameters, never as
/// SQL text. A string_view must outlive the Run() call.
using SqlParam = std::variant<std::nullptr_t, int64_t, bool, std::string_view>;

/// One result row as text (NULL: nullopt), read through typed accessors that
/// accept both backends' spellings (SQLite booleans are 0/1, PostgreSQL's t/f).
class SqlRow {
public:
    explicit SqlRow(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
    size_t size() const { return cells_.size(); }
    bool IsNull(size_t col) const { return !cells_.at(col).has_value(); }
    std::string Text(size_t col) const { return cells_.at(col).value_or(""); }
    int64_t Int(size_t col) const;  // NULL or not a number: 0
    bool Bool(size_t col) const;

private:
    std::vector<std::optional<std::string>> cells_;
};

struct SqlResult {
    std::vector<SqlRow> rows;
    int64_t changes = 0;  // rows inserted, updated or deleted
};

/// One database connection running one statement at a time, with $1..$N
/// placeholders in both dialects. Errors: kAlreadyExists for a unique
/// violation, kNotFound for a foreign-key violation, kIo otherwise; messages
/// name the statement's failure, never a parameter's value.
///
/// Not thread-safe: its owner serializes calls.
class SqlConnection {
public:
    virtual ~SqlConnection() = default;
    virtual Dialect dialect() const = 0;
    virtual base::Result<SqlResult> Run(std::string_view sql, std::span<const SqlParam> params) = 0;

    base::Result<SqlResult> Run(std::string_view sql, std::initializer_list<SqlParam> params = {}) {
        return Run(sql, std::span<const SqlParam>(params.begin(), params.size()));
    }
};

}  // namespace onair::store
