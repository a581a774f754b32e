// SPDX-License-Identifier: Apache-2.0
#include "onair/base/byte_range.h"

#include <limits>

namespace onair::base {

namespace {

constexpr uint64_t kSaturated = std::numeric_limits<uint64_t>::max();

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view s) {
    while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
    while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
    return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// 1*DIGIT, saturating at 2^64 - 1; false unless `s` is all digits and not empty.
bool ParseDigits(std::string_view s, uint64_t& out) {
    if (s.empty()) return false;
    out = 0;
    for (char c : s) {
        if (!IsDigit(c)) return false;
        const uint64_t d = static_cast<uint64_t>(c - '0');
        out = out > (kSaturated - d) / 10 ? kSaturated : out * 10 + d;
    }
    return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
    if (a.size() != lower.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != lower[i]) return false;
    }
    return true;
}

// The one non-empty element of a comma-separated list; false when there are
// none or several.
bool SingleElement(std::string_view list, std::string_view& element) {
    bool found = false;
    while (true) {
        const size_t comma = list.find(',');
        const std::string_view item = TrimOws(list.substr(0, comma));
        if (!item.empty()) {
            if (found) return false;
            element = item;
            found = true;
        }
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return found;
}

}  // namespace

RangeRequest ResolveRange(std::string_view header, uint64_t size, const RangeLimits& limits) {
    const RangeRequest whole;
    if (header.size() > limits.max_header_bytes) return whole;
    header = TrimOws(header);
    const size_t eq = header.find('=');
    if (eq == std::string_view::npos || !EqualsIgnoreCase(header.substr(0, eq), "bytes")) return whole;
    std::string_view spec;
    if (!SingleElement(header.substr(eq + 1), spec)) return whole;
    const size_t dash = spec.find('-');
    if (dash == std::string_view::npos) return whole;
    const std::string_view first_text = spec.substr(0, dash);
    const std::string_view last_text = spec.substr(dash + 1);

    RangeRequest out;
    if (first_text.empty()) {  // suffix-range: "-n", the last n bytes
        uint64_t suffix = 0;
        if (!ParseDigits(last_text, suffix)) return whole;
        if (suffix == 0) {
            out.kind = RangeRequest::Kind::kUnsatisfiable;
            return out;
        }
        if (size == 0) return whole;
        out.kind = RangeRequest::Kind::kPartial;
        out.range = {suffix >= size ? 0 : size - suffix, size - 1};
        return out;
    }
    uint64_t first = 0;
    uint64_t last = kSaturated;  // "a-": to the end
    if (!ParseDigits(first_text, first)) return whole;
    if (!last_text.empty() && !ParseDigits(last_text, last)) return whole;
    if (last < first) return whole;  // an invalid int-range
    if (first >= size) {
        out.kind = RangeRequest::Kind::kUnsatisfiable;
        return out;
    }
    out.kind = RangeRequest::Kind::kPartial;
    out.range = {first, last >= size ? size - 1 : last};
    return out;
}

}  // namespace onair::base
