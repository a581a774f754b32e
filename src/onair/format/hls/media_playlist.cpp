// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/media_playlist.h"

#include <algorithm>

#include "onair/format/hls/attribute_list.h"
#include "onair/format/hls/date_time.h"
#include "onair/format/hls/playlist_text.h"

namespace onair::format::hls {

namespace {

void AppendQuoted(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += "=\"";
    AppendSanitized(out, value);
    out.push_back('"');
}

void AppendByteRange(std::string& out, const ByteRange& r) {
    out += std::to_string(r.length);
    if (r.offset) out += "@" + std::to_string(*r.offset);
}

void AppendPart(std::string& out, const PartialSegment& p) {
    out += "#EXT-X-PART:DURATION=";
    AppendTicksAsSeconds(out, p.duration);
    out.push_back(',');
    AppendQuoted(out, "URI", p.uri);
    if (p.independent) out += ",INDEPENDENT=YES";
    if (p.byterange) {
        out += ",BYTERANGE=\"";
        AppendByteRange(out, *p.byterange);
        out.push_back('"');
    }
    if (p.gap) out += ",GAP=YES";
    out.push_back('\n');
}

// The tags that apply to a segment and must precede its first part
// (4.4.4.9), then the parts.
void AppendSegmentHead(std::string& out, const MediaSegment& s) {
    if (s.discontinuity) out += "#EXT-X-DISCONTINUITY\n";
    if (!s.map_uri.empty()) {
        out += "#EXT-X-MAP:";
        AppendQuoted(out, "URI", s.map_uri);
        out.push_back('\n');
    }
    if (s.program_date_time_ms) out += "#EXT-X-PROGRAM-DATE-TIME:" + FormatDateTime(*s.program_date_time_ms) + "\n";
    for (const auto& p : s.parts) AppendPart(out, p);
}

void AppendServerControl(std::string& out, const ServerControl& c) {
    if (c.empty()) return;
    std::string attrs;
    auto seconds = [&](std::string_view name, int64_t ticks) {
        if (!attrs.empty()) attrs.push_back(',');
        attrs += name;
        attrs.push_back('=');
        AppendTicksAsSeconds(attrs, ticks);
    };
    auto yes = [&](std::string_view name) {
        if (!attrs.empty()) attrs.push_back(',');
        attrs += name;
        attrs += "=YES";
    };
    if (c.can_skip_until) seconds("CAN-SKIP-UNTIL", *c.can_skip_until);
    if (c.can_skip_dateranges) yes("CAN-SKIP-DATERANGES");
    if (c.hold_back) seconds("HOLD-BACK", *c.hold_back);
    if (c.part_hold_back) seconds("PART-HOLD-BACK", *c.part_hold_back);
    if (c.can_block_reload) yes("CAN-BLOCK-RELOAD");
    out += "#EXT-X-SERVER-CONTROL:" + attrs + "\n";
}

void AppendPreloadHint(std::string& out, const PreloadHint& h) {
    out += h.type == PreloadHintType::kMap ? "#EXT-X-PRELOAD-HINT:TYPE=MAP," : "#EXT-X-PRELOAD-HINT:TYPE=PART,";
    AppendQuoted(out, "URI", h.uri);
    if (h.byterange_start > 0) out += ",BYTERANGE-START=" + std::to_string(h.byterange_start);
    if (h.byterange_length) out += ",BYTERANGE-LENGTH=" + std::to_string(*h.byterange_length);
    out.push_back('\n');
}

void AppendRenditionReport(std::string& out, const RenditionReport& r) {
    out += "#EXT-X-RENDITION-REPORT:";
    AppendQuoted(out, "URI", r.uri);
    if (r.last_msn) out += ",LAST-MSN=" + std::to_string(*r.last_msn);
    if (r.last_part) out += ",LAST-PART=" + std::to_string(*r.last_part);
    out.push_back('\n');
}

}  // namespace

std::string WriteMediaPlaylist(const MediaPlaylist& playlist) {
    std::string out;
    out.reserve(128 + playlist.segments.size() * 80);
    out += "#EXTM3U\n#EXT-X-VERSION:" + std::to_string(playlist.version) + "\n";
    out += "#EXT-X-TARGETDURATION:" + std::to_string(playlist.target_duration_seconds) + "\n";
    AppendServerControl(out, playlist.server_control);
    if (playlist.part_target) {
        out += "#EXT-X-PART-INF:PART-TARGET=";
        AppendTicksAsSeconds(out, *playlist.part_target);
        out.push_back('\n');
    }
    out += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(playlist.media_sequence) + "\n";
    if (playlist.discontinuity_sequence > 0)
        out += "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(playlist.discontinuity_sequence) + "\n";
    if (playlist.playlist_type)
        out += *playlist.playlist_type == PlaylistType::kVod ? "#EXT-X-PLAYLIST-TYPE:VOD\n" : "#EXT-X-PLAYLIST-TYPE:EVENT\n";
    if (playlist.independent_segments) out += "#EXT-X-INDEPENDENT-SEGMENTS\n";
    if (playlist.skipped_segments > 0) {
        out += "#EXT-X-SKIP:SKIPPED-SEGMENTS=" + std::to_string(playlist.skipped_segments);
        if (playlist.recently_removed_dateranges) {
            out += ",RECENTLY-REMOVED-DATERANGES=\"";
            // Tabs separate the IDs; only what a quoted-string cannot hold goes.
            AppendSanitized(out, *playlist.recently_removed_dateranges);
            out.push_back('"');
        }
        out.push_back('\n');
    }
    for (const auto& s : playlist.segments) {
        AppendSegmentHead(out, s);
        out += "#EXTINF:";
        const int64_t ms = TicksToRoundedMs(s.duration);
        if (playlist.version >= 3) {
            AppendMillis(out, ms);
        } else {
            out += std::to_string(ms / 1000 + (ms % 1000 >= 500 ? 1 : 0));
        }
        out += ",\n";
        AppendSanitized(out, s.uri);
        out += "\n";
    }
    if (playlist.open_segment) AppendSegmentHead(out, *playlist.open_segment);
    if (playlist.ended) out += "#EXT-X-ENDLIST\n";
    for (const auto& h : playlist.preload_hints) AppendPreloadHint(out, h);
    for (const auto& r : playlist.rendition_reports) AppendRenditionReport(out, r);
    return out;
}

int RequiredVersion(const MediaPlaylist& playlist) {
    // Decimal EXTINF needs 3 (the writer writes whole seconds below it);
    // whole milliseconds of whole seconds need nothing.
    int v = 1;
    auto fractional = [](const MediaSegment& s) { return TicksToRoundedMs(s.duration) % 1000 != 0; };
    if (std::any_of(playlist.segments.begin(), playlist.segments.end(), fractional)) v = 3;
    auto has_map = [](const MediaSegment& s) { return !s.map_uri.empty(); };
    if (std::any_of(playlist.segments.begin(), playlist.segments.end(), has_map) ||
        (playlist.open_segment && has_map(*playlist.open_segment)))
        v = 6;  // EXT-X-MAP without EXT-X-I-FRAMES-ONLY (4.4.4.5)
    if (playlist.skipped_segments > 0) v = playlist.recently_removed_dateranges ? 10 : 9;  // 4.4.5.2, 8
    return v;
}

uint64_t SkippableSegments(const MediaPlaylist& playlist) {
    if (!playlist.server_control.can_skip_until || playlist.skipped_segments > 0) return 0;
    int64_t total = 0;
    for (const auto& s : playlist.segments) total += s.duration;
    uint64_t n = 0;
    int64_t end = 0;
    for (const auto& s : playlist.segments) {
        end += s.duration;
        if (total - end < *playlist.server_control.can_skip_until) break;
        ++n;
    }
    return n;
}

MediaPlaylist DeltaOf(const MediaPlaylist& full, bool skip_dateranges) {
    const uint64_t n = SkippableSegments(full);
    if (n == 0) return full;
    MediaPlaylist delta = full;
    std::string map;
    for (uint64_t i = 0; i < n; ++i)
        if (!full.segments[i].map_uri.empty()) map = full.segments[i].map_uri;
    delta.segments.erase(delta.segments.begin(), delta.segments.begin() + static_cast<std::ptrdiff_t>(n));
    if (!delta.segments.empty() && delta.segments.front().map_uri.empty()) delta.segments.front().map_uri = map;
    delta.skipped_segments = n;
    if (skip_dateranges) delta.recently_removed_dateranges = std::string();
    delta.version = std::max(delta.version, RequiredVersion(delta));
    return delta;
}

}  // namespace onair::format::hls
