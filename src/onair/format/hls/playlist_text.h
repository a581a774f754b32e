// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace onair::format::hls {

/// Small text helpers shared by the playlist writers.

/// Appends `s` without the characters a quoted-string or a URI line cannot
/// hold (RFC 8216 4.2: no '"', CR or LF).
void AppendSanitized(std::string& out, std::string_view s);

/// Appends a non-negative count of thousandths as "<int>.<3 digits>"
/// (e.g. 2002 -> "2.002").
void AppendMillis(std::string& out, int64_t thousandths);

/// 90 kHz ticks to milliseconds, rounded half up (negative clamps to 0).
int64_t TicksToRoundedMs(int64_t ticks);

}  // namespace onair::format::hls
