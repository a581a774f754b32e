// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/date_time.h"

#include <algorithm>

namespace onair::format::hls {

namespace {

constexpr int64_t kMsPerDay = 86400000;
// The calendar repeats every 400 years (146097 days). Eras start on March
// 1st so that the leap day is the last day of the year being counted.
constexpr int64_t kDaysPerEra = 146097;
// Days from 0000-03-01 to 1970-01-01.
constexpr int64_t kEpochShift = 719468;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
    static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

void AppendPadded(std::string& out, int64_t v, int width) {
    char buf[8];
    for (int i = width - 1; i >= 0; --i) {
        buf[i] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
    out.append(buf, static_cast<size_t>(width));
}

// Reads exactly `n` digits at `pos`.
bool Digits(std::string_view s, size_t& pos, size_t n, int64_t& value) {
    if (pos + n > s.size()) return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    pos += n;
    value = v;
    return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
    if (pos >= s.size() || s[pos] != c) return false;
    ++pos;
    return true;
}

}  // namespace

int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
    const int64_t y = month <= 2 ? year - 1 : year;
    const int64_t era = FloorDiv(y, 400);
    const int64_t year_of_era = y - era * 400;                          // 0..399
    const int64_t m = month > 2 ? month - 3 : month + 9;                // March = 0
    const int64_t day_of_year = (153 * m + 2) / 5 + day - 1;            // 0..365
    const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * kDaysPerEra + day_of_era - kEpochShift;
}

CivilDate CivilFromDays(int64_t days) {
    const int64_t z = days + kEpochShift;
    const int64_t era = FloorDiv(z, kDaysPerEra);
    const int64_t day_of_era = z - era * kDaysPerEra;  // 0..146096
    const int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / (kDaysPerEra - 1)) / 365;
    const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const int64_t mp = (5 * day_of_year + 2) / 153;  // March = 0
    const auto day = static_cast<unsigned>(day_of_year - (153 * mp + 2) / 5 + 1);
    const auto month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
    const int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
    return CivilDate{year, month, day};
}

std::string FormatDateTime(int64_t ms_since_epoch) {
    const int64_t ms = std::clamp(ms_since_epoch, kMinDateTimeMs, kMaxDateTimeMs);
    const int64_t days = FloorDiv(ms, kMsPerDay);
    const int64_t in_day = ms - days * kMsPerDay;
    const CivilDate d = CivilFromDays(days);
    std::string out;
    out.reserve(24);
    AppendPadded(out, d.year, 4);
    out.push_back('-');
    AppendPadded(out, d.month, 2);
    out.push_back('-');
    AppendPadded(out, d.day, 2);
    out.push_back('T');
    AppendPadded(out, in_day / 3600000, 2);
    out.push_back(':');
    AppendPadded(out, in_day / 60000 % 60, 2);
    out.push_back(':');
    AppendPadded(out, in_day / 1000 % 60, 2);
    out.push_back('.');
    AppendPadded(out, in_day % 1000, 3);
    out.push_back('Z');
    return out;
}

std::optional<int64_t> ParseDateTime(std::string_view s) {
    size_t pos = 0;
    int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!Digits(s, pos, 4, year) || !Expect(s, pos, '-') || !Digits(s, pos, 2, month) || !Expect(s, pos, '-') ||
        !Digits(s, pos, 2, day))
        return std::nullopt;
    if (pos >= s.size() || (s[pos] != 'T' && s[pos] != 't')) return std::nullopt;
    ++pos;
    if (!Digits(s, pos, 2, hour) || !Expect(s, pos, ':') || !Digits(s, pos, 2, minute) || !Expect(s, pos, ':') ||
        !Digits(s, pos, 2, second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<unsigned>(month)) || hour > 23 ||
        minute > 59 || second > 60)  // 60: a leap second
        return std::nullopt;
    int64_t millis = 0;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        size_t digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (digits < 3) millis = millis * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return std::nullopt;
        for (size_t i = digits; i < 3; ++i) millis *= 10;
    }
    int64_t offset_minutes = 0;
    if (pos >= s.size()) return std::nullopt;  // a zone is required
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
        const int64_t sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int64_t oh = 0, om = 0;
        if (!Digits(s, pos, 2, oh)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (pos < s.size() && !Digits(s, pos, 2, om)) return std::nullopt;
        if (oh > 23 || om > 59) return std::nullopt;
        offset_minutes = sign * (oh * 60 + om);
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    const int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const int64_t ms = days * kMsPerDay + ((hour * 60 + minute - offset_minutes) * 60 + second) * 1000 + millis;
    if (ms < kMinDateTimeMs || ms > kMaxDateTimeMs) return std::nullopt;
    return ms;
}

}  // namespace onair::format::hls
