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

/// The lines of a playlist's text in turn (RFC 8216 4.1: LF or CRLF; the
/// CR is dropped), numbered from 1, for the readers and the checker.
class PlaylistLines {
public:
    explicit PlaylistLines(std::string_view text) : text_(text) {}
    /// The next line, or false at the end.
    bool Next(std::string_view& line) {
        if (pos_ >= text_.size()) return false;
        size_t end = text_.find('\n', pos_);
        if (end == std::string_view::npos) end = text_.size();
        line = text_.substr(pos_, end - pos_);
        pos_ = end + 1;
        ++number_;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return true;
    }
    /// Of the line Next() returned last.
    size_t number() const { return number_; }

private:
    std::string_view text_;
    size_t pos_ = 0;
    size_t number_ = 0;
};

}  // namespace onair::format::hls
