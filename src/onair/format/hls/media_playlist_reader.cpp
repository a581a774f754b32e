// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/media_playlist_reader.h"

#include <charconv>
#include <optional>
#include <string>

#include "onair/format/hls/date_time.h"

namespace onair::format::hls {

namespace {

using base::ErrorCode;
using base::MakeError;

// Longest EXTINF accepted (about 31 years): keeps ticks far from overflow.
constexpr int64_t kMaxSegmentSeconds = int64_t{1} << 30;
constexpr int64_t kMaxTargetDuration = int64_t{1} << 30;
constexpr int kMaxVersion = 1000;

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::optional<uint64_t> ParseUint(std::string_view s) {
    uint64_t v = 0;
    if (s.empty()) return std::nullopt;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

// decimal-integer or decimal-floating-point ("2", "2.002", "2."), in 90 kHz
// ticks rounded to the nearest tick.
std::optional<int64_t> ParseDurationTicks(std::string_view s) {
    const size_t dot = s.find('.');
    const std::string_view whole = s.substr(0, dot);
    const auto seconds = ParseUint(whole);
    if (!seconds || *seconds > static_cast<uint64_t>(kMaxSegmentSeconds)) return std::nullopt;
    int64_t ticks = static_cast<int64_t>(*seconds) * 90000;
    if (dot == std::string_view::npos) return ticks;
    const std::string_view frac = s.substr(dot + 1);
    int64_t value = 0;
    int64_t scale = 1;
    for (size_t i = 0; i < frac.size(); ++i) {
        const char c = frac[i];
        if (c < '0' || c > '9') return std::nullopt;
        if (i < 9) {  // nanosecond precision is far below one tick
            value = value * 10 + (c - '0');
            scale *= 10;
        }
    }
    ticks += (value * 90000 + scale / 2) / scale;
    return ticks;
}

// What a URI line may hold: no control characters, no '"' (RFC 3986 has
// neither; the writers rely on it).
bool ValidUri(std::string_view uri) {
    for (char c : uri) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F || c == '"') return false;
    }
    return true;
}

base::Error LineError(size_t line, std::string_view what) {
    return MakeError(ErrorCode::kInvalidData, "playlist line " + std::to_string(line) + ": " + std::string(what));
}

}  // namespace

base::Result<MediaPlaylist> ReadMediaPlaylist(std::string_view text, const MediaPlaylistLimits& limits) {
    if (text.size() > limits.max_bytes)
        return MakeError(ErrorCode::kLimitExceeded, "playlist larger than " + std::to_string(limits.max_bytes) + " bytes");
    if (StartsWith(text, "\xEF\xBB\xBF")) return MakeError(ErrorCode::kInvalidData, "playlist starts with a byte order mark");

    MediaPlaylist playlist;
    bool have_version = false, have_target = false, have_sequence = false, have_dseq = false, have_type = false;
    int64_t pending_duration = -1;  // ticks of the EXTINF awaiting its URI; -1: none
    bool pending_discontinuity = false;
    std::optional<int64_t> pending_pdt;

    size_t line_no = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

        if (line_no == 1) {
            if (line != "#EXTM3U") return LineError(line_no, "missing #EXTM3U");
            continue;
        }
        if (line.empty()) continue;
        if (line[0] != '#') {
            if (pending_duration < 0) return LineError(line_no, "URI without EXTINF");
            if (line.size() > limits.max_uri_bytes) return MakeError(ErrorCode::kLimitExceeded, "playlist URI too long");
            if (!ValidUri(line)) return LineError(line_no, "URI with a control character or '\"'");
            if (playlist.segments.size() >= limits.max_segments)
                return MakeError(ErrorCode::kLimitExceeded,
                                 "playlist has more than " + std::to_string(limits.max_segments) + " segments");
            MediaSegment segment;
            segment.duration = pending_duration;
            segment.uri = std::string(line);
            segment.discontinuity = pending_discontinuity;
            segment.program_date_time_ms = pending_pdt;
            playlist.segments.push_back(std::move(segment));
            pending_duration = -1;
            pending_discontinuity = false;
            pending_pdt.reset();
            continue;
        }
        if (!StartsWith(line, "#EXT")) continue;  // a comment

        const size_t colon = line.find(':');
        const std::string_view tag = line.substr(0, colon);
        const std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);

        if (tag == "#EXTINF") {
            if (pending_duration >= 0) return LineError(line_no, "EXTINF without URI");
            const std::string_view number = value.substr(0, value.find(','));
            const auto ticks = ParseDurationTicks(number);
            if (!ticks) return LineError(line_no, "bad EXTINF duration");
            pending_duration = *ticks;
        } else if (tag == "#EXT-X-DISCONTINUITY") {
            pending_discontinuity = true;
        } else if (tag == "#EXT-X-PROGRAM-DATE-TIME") {
            const auto ms = ParseDateTime(value);
            if (!ms) return LineError(line_no, "bad EXT-X-PROGRAM-DATE-TIME");
            pending_pdt = *ms;
        } else if (tag == "#EXT-X-TARGETDURATION") {
            const auto v = ParseUint(value);
            if (have_target) return LineError(line_no, "repeated EXT-X-TARGETDURATION");
            if (!v || *v > static_cast<uint64_t>(kMaxTargetDuration)) return LineError(line_no, "bad EXT-X-TARGETDURATION");
            playlist.target_duration_seconds = static_cast<int64_t>(*v);
            have_target = true;
        } else if (tag == "#EXT-X-VERSION") {
            const auto v = ParseUint(value);
            if (have_version) return LineError(line_no, "repeated EXT-X-VERSION");
            if (!v || *v < 1 || *v > kMaxVersion) return LineError(line_no, "bad EXT-X-VERSION");
            playlist.version = static_cast<int>(*v);
            have_version = true;
        } else if (tag == "#EXT-X-MEDIA-SEQUENCE") {
            const auto v = ParseUint(value);
            if (have_sequence) return LineError(line_no, "repeated EXT-X-MEDIA-SEQUENCE");
            if (!v || !playlist.segments.empty()) return LineError(line_no, "bad EXT-X-MEDIA-SEQUENCE");
            playlist.media_sequence = *v;
            have_sequence = true;
        } else if (tag == "#EXT-X-DISCONTINUITY-SEQUENCE") {
            const auto v = ParseUint(value);
            if (have_dseq) return LineError(line_no, "repeated EXT-X-DISCONTINUITY-SEQUENCE");
            if (!v || !playlist.segments.empty()) return LineError(line_no, "bad EXT-X-DISCONTINUITY-SEQUENCE");
            playlist.discontinuity_sequence = *v;
            have_dseq = true;
        } else if (tag == "#EXT-X-PLAYLIST-TYPE") {
            if (have_type) return LineError(line_no, "repeated EXT-X-PLAYLIST-TYPE");
            if (value == "VOD") playlist.playlist_type = PlaylistType::kVod;
            else if (value == "EVENT") playlist.playlist_type = PlaylistType::kEvent;
            else return LineError(line_no, "bad EXT-X-PLAYLIST-TYPE");
            have_type = true;
        } else if (tag == "#EXT-X-INDEPENDENT-SEGMENTS") {
            playlist.independent_segments = true;
        } else if (tag == "#EXT-X-ENDLIST") {
            playlist.ended = true;
        } else if (tag == "#EXT-X-STREAM-INF" || tag == "#EXT-X-I-FRAME-STREAM-INF" || tag == "#EXT-X-MEDIA" ||
                   tag == "#EXT-X-SESSION-DATA" || tag == "#EXT-X-SESSION-KEY") {
            return LineError(line_no, "a multivariant playlist tag in a media playlist");
        } else if (tag == "#EXTM3U") {
            return LineError(line_no, "repeated #EXTM3U");
        }
        // Anything else: a tag this model does not hold; ignored.
    }
    if (line_no == 0) return MakeError(ErrorCode::kInvalidData, "empty playlist");
    if (pending_duration >= 0) return MakeError(ErrorCode::kInvalidData, "playlist ends with an EXTINF without URI");
    if (!have_target) return MakeError(ErrorCode::kInvalidData, "playlist has no EXT-X-TARGETDURATION");
    return playlist;
}

}  // namespace onair::format::hls
