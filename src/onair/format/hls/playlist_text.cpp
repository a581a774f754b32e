// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/playlist_text.h"

namespace onair::format::hls {

void AppendSanitized(std::string& out, std::string_view s) {
    for (char c : s) {
        if (c == '"' || c == '\r' || c == '\n') continue;
        out.push_back(c);
    }
}

void AppendMillis(std::string& out, int64_t thousandths) {
    if (thousandths < 0) thousandths = 0;
    out += std::to_string(thousandths / 1000);
    out.push_back('.');
    const int64_t frac = thousandths % 1000;
    out.push_back(static_cast<char>('0' + frac / 100));
    out.push_back(static_cast<char>('0' + frac / 10 % 10));
    out.push_back(static_cast<char>('0' + frac % 10));
}

int64_t TicksToRoundedMs(int64_t ticks) {
    if (ticks <= 0) return 0;
    return ticks / 90 + (ticks % 90 >= 45 ? 1 : 0);
}

}  // namespace onair::format::hls
