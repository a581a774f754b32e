// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onair::format::hls {

/// Attribute lists (draft-pantos-hls-rfc8216bis 4.2): the values of tags
/// such as EXT-X-PART and EXT-X-SERVER-CONTROL, for the readers. Values are
/// views into the parsed text, so the text must outlive them.

struct Attribute {
    std::string_view name;   // [A-Z0-9-]+
    std::string_view value;  // raw: a quoted-string keeps its quotes
};

/// Most attributes one list may hold; real tags have fewer than 20.
inline constexpr size_t kMaxAttributes = 64;

/// Splits "NAME=VALUE,NAME=\"quoted, with commas\"". std::nullopt when an
/// attribute has no '=' or an invalid name, a quoted-string is not closed
/// (or holds CR, LF), a name repeats (4.2: "MUST NOT contain multiple
/// attributes with the same AttributeName"), or there are more than
/// kMaxAttributes.
std::optional<std::vector<Attribute>> ParseAttributeList(std::string_view text);

/// The value of `name`, or nullptr.
const Attribute* FindAttribute(const std::vector<Attribute>& list, std::string_view name);

/// quoted-string: the text between the quotes ("" is valid and empty).
std::optional<std::string_view> QuotedString(std::string_view value);

/// decimal-integer: 1 to 20 digits, 0..2^64-1.
std::optional<uint64_t> DecimalInteger(std::string_view value);

/// decimal-floating-point (or decimal-integer) seconds, non-negative, at
/// most 2^30 s, in 90 kHz ticks rounded to the nearest tick ("2", "2.002",
/// "2."; no sign, no exponent).
std::optional<int64_t> DecimalSecondsToTicks(std::string_view value);

/// Appends 90 kHz ticks as seconds with five decimals, rounded half up
/// ("0.33367"). Five decimals are 10 us, under half a tick (11.1 us), so
/// DecimalSecondsToTicks gives back exactly the ticks written, and the
/// rounding keeps order (a <= b stays a <= b in the text).
void AppendTicksAsSeconds(std::string& out, int64_t ticks);

}  // namespace onair::format::hls
