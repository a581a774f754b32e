// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/attribute_list.h"

#include <charconv>

namespace onair::format::hls {

namespace {

constexpr int64_t kMaxSeconds = int64_t{1} << 30;

bool NameChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'; }

}  // namespace

std::optional<std::vector<Attribute>> ParseAttributeList(std::string_view text) {
    std::vector<Attribute> out;
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t eq = text.find('=', pos);
        if (eq == std::string_view::npos || eq == pos) return std::nullopt;
        const std::string_view name = text.substr(pos, eq - pos);
        for (char c : name)
            if (!NameChar(c)) return std::nullopt;
        size_t end = eq + 1;
        if (end < text.size() && text[end] == '"') {
            const size_t close = text.find('"', end + 1);
            if (close == std::string_view::npos) return std::nullopt;
            end = close + 1;
            if (end < text.size() && text[end] != ',') return std::nullopt;
        } else {
            end = text.find(',', end);
            if (end == std::string_view::npos) end = text.size();
        }
        const std::string_view value = text.substr(eq + 1, end - eq - 1);
        for (char c : value)
            if (c == '\r' || c == '\n') return std::nullopt;
        if (FindAttribute(out, name) != nullptr) return std::nullopt;
        if (out.size() >= kMaxAttributes) return std::nullopt;
        out.push_back(Attribute{name, value});
        pos = end;
        if (pos < text.size()) {
            ++pos;  // the comma
            if (pos == text.size()) return std::nullopt;  // a trailing comma
        }
    }
    return out;
}

const Attribute* FindAttribute(const std::vector<Attribute>& list, std::string_view name) {
    for (const auto& a : list)
        if (a.name == name) return &a;
    return nullptr;
}

std::optional<std::string_view> QuotedString(std::string_view value) {
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') return std::nullopt;
    return value.substr(1, value.size() - 2);
}

std::optional<uint64_t> DecimalInteger(std::string_view value) {
    if (value.empty() || value.size() > 20) return std::nullopt;
    uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || ptr != value.data() + value.size()) return std::nullopt;
    return v;
}

std::optional<int64_t> DecimalSecondsToTicks(std::string_view value) {
    const size_t dot = value.find('.');
    const auto seconds = DecimalInteger(value.substr(0, dot));
    if (!seconds || *seconds > static_cast<uint64_t>(kMaxSeconds)) return std::nullopt;
    int64_t ticks = static_cast<int64_t>(*seconds) * 90000;
    if (dot == std::string_view::npos) return ticks;
    const std::string_view frac = value.substr(dot + 1);
    int64_t digits = 0;
    int64_t scale = 1;
    for (size_t i = 0; i < frac.size(); ++i) {
        const char c = frac[i];
        if (c < '0' || c > '9') return std::nullopt;
        if (i < 9) {  // nanoseconds are far below one tick
            digits = digits * 10 + (c - '0');
            scale *= 10;
        }
    }
    return ticks + (digits * 90000 + scale / 2) / scale;
}

void AppendTicksAsSeconds(std::string& out, int64_t ticks) {
    if (ticks < 0) ticks = 0;
    // Hundred-thousandths of a second, rounded half up: ticks * 100000 / 90000.
    const int64_t units = (ticks * 10 + 4) / 9;
    out += std::to_string(units / 100000);
    out.push_back('.');
    char frac[5];
    int64_t f = units % 100000;
    for (int i = 4; i >= 0; --i) {
        frac[i] = static_cast<char>('0' + f % 10);
        f /= 10;
    }
    out.append(frac, 5);
}

}  // namespace onair::format::hls
