// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/media_playlist_reader.h"

#include "onair/format/hls/playlist_text.h"

#include <optional>
#include <string>

#include "onair/format/hls/attribute_list.h"
#include "onair/format/hls/date_time.h"

namespace onair::format::hls {

namespace {

using base::ErrorCode;
using base::MakeError;

constexpr int64_t kMaxTargetDuration = int64_t{1} << 30;
constexpr int kMaxVersion = 1000;

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// What a URI may hold: no control characters, no '"' (RFC 3986 has
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

// An attribute-list tag being read: the errors it gives name the line and
// the tag.
class TagReader {
public:
    TagReader(size_t line, std::string_view tag, const MediaPlaylistLimits& limits)
        : line_(line), tag_(tag.substr(1)), limits_(limits) {}

    bool Parse(std::string_view value) {
        auto list = ParseAttributeList(value);
        if (!list) return Fail("malformed attribute list");
        attrs_ = std::move(*list);
        return true;
    }
    const Attribute* Find(std::string_view name) const { return FindAttribute(attrs_, name); }

    // Each getter returns false (and records the error) when the attribute
    // is malformed, or missing while `required`.
    bool Uri(std::string& out) {
        const Attribute* a = Find("URI");
        if (!a) return Fail("no URI");
        const auto q = QuotedString(a->value);
        if (!q) return Fail("URI is not a quoted-string");
        if (q->size() > limits_.max_uri_bytes) return Limit("URI too long");
        if (q->empty() || !ValidUri(*q)) return Fail("bad URI");
        out = std::string(*q);
        return true;
    }
    bool Seconds(std::string_view name, std::optional<int64_t>& out, bool required) {
        const Attribute* a = Find(name);
        if (!a) return required ? Fail("no " + std::string(name)) : true;
        const auto t = DecimalSecondsToTicks(a->value);
        if (!t) return Fail("bad " + std::string(name));
        out = *t;
        return true;
    }
    bool Integer(std::string_view name, std::optional<uint64_t>& out, bool required) {
        const Attribute* a = Find(name);
        if (!a) return required ? Fail("no " + std::string(name)) : true;
        const auto v = DecimalInteger(a->value);
        if (!v) return Fail("bad " + std::string(name));
        out = *v;
        return true;
    }
    bool Yes(std::string_view name, bool& out) {
        const Attribute* a = Find(name);
        if (!a) return true;
        if (a->value != "YES") return Fail(std::string(name) + " is not YES");
        out = true;
        return true;
    }
    bool Range(std::string_view name, std::optional<ByteRange>& out) {
        const Attribute* a = Find(name);
        if (!a) return true;
        const auto q = QuotedString(a->value);
        if (!q) return Fail("bad " + std::string(name));
        const size_t at = q->find('@');
        const auto length = DecimalInteger(q->substr(0, at));
        if (!length) return Fail("bad " + std::string(name));
        ByteRange r{*length, std::nullopt};
        if (at != std::string_view::npos) {
            const auto offset = DecimalInteger(q->substr(at + 1));
            if (!offset) return Fail("bad " + std::string(name));
            r.offset = *offset;
        }
        out = r;
        return true;
    }

    bool Fail(const std::string& what) {
        if (!error_) error_ = LineError(line_, std::string(tag_) + ": " + what);
        return false;
    }
    bool Limit(const std::string& what) {
        if (!error_) error_ = MakeError(ErrorCode::kLimitExceeded, std::string(tag_) + ": " + what);
        return false;
    }
    base::Error TakeError() { return error_ ? std::move(*error_) : LineError(line_, tag_); }

private:
    size_t line_;
    std::string_view tag_;
    const MediaPlaylistLimits& limits_;
    std::vector<Attribute> attrs_;
    std::optional<base::Error> error_;
};

bool ReadPart(TagReader& r, std::string_view value, PartialSegment& part) {
    std::optional<int64_t> duration;
    if (!r.Parse(value) || !r.Uri(part.uri) || !r.Seconds("DURATION", duration, true) ||
        !r.Yes("INDEPENDENT", part.independent) || !r.Range("BYTERANGE", part.byterange) || !r.Yes("GAP", part.gap))
        return false;
    part.duration = *duration;
    return true;
}

bool ReadServerControl(TagReader& r, std::string_view value, ServerControl& c) {
    return r.Parse(value) && r.Seconds("CAN-SKIP-UNTIL", c.can_skip_until, false) &&
           r.Yes("CAN-SKIP-DATERANGES", c.can_skip_dateranges) && r.Seconds("HOLD-BACK", c.hold_back, false) &&
           r.Seconds("PART-HOLD-BACK", c.part_hold_back, false) && r.Yes("CAN-BLOCK-RELOAD", c.can_block_reload);
}

bool ReadPreloadHint(TagReader& r, std::string_view value, PreloadHint& h) {
    if (!r.Parse(value)) return false;
    const Attribute* type = r.Find("TYPE");
    if (!type) return r.Fail("no TYPE");
    if (type->value == "PART") h.type = PreloadHintType::kPart;
    else if (type->value == "MAP") h.type = PreloadHintType::kMap;
    else return r.Fail("bad TYPE");
    std::optional<uint64_t> start;
    if (!r.Uri(h.uri) || !r.Integer("BYTERANGE-START", start, false) ||
        !r.Integer("BYTERANGE-LENGTH", h.byterange_length, false))
        return false;
    h.byterange_start = start.value_or(0);
    return true;
}

bool ReadRenditionReport(TagReader& r, std::string_view value, RenditionReport& report) {
    return r.Parse(value) && r.Uri(report.uri) && r.Integer("LAST-MSN", report.last_msn, false) &&
           r.Integer("LAST-PART", report.last_part, false);
}

bool ReadSkip(TagReader& r, std::string_view value, MediaPlaylist& p) {
    std::optional<uint64_t> skipped;
    if (!r.Parse(value) || !r.Integer("SKIPPED-SEGMENTS", skipped, true)) return false;
    if (*skipped == 0) return r.Fail("SKIPPED-SEGMENTS is 0");
    p.skipped_segments = *skipped;
    if (const Attribute* a = r.Find("RECENTLY-REMOVED-DATERANGES")) {
        const auto q = QuotedString(a->value);
        if (!q) return r.Fail("bad RECENTLY-REMOVED-DATERANGES");
        p.recently_removed_dateranges = std::string(*q);
    }
    return true;
}

bool HasHead(const MediaSegment& s) {
    return s.discontinuity || s.program_date_time_ms || !s.map_uri.empty() || !s.parts.empty();
}

}  // namespace

base::Result<MediaPlaylist> ReadMediaPlaylist(std::string_view text, const MediaPlaylistLimits& limits) {
    if (text.size() > limits.max_bytes)
        return MakeError(ErrorCode::kLimitExceeded, "playlist larger than " + std::to_string(limits.max_bytes) + " bytes");
    if (StartsWith(text, "\xEF\xBB\xBF")) return MakeError(ErrorCode::kInvalidData, "playlist starts with a byte order mark");

    MediaPlaylist playlist;
    bool have_version = false, have_target = false, have_sequence = false, have_dseq = false, have_type = false;
    bool have_control = false, have_part_inf = false, have_skip = false;
    int64_t pending_duration = -1;  // ticks of the EXTINF awaiting its URI; -1: none
    MediaSegment pending;           // the tags and parts awaiting their URI
    size_t total_parts = 0;

    PlaylistLines lines(text);
    std::string_view line;
    while (lines.Next(line)) {
        const size_t line_no = lines.number();

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
            pending.duration = pending_duration;
            pending.uri = std::string(line);
            playlist.segments.push_back(std::move(pending));
            pending = MediaSegment();
            pending_duration = -1;
            continue;
        }
        if (!StartsWith(line, "#EXT")) continue;  // a comment

        const size_t colon = line.find(':');
        const std::string_view tag = line.substr(0, colon);
        const std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
        TagReader reader(line_no, tag, limits);

        if (tag == "#EXTINF") {
            if (pending_duration >= 0) return LineError(line_no, "EXTINF without URI");
            const std::string_view number = value.substr(0, value.find(','));
            const auto ticks = DecimalSecondsToTicks(number);
            if (!ticks) return LineError(line_no, "bad EXTINF duration");
            pending_duration = *ticks;
        } else if (tag == "#EXT-X-PART") {
            if (pending_duration >= 0) return LineError(line_no, "EXT-X-PART between EXTINF and its URI");
            PartialSegment part;
            if (!ReadPart(reader, value, part)) return reader.TakeError();
            if (pending.parts.size() >= limits.max_parts_per_segment || total_parts >= limits.max_parts)
                return MakeError(ErrorCode::kLimitExceeded, "playlist has too many EXT-X-PART tags");
            pending.parts.push_back(std::move(part));
            ++total_parts;
        } else if (tag == "#EXT-X-DISCONTINUITY") {
            pending.discontinuity = true;
        } else if (tag == "#EXT-X-PROGRAM-DATE-TIME") {
            const auto ms = ParseDateTime(value);
            if (!ms) return LineError(line_no, "bad EXT-X-PROGRAM-DATE-TIME");
            pending.program_date_time_ms = *ms;
        } else if (tag == "#EXT-X-MAP") {
            if (!reader.Parse(value) || !reader.Uri(pending.map_uri)) return reader.TakeError();
        } else if (tag == "#EXT-X-TARGETDURATION") {
            const auto v = DecimalInteger(value);
            if (have_target) return LineError(line_no, "repeated EXT-X-TARGETDURATION");
            if (!v || *v > static_cast<uint64_t>(kMaxTargetDuration)) return LineError(line_no, "bad EXT-X-TARGETDURATION");
            playlist.target_duration_seconds = static_cast<int64_t>(*v);
            have_target = true;
        } else if (tag == "#EXT-X-VERSION") {
            const auto v = DecimalInteger(value);
            if (have_version) return LineError(line_no, "repeated EXT-X-VERSION");
            if (!v || *v < 1 || *v > kMaxVersion) return LineError(line_no, "bad EXT-X-VERSION");
            playlist.version = static_cast<int>(*v);
            have_version = true;
        } else if (tag == "#EXT-X-MEDIA-SEQUENCE") {
            const auto v = DecimalInteger(value);
            if (have_sequence) return LineError(line_no, "repeated EXT-X-MEDIA-SEQUENCE");
            if (!v || !playlist.segments.empty()) return LineError(line_no, "bad EXT-X-MEDIA-SEQUENCE");
            playlist.media_sequence = *v;
            have_sequence = true;
        } else if (tag == "#EXT-X-DISCONTINUITY-SEQUENCE") {
            const auto v = DecimalInteger(value);
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
        } else if (tag == "#EXT-X-SERVER-CONTROL") {
            if (have_control) return LineError(line_no, "repeated EXT-X-SERVER-CONTROL");
            if (!ReadServerControl(reader, value, playlist.server_control)) return reader.TakeError();
            have_control = true;
        } else if (tag == "#EXT-X-PART-INF") {
            if (have_part_inf) return LineError(line_no, "repeated EXT-X-PART-INF");
            if (!reader.Parse(value) || !reader.Seconds("PART-TARGET", playlist.part_target, true))
                return reader.TakeError();
            have_part_inf = true;
        } else if (tag == "#EXT-X-SKIP") {
            if (have_skip) return LineError(line_no, "repeated EXT-X-SKIP");
            if (!playlist.segments.empty() || HasHead(pending) || pending_duration >= 0)
                return LineError(line_no, "EXT-X-SKIP after the first segment");
            if (!ReadSkip(reader, value, playlist)) return reader.TakeError();
            have_skip = true;
        } else if (tag == "#EXT-X-PRELOAD-HINT") {
            PreloadHint hint;
            if (!ReadPreloadHint(reader, value, hint)) return reader.TakeError();
            if (playlist.preload_hints.size() >= limits.max_preload_hints)
                return MakeError(ErrorCode::kLimitExceeded, "playlist has too many EXT-X-PRELOAD-HINT tags");
            playlist.preload_hints.push_back(std::move(hint));
        } else if (tag == "#EXT-X-RENDITION-REPORT") {
            RenditionReport report;
            if (!ReadRenditionReport(reader, value, report)) return reader.TakeError();
            if (playlist.rendition_reports.size() >= limits.max_rendition_reports)
                return MakeError(ErrorCode::kLimitExceeded, "playlist has too many EXT-X-RENDITION-REPORT tags");
            playlist.rendition_reports.push_back(std::move(report));
        } else if (tag == "#EXT-X-STREAM-INF" || tag == "#EXT-X-I-FRAME-STREAM-INF" || tag == "#EXT-X-MEDIA" ||
                   tag == "#EXT-X-SESSION-DATA" || tag == "#EXT-X-SESSION-KEY") {
            return LineError(line_no, "a multivariant playlist tag in a media playlist");
        } else if (tag == "#EXTM3U") {
            return LineError(line_no, "repeated #EXTM3U");
        }
        // Anything else: a tag this model does not hold; ignored.
    }
    if (lines.number() == 0) return MakeError(ErrorCode::kInvalidData, "empty playlist");
    if (pending_duration >= 0) return MakeError(ErrorCode::kInvalidData, "playlist ends with an EXTINF without URI");
    if (!have_target) return MakeError(ErrorCode::kInvalidData, "playlist has no EXT-X-TARGETDURATION");
    if (HasHead(pending)) playlist.open_segment = std::move(pending);
    return playlist;
}

}  // namespace onair::format::hls
