// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/playlist_checker.h"

#include "onair/format/hls/playlist_text.h"

#include <algorithm>
#include <cstdlib>

#include "onair/format/hls/attribute_list.h"

namespace onair::format::hls {

// Codes, one per rule (section numbers of draft-pantos-hls-rfc8216bis):
//   target-duration             TARGETDURATION at least 1 (4.4.3.1)
//   version                     EXT-X-VERSION below what the tags need (8)
//   extinf-over-target          EXTINF rounded to the nearest integer above TARGETDURATION (4.4.3.1)
//   part-inf-missing            EXT-X-PART without EXT-X-PART-INF (4.4.3.7)
//   part-inf-without-parts      (warning) PART-INF, yet no part and no preload hint
//   part-hold-back-missing      PART-INF without PART-HOLD-BACK (4.4.3.8)
//   part-hold-back-short        PART-HOLD-BACK below 2 x PART-TARGET (4.4.3.8)
//   part-hold-back-below-3x     (warning) below 3 x PART-TARGET (4.4.3.8 SHOULD)
//   hold-back-short             HOLD-BACK below 3 x TARGETDURATION (4.4.3.8)
//   can-skip-until-short        CAN-SKIP-UNTIL below 6 x TARGETDURATION (4.4.3.8)
//   can-skip-dateranges-alone   CAN-SKIP-DATERANGES without CAN-SKIP-UNTIL (4.4.3.8)
//   part-over-target            a part longer than PART-TARGET (4.4.4.9)
//   part-too-short              a part under 85% of PART-TARGET that is not exempt (4.4.4.9)
//   part-byterange-no-offset    a segment's first part with BYTERANGE but no offset (4.4.4.9)
//   parts-sum-mismatch          a segment's parts do not add up to its EXTINF
//   first-part-not-independent  keyframe segments: the first part lacks INDEPENDENT=YES
//   first-part-not-marked       (warning) INDEPENDENT-SEGMENTS, first part lacks INDEPENDENT=YES (4.4.4.9 SHOULD)
//   parts-too-old               (warning) parts on a segment older than 3 target durations (6.2.2 SHOULD)
//   open-segment-after-endlist  (warning) parts after the last segment of an ended playlist
//   preload-hint-listed         a PART hint naming a part already listed (4.4.5.3)
//   preload-hint-with-endlist   PRELOAD-HINT in an ended playlist (4.4.5.3)
//   preload-hint-repeated-type  (warning) two hints of one TYPE
//   skip-without-can-skip-until EXT-X-SKIP though the server does not advertise it (6.2.5.1)
//   skip-too-many               the segments kept after EXT-X-SKIP span less than CAN-SKIP-UNTIL (6.2.5.1)
//   rendition-report-absolute   a RENDITION-REPORT URI that is not relative (4.4.5.4)
//   rendition-report-implausible (warning) LAST-MSN or LAST-PART far from this playlist's
// Against the previous playlist:
//   msn-went-back               EXT-X-MEDIA-SEQUENCE decreased (6.2.1)
//   msn-jumped                  (warning) segments removed that were never listed
//   playlist-went-back          fewer segments or parts at the end than before
//   segment-changed             a segment (same MSN) with another URI, duration, discontinuity or parts
//   discontinuity-sequence      DISCONTINUITY-SEQUENCE not the old one plus the removed discontinuities (6.2.2)
//   changed-after-endlist       an ended playlist changed (6.2.1)
//   skip-beyond-previous        EXT-X-SKIP skips segments the previous playlist did not have

namespace {

using Violations = std::vector<Violation>;

void Add(Violations& out, Severity s, std::string code, std::string message) {
    out.push_back(Violation{s, std::move(code), std::move(message)});
}

std::string Seconds(int64_t ticks) {
    std::string s;
    AppendTicksAsSeconds(s, ticks);
    return s;
}

std::string SegName(uint64_t msn) { return "segment " + std::to_string(msn); }
std::string PartName(uint64_t msn, size_t i) { return SegName(msn) + " part " + std::to_string(i); }

// Media Sequence Number of the last part (or segment without parts), as
// LAST-MSN counts it (4.4.5.4).
uint64_t LastMsn(const MediaPlaylist& p) {
    if (p.open_segment && !p.open_segment->parts.empty()) return p.NextSequence();
    return p.NextSequence() == 0 ? 0 : p.NextSequence() - 1;
}

int64_t TotalDuration(const MediaPlaylist& p) {
    int64_t total = 0;
    for (const auto& s : p.segments) total += s.duration;
    if (p.open_segment)
        for (const auto& part : p.open_segment->parts) total += part.duration;
    return total;
}

const MediaSegment* SegmentAt(const MediaPlaylist& p, uint64_t msn) {
    if (msn < p.FirstListedSequence() || msn >= p.NextSequence()) return nullptr;
    return &p.segments[msn - p.FirstListedSequence()];
}

bool HasParts(const MediaPlaylist& p) {
    if (p.open_segment && !p.open_segment->parts.empty()) return true;
    return std::any_of(p.segments.begin(), p.segments.end(), [](const MediaSegment& s) { return !s.parts.empty(); });
}

void CheckHeader(const MediaPlaylist& p, Violations& out) {
    const int64_t td = p.target_duration_seconds * 90000;
    if (p.target_duration_seconds < 1) Add(out, Severity::kError, "target-duration", "EXT-X-TARGETDURATION is below 1");
    if (p.version < RequiredVersion(p))
        Add(out, Severity::kError, "version",
            "EXT-X-VERSION " + std::to_string(p.version) + " but the tags need " + std::to_string(RequiredVersion(p)));
    const bool parts = HasParts(p);
    if (parts && !p.part_target) Add(out, Severity::kError, "part-inf-missing", "EXT-X-PART without EXT-X-PART-INF");
    const ServerControl& c = p.server_control;
    if (p.part_target) {
        if (!parts && p.preload_hints.empty())
            Add(out, Severity::kWarning, "part-inf-without-parts", "EXT-X-PART-INF but no part and no preload hint");
        const int64_t pt = *p.part_target;
        if (!c.part_hold_back) {
            Add(out, Severity::kError, "part-hold-back-missing", "EXT-X-PART-INF without SERVER-CONTROL PART-HOLD-BACK");
        } else if (*c.part_hold_back < 2 * pt) {
            Add(out, Severity::kError, "part-hold-back-short",
                "PART-HOLD-BACK " + Seconds(*c.part_hold_back) + " below twice PART-TARGET " + Seconds(pt));
        } else if (*c.part_hold_back < 3 * pt) {
            Add(out, Severity::kWarning, "part-hold-back-below-3x",
                "PART-HOLD-BACK " + Seconds(*c.part_hold_back) + " below three times PART-TARGET " + Seconds(pt));
        }
    }
    if (c.hold_back && *c.hold_back < 3 * td)
        Add(out, Severity::kError, "hold-back-short",
            "HOLD-BACK " + Seconds(*c.hold_back) + " below three times TARGETDURATION " + Seconds(td));
    if (c.can_skip_until && *c.can_skip_until < 6 * td)
        Add(out, Severity::kError, "can-skip-until-short",
            "CAN-SKIP-UNTIL " + Seconds(*c.can_skip_until) + " below six times TARGETDURATION " + Seconds(td));
    if (c.can_skip_dateranges && !c.can_skip_until)
        Add(out, Severity::kError, "can-skip-dateranges-alone", "CAN-SKIP-DATERANGES without CAN-SKIP-UNTIL");
}

// The parts of one segment (complete or, with `open`, the one in progress).
void CheckParts(const MediaPlaylist& p, const MediaSegment& s, uint64_t msn, bool open, const CheckOptions& o,
                Violations& out) {
    const auto& parts = s.parts;
    if (parts.empty()) return;
    if (!parts.front().independent) {
        if (o.keyframe_segments)
            Add(out, Severity::kError, "first-part-not-independent",
                PartName(msn, 0) + " lacks INDEPENDENT=YES though segments start with a keyframe");
        else if (p.independent_segments)
            Add(out, Severity::kWarning, "first-part-not-marked",
                PartName(msn, 0) + " lacks INDEPENDENT=YES under EXT-X-INDEPENDENT-SEGMENTS");
    }
    if (parts.front().byterange && !parts.front().byterange->offset)
        Add(out, Severity::kError, "part-byterange-no-offset", PartName(msn, 0) + " BYTERANGE has no offset");
    if (p.part_target) {
        const int64_t pt = *p.part_target;
        for (size_t i = 0; i < parts.size(); ++i) {
            const PartialSegment& part = parts[i];
            if (part.duration > pt)
                Add(out, Severity::kError, "part-over-target",
                    PartName(msn, i) + " DURATION " + Seconds(part.duration) + " above PART-TARGET " + Seconds(pt));
            // 4.4.4.9: at least 85% of PART-TARGET, except INDEPENDENT or GAP
            // parts, parts before a GAP part and the last part of the parent
            // (which, for the open segment, the last listed may turn out to be).
            const bool last = i + 1 == parts.size();
            const bool exempt = part.independent || part.gap || last || parts[i + 1].gap;
            if (!exempt && (part.duration + o.rounding_ticks) * 100 < pt * 85)
                Add(out, Severity::kError, "part-too-short",
                    PartName(msn, i) + " DURATION " + Seconds(part.duration) + " under 85% of PART-TARGET " + Seconds(pt));
        }
    }
    if (!open) {
        int64_t sum = 0;
        for (const auto& part : parts) sum += part.duration;
        const int64_t tolerance = static_cast<int64_t>(parts.size() + 1) * o.rounding_ticks;
        if (std::llabs(sum - s.duration) > tolerance)
            Add(out, Severity::kError, "parts-sum-mismatch",
                SegName(msn) + " parts add up to " + Seconds(sum) + ", EXTINF is " + Seconds(s.duration));
    }
}

void CheckSegments(const MediaPlaylist& p, const CheckOptions& o, Violations& out) {
    const int64_t total = TotalDuration(p);
    int64_t end = 0;
    for (size_t i = 0; i < p.segments.size(); ++i) {
        const MediaSegment& s = p.segments[i];
        const uint64_t msn = p.FirstListedSequence() + i;
        end += s.duration;
        if ((s.duration + 45000) / 90000 > p.target_duration_seconds)
            Add(out, Severity::kError, "extinf-over-target",
                SegName(msn) + " EXTINF " + Seconds(s.duration) + " rounds above TARGETDURATION " +
                    std::to_string(p.target_duration_seconds));
        CheckParts(p, s, msn, false, o, out);
        if (!s.parts.empty() && total - end > o.part_age_target_durations * p.target_duration_seconds * 90000)
            Add(out, Severity::kWarning, "parts-too-old",
                SegName(msn) + " still lists parts, ending " + Seconds(total - end) + " before the end");
    }
    if (p.open_segment) {
        CheckParts(p, *p.open_segment, p.NextSequence(), true, o, out);
        if (p.ended && !p.open_segment->parts.empty())
            Add(out, Severity::kWarning, "open-segment-after-endlist", "parts after the last segment of an ended playlist");
    }
}

// Whether a PART hint names a part the playlist lists already.
bool HintListed(const PreloadHint& h, const MediaSegment& s) {
    uint64_t next_offset = 0;
    for (const auto& part : s.parts) {
        uint64_t offset = 0;
        if (part.byterange) offset = part.byterange->offset.value_or(next_offset);
        if (part.byterange) next_offset = offset + part.byterange->length;
        if (part.uri != h.uri) continue;
        // Without byte ranges a URI is one resource; with them, the hint
        // names the part that starts where it does.
        if (!part.byterange || offset == h.byterange_start) return true;
    }
    return false;
}

void CheckTrailer(const MediaPlaylist& p, Violations& out) {
    bool seen_part = false, seen_map = false;
    for (const auto& h : p.preload_hints) {
        bool& seen = h.type == PreloadHintType::kPart ? seen_part : seen_map;
        if (seen) Add(out, Severity::kWarning, "preload-hint-repeated-type", "two EXT-X-PRELOAD-HINT tags of one TYPE");
        seen = true;
        if (h.type != PreloadHintType::kPart) continue;
        bool listed = p.open_segment && HintListed(h, *p.open_segment);
        for (const auto& s : p.segments) listed = listed || HintListed(h, s);
        if (listed) Add(out, Severity::kError, "preload-hint-listed", "EXT-X-PRELOAD-HINT names a listed part: " + h.uri);
    }
    if (p.ended && !p.preload_hints.empty())
        Add(out, Severity::kError, "preload-hint-with-endlist", "EXT-X-PRELOAD-HINT in a playlist with EXT-X-ENDLIST");

    if (p.skipped_segments > 0) {
        const auto& until = p.server_control.can_skip_until;
        if (!until) {
            Add(out, Severity::kError, "skip-without-can-skip-until", "EXT-X-SKIP without SERVER-CONTROL CAN-SKIP-UNTIL");
        } else {
            int64_t kept = 0;
            for (const auto& s : p.segments) kept += s.duration;
            const int64_t tolerance = static_cast<int64_t>(p.segments.size()) * 45;
            if (kept + tolerance < *until)
                Add(out, Severity::kError, "skip-too-many",
                    "the segments after EXT-X-SKIP span " + Seconds(kept) + ", less than CAN-SKIP-UNTIL " + Seconds(*until));
        }
    }

    const uint64_t last_msn = LastMsn(p);
    size_t max_parts = 0;
    for (const auto& s : p.segments) max_parts = std::max(max_parts, s.parts.size());
    if (p.open_segment) max_parts = std::max(max_parts, p.open_segment->parts.size());
    if (p.part_target && *p.part_target > 0)
        max_parts = std::max<size_t>(max_parts, static_cast<size_t>(p.target_duration_seconds * 90000 / *p.part_target + 1));
    for (const auto& r : p.rendition_reports) {
        const size_t colon = r.uri.find(':');
        const size_t slash = r.uri.find('/');
        if ((colon != std::string::npos && (slash == std::string::npos || colon < slash)) || r.uri.rfind("//", 0) == 0)
            Add(out, Severity::kError, "rendition-report-absolute", "EXT-X-RENDITION-REPORT URI is not relative: " + r.uri);
        if (r.last_msn && (*r.last_msn > last_msn + 1 || *r.last_msn + 1 < last_msn))
            Add(out, Severity::kWarning, "rendition-report-implausible",
                r.uri + " LAST-MSN " + std::to_string(*r.last_msn) + " far from this playlist's " + std::to_string(last_msn));
        if (r.last_part && *r.last_part >= max_parts)
            Add(out, Severity::kWarning, "rendition-report-implausible",
                r.uri + " LAST-PART " + std::to_string(*r.last_part) + " beyond the parts a segment has here");
    }
}

bool SameParts(const MediaSegment& a, const MediaSegment& b) {
    const size_t n = std::min(a.parts.size(), b.parts.size());
    for (size_t i = 0; i < n; ++i)
        if (a.parts[i].uri != b.parts[i].uri) return false;
    return true;
}

void CheckAgainst(const MediaPlaylist& cur, const MediaPlaylist& prev, const CheckOptions& o, Violations& out) {
    if (cur.media_sequence < prev.media_sequence) {
        Add(out, Severity::kError, "msn-went-back",
            "EXT-X-MEDIA-SEQUENCE " + std::to_string(cur.media_sequence) + " after " + std::to_string(prev.media_sequence));
        return;  // the comparisons below assume it did not
    }
    if (cur.media_sequence > prev.NextSequence())
        Add(out, Severity::kWarning, "msn-jumped",
            "EXT-X-MEDIA-SEQUENCE " + std::to_string(cur.media_sequence) + " skips past segment " +
                std::to_string(prev.NextSequence()));
    const size_t cur_open = cur.open_segment ? cur.open_segment->parts.size() : 0;
    const size_t prev_open = prev.open_segment ? prev.open_segment->parts.size() : 0;
    if (cur.NextSequence() < prev.NextSequence() || (cur.NextSequence() == prev.NextSequence() && cur_open < prev_open))
        Add(out, Severity::kError, "playlist-went-back",
            "the playlist ends before where the previous one ended (" + SegName(cur.NextSequence()) + ", " +
                std::to_string(cur_open) + " parts, after " + SegName(prev.NextSequence()) + ", " +
                std::to_string(prev_open) + " parts)");
    if (prev.ended && (!cur.ended || cur.NextSequence() != prev.NextSequence()))
        Add(out, Severity::kError, "changed-after-endlist", "the playlist changed after EXT-X-ENDLIST");
    if (cur.skipped_segments > 0 && cur.FirstListedSequence() > prev.NextSequence())
        Add(out, Severity::kError, "skip-beyond-previous",
            "EXT-X-SKIP skips up to " + SegName(cur.FirstListedSequence() - 1) + ", the previous playlist ended before it");

    for (size_t i = 0; i < cur.segments.size(); ++i) {
        const uint64_t msn = cur.FirstListedSequence() + i;
        const MediaSegment& s = cur.segments[i];
        if (const MediaSegment* old = SegmentAt(prev, msn)) {
            const bool changed = old->uri != s.uri || std::llabs(old->duration - s.duration) > 2 * o.rounding_ticks ||
                                 old->discontinuity != s.discontinuity || !SameParts(*old, s);
            if (changed) Add(out, Severity::kError, "segment-changed", SegName(msn) + " changed: " + s.uri + " was " + old->uri);
        } else if (prev.open_segment && msn == prev.NextSequence() && !SameParts(*prev.open_segment, s)) {
            Add(out, Severity::kError, "segment-changed", SegName(msn) + " completed with other parts than it had");
        }
    }
    // Removing segments raises the discontinuity sequence by the
    // discontinuities removed with them (6.2.2); computable when the
    // previous playlist listed every removed segment.
    if (prev.skipped_segments == 0 && cur.media_sequence <= prev.NextSequence()) {
        uint64_t expected = prev.discontinuity_sequence;
        for (uint64_t msn = prev.media_sequence; msn < cur.media_sequence; ++msn)
            if (SegmentAt(prev, msn)->discontinuity) ++expected;
        if (cur.discontinuity_sequence != expected)
            Add(out, Severity::kError, "discontinuity-sequence",
                "EXT-X-DISCONTINUITY-SEQUENCE " + std::to_string(cur.discontinuity_sequence) + ", expected " +
                    std::to_string(expected));
    }
}

}  // namespace

std::vector<Violation> CheckMediaPlaylist(const MediaPlaylist& current, const MediaPlaylist* previous,
                                          const CheckOptions& options) {
    Violations out;
    CheckHeader(current, out);
    CheckSegments(current, options, out);
    CheckTrailer(current, out);
    if (previous) CheckAgainst(current, *previous, options, out);
    return out;
}

std::vector<Violation> CheckMediaPlaylistText(std::string_view current, const std::string_view* previous,
                                              const CheckOptions& options, const MediaPlaylistLimits& limits) {
    auto cur = ReadMediaPlaylist(current, limits);
    if (!cur.ok()) return {Violation{Severity::kError, "read", cur.error().message}};
    if (!previous) return CheckMediaPlaylist(*cur, nullptr, options);
    auto prev = ReadMediaPlaylist(*previous, limits);
    if (!prev.ok()) return {Violation{Severity::kError, "read-previous", prev.error().message}};
    return CheckMediaPlaylist(*cur, &*prev, options);
}

std::vector<Violation> CheckMultivariantPlaylistText(std::string_view text, size_t max_bytes) {
    Violations out;
    if (text.size() > max_bytes) return {Violation{Severity::kError, "read", "playlist larger than the limit"}};
    auto line_error = [&](size_t n, std::string code, const std::string& what) {
        Add(out, Severity::kError, std::move(code), "playlist line " + std::to_string(n) + ": " + what);
    };
    size_t variants = 0, versions = 0;
    bool want_uri = false;  // the line after EXT-X-STREAM-INF
    PlaylistLines lines(text);
    std::string_view line;
    while (lines.Next(line)) {
        const size_t line_no = lines.number();
        if (line_no == 1) {
            if (line != "#EXTM3U") return {Violation{Severity::kError, "read", "playlist line 1: missing #EXTM3U"}};
            continue;
        }
        if (line.empty()) continue;
        if (line[0] != '#') {
            if (!want_uri) line_error(line_no, "uri-without-stream-inf", "a URI line not after EXT-X-STREAM-INF");
            want_uri = false;
            continue;
        }
        if (line.rfind("#EXT", 0) != 0) continue;  // a comment
        if (want_uri) {
            line_error(line_no, "stream-inf-without-uri", "EXT-X-STREAM-INF not followed by its URI");
            want_uri = false;
        }
        const size_t colon = line.find(':');
        const std::string_view tag = line.substr(0, colon);
        const std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
        if (tag == "#EXT-X-STREAM-INF" || tag == "#EXT-X-MEDIA" || tag == "#EXT-X-I-FRAME-STREAM-INF") {
            const auto attrs = ParseAttributeList(value);
            if (!attrs) {
                line_error(line_no, "attribute-list", std::string(tag.substr(1)) + ": malformed attribute list");
                continue;
            }
            if (tag == "#EXT-X-MEDIA") {
                for (const char* name : {"TYPE", "GROUP-ID", "NAME"})
                    if (!FindAttribute(*attrs, name))
                        line_error(line_no, "media-attribute-missing", std::string("EXT-X-MEDIA without ") + name);
                continue;
            }
            const Attribute* bw = FindAttribute(*attrs, "BANDWIDTH");
            const auto v = bw ? DecimalInteger(bw->value) : std::nullopt;
            if (!v || *v == 0)
                line_error(line_no, "bandwidth", std::string(tag.substr(1)) + " without a positive BANDWIDTH");
            if (tag == "#EXT-X-STREAM-INF") {
                ++variants;
                want_uri = true;
            }
        } else if (tag == "#EXT-X-VERSION") {
            if (++versions > 1) line_error(line_no, "version", "repeated EXT-X-VERSION");
        } else if (tag == "#EXTINF" || tag == "#EXT-X-TARGETDURATION" || tag == "#EXT-X-MEDIA-SEQUENCE" ||
                   tag == "#EXT-X-PART" || tag == "#EXT-X-ENDLIST" || tag == "#EXT-X-PLAYLIST-TYPE" ||
                   tag == "#EXT-X-MAP" || tag == "#EXT-X-SERVER-CONTROL" || tag == "#EXT-X-PART-INF") {
            line_error(line_no, "media-tag", std::string(tag.substr(1)) + " in a multivariant playlist");
        }
    }
    if (lines.number() == 0) return {Violation{Severity::kError, "read", "empty playlist"}};
    if (want_uri) line_error(lines.number(), "stream-inf-without-uri", "EXT-X-STREAM-INF not followed by its URI");
    if (variants == 0) Add(out, Severity::kError, "no-variant", "no EXT-X-STREAM-INF");
    return out;
}

bool HasErrors(const std::vector<Violation>& violations) {
    return std::any_of(violations.begin(), violations.end(),
                       [](const Violation& v) { return v.severity == Severity::kError; });
}

}  // namespace onair::format::hls
