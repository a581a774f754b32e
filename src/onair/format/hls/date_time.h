// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace onair::format::hls {

/// EXT-X-PROGRAM-DATE-TIME values (ISO 8601 / RFC 3339 date-times), done with
/// integer calendar arithmetic: pure layers have no clock and no time zone
/// database, and none is needed for UTC.

/// Milliseconds since 1970-01-01T00:00:00Z of the first and last instants
/// that have a four-digit year (0000-01-01T00:00:00.000Z and
/// 9999-12-31T23:59:59.999Z).
inline constexpr int64_t kMinDateTimeMs = -62167219200000;
inline constexpr int64_t kMaxDateTimeMs = 253402300799999;

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

struct CivilDate {
    int64_t year;
    unsigned month;  // 1..12
    unsigned day;    // 1..31
};
/// The date of a day count since 1970-01-01.
CivilDate CivilFromDays(int64_t days);

/// "2026-12-02T20:45:18.123Z". Values outside the four-digit years are
/// clamped to kMinDateTimeMs..kMaxDateTimeMs.
std::string FormatDateTime(int64_t ms_since_epoch);

/// Parses "YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm|+hhmm|+hh)" into
/// milliseconds since the epoch (fraction digits past the third are
/// ignored). std::nullopt for anything else, including impossible dates
/// such as February 30th.
std::optional<int64_t> ParseDateTime(std::string_view text);

}  // namespace onair::format::hls
