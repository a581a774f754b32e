// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "onair/base/result.h"

namespace onair::base {

/// The fields of an application/x-www-form-urlencoded body (or a URL's
/// query string), decoded, in the order sent; a name may repeat.
using FormFields = std::vector<std::pair<std::string, std::string>>;

struct FormLimits {
    size_t max_fields = 64;
    size_t max_value_bytes = 4096;  // each name and each value, decoded
};

/// Splits on '&' (empty pieces are skipped), then on the first '=' (a piece
/// without one is a name with an empty value), and decodes '+' as a space
/// and %XX as a byte. A '%' not followed by two hex digits, a decoded NUL,
/// or too many or too long fields is an error (kInvalidData,
/// kLimitExceeded) that names the field by position, never its content.
Result<FormFields> ParseForm(std::string_view body, const FormLimits& limits = {});

/// The reverse: RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~) as
/// they are, every other byte as %XX (a space too): "a=1&b=x%20y".
std::string EncodeForm(const FormFields& fields);

/// The value of the first field named `name`.
std::optional<std::string_view> FormValue(const FormFields& fields, std::string_view name);

}  // namespace onair::base
