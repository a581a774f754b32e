// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/playlist_checker.h"

#include <gtest/gtest.h>

#include <functional>

#include "unit/format/hls/ll_hls_support.h"

namespace onair::format::hls {
namespace {

using testing::DraftLikeLowLatencyPlaylist;

std::vector<std::string> Codes(const std::vector<Violation>& v, Severity s) {
    std::vector<std::string> out;
    for (const auto& x : v)
        if (x.severity == s) out.push_back(x.code);
    return out;
}

bool Has(const std::vector<Violation>& v, const std::string& code, Severity s) {
    for (const auto& x : v)
        if (x.code == code && x.severity == s) return true;
    return false;
}

TEST(PlaylistChecker, TheDraftLikePlaylistPasses) {
    const MediaPlaylist p = DraftLikeLowLatencyPlaylist();
    CheckOptions o;
    o.keyframe_segments = true;
    const auto v = CheckMediaPlaylist(p, &p, o);
    EXPECT_TRUE(v.empty()) << v.front().code << ": " << v.front().message;
    // And as text, against its own delta update.
    const std::string full = WriteMediaPlaylist(p);
    const std::string delta = WriteMediaPlaylist(DeltaOf(p));
    const std::string_view previous = full;
    const auto t = CheckMediaPlaylistText(delta, &previous, o);
    EXPECT_TRUE(t.empty()) << t.front().code << ": " << t.front().message;
}

struct Case {
    const char* code;
    Severity severity;
    std::function<void(MediaPlaylist&)> mutate;
};

// One case per rule on the playlist alone: the draft-like playlist has none
// of these codes, the mutation makes exactly the rule fire.
TEST(PlaylistChecker, EachRuleOnItsOwn) {
    const Severity E = Severity::kError, W = Severity::kWarning;
    const std::vector<Case> cases = {
        {"target-duration", E, [](MediaPlaylist& p) { p.target_duration_seconds = 0; }},
        {"version", E, [](MediaPlaylist& p) { p.version = 5; }},  // EXT-X-MAP needs 6
        {"version", E, [](MediaPlaylist& p) { p = DeltaOf(p); p.version = 8; }},
        {"extinf-over-target", E, [](MediaPlaylist& p) { p.segments[0].duration = 4 * 90000 + 45000; }},
        {"part-inf-missing", E, [](MediaPlaylist& p) { p.part_target.reset(); }},
        {"part-inf-without-parts", W,
         [](MediaPlaylist& p) {
             for (auto& s : p.segments) s.parts.clear();
             p.open_segment.reset();
             p.preload_hints.clear();
         }},
        {"part-hold-back-missing", E, [](MediaPlaylist& p) { p.server_control.part_hold_back.reset(); }},
        {"part-hold-back-short", E, [](MediaPlaylist& p) { p.server_control.part_hold_back = 2 * 30000 - 1; }},
        {"part-hold-back-below-3x", W, [](MediaPlaylist& p) { p.server_control.part_hold_back = 3 * 30000 - 1; }},
        {"hold-back-short", E, [](MediaPlaylist& p) { p.server_control.hold_back = 12 * 90000 - 1; }},
        {"can-skip-until-short", E, [](MediaPlaylist& p) { p.server_control.can_skip_until = 24 * 90000 - 1; }},
        {"can-skip-dateranges-alone", E,
         [](MediaPlaylist& p) {
             p.server_control.can_skip_until.reset();
             p.server_control.can_skip_dateranges = true;
         }},
        {"part-over-target", E, [](MediaPlaylist& p) { p.open_segment->parts[1].duration = 30001; }},
        {"part-too-short", E, [](MediaPlaylist& p) { p.open_segment->parts[1].duration = 30000 * 85 / 100 - 46; }},
        {"part-byterange-no-offset", E, [](MediaPlaylist& p) { p.segments[5].parts[0].byterange = ByteRange{10, std::nullopt}; }},
        {"parts-sum-mismatch", E, [](MediaPlaylist& p) { p.segments[6].duration += 13 * 45 + 1; }},
        {"first-part-not-independent", E, [](MediaPlaylist& p) { p.segments[6].parts[0].independent = false; }},
        {"first-part-not-marked", W, [](MediaPlaylist& p) { p.open_segment->parts[0].independent = false; }},
        {"parts-too-old", W,
         [](MediaPlaylist& p) {
             p.segments[3].parts = p.segments[4].parts;  // 269 ends 12 s + 1 part before the end
         }},
        {"open-segment-after-endlist", W,
         [](MediaPlaylist& p) {
             p.ended = true;
             p.preload_hints.clear();
         }},
        {"preload-hint-listed", E, [](MediaPlaylist& p) { p.preload_hints[0].uri = "filePart273.2.mp4"; }},
        {"preload-hint-listed", E,
         [](MediaPlaylist& p) {  // byte ranges: the hint names the range a listed part starts at
             auto& parts = p.open_segment->parts;
             for (size_t i = 0; i < parts.size(); ++i) {
                 parts[i].uri = "273.mp4";
                 parts[i].byterange = ByteRange{100, i == 0 ? std::optional<uint64_t>(0) : std::nullopt};
             }
             p.preload_hints[0] = PreloadHint{PreloadHintType::kPart, "273.mp4", 200, std::nullopt};
         }},
        {"preload-hint-with-endlist", E, [](MediaPlaylist& p) { p.ended = true; }},
        {"preload-hint-repeated-type", W, [](MediaPlaylist& p) { p.preload_hints.push_back(PreloadHint{PreloadHintType::kPart, "b", 0, {}}); }},
        {"skip-without-can-skip-until", E,
         [](MediaPlaylist& p) {
             p = DeltaOf(p);
             p.server_control.can_skip_until.reset();
         }},
        {"skip-too-many", E,
         [](MediaPlaylist& p) {
             p = DeltaOf(p);
             p.skipped_segments += 1;
             p.segments.erase(p.segments.begin());
         }},
        {"rendition-report-absolute", E, [](MediaPlaylist& p) { p.rendition_reports[0].uri = "https://x/1M.m3u8"; }},
        {"rendition-report-absolute", E, [](MediaPlaylist& p) { p.rendition_reports[0].uri = "//x/1M.m3u8"; }},
        {"rendition-report-implausible", W, [](MediaPlaylist& p) { p.rendition_reports[1].last_msn = 275; }},
        {"rendition-report-implausible", W, [](MediaPlaylist& p) { p.rendition_reports[1].last_msn = 271; }},
        {"rendition-report-implausible", W, [](MediaPlaylist& p) { p.rendition_reports[1].last_part = 13; }},
    };
    const MediaPlaylist base = DraftLikeLowLatencyPlaylist();
    CheckOptions o;
    o.keyframe_segments = true;
    const auto clean = CheckMediaPlaylist(base, nullptr, o);
    ASSERT_TRUE(clean.empty()) << clean.front().code;
    for (const auto& c : cases) {
        MediaPlaylist p = base;
        c.mutate(p);
        // first-part-not-marked only applies without keyframe_segments.
        CheckOptions opts = o;
        if (std::string(c.code) == "first-part-not-marked") opts.keyframe_segments = false;
        const auto v = CheckMediaPlaylist(p, nullptr, opts);
        EXPECT_TRUE(Has(v, c.code, c.severity)) << c.code;
    }
    // At the edge of each numeric rule it passes.
    MediaPlaylist edge = base;
    edge.server_control.part_hold_back = 3 * 30000;
    edge.server_control.hold_back = 12 * 90000;
    edge.open_segment->parts[1].duration = 30000;
    edge.segments[6].duration += 13 * 45;  // within (12 + 1) x 0.5 ms of the parts' sum
    edge.segments[0].duration = 4 * 90000 + 44999;
    EXPECT_TRUE(CheckMediaPlaylist(edge, nullptr, o).empty());
}

TEST(PlaylistChecker, EachRuleAgainstThePrevious) {
    const Severity E = Severity::kError, W = Severity::kWarning;
    const MediaPlaylist base = DraftLikeLowLatencyPlaylist();
    // The next playlist: 273 completes, 266 goes.
    MediaPlaylist next = base;
    next.segments.erase(next.segments.begin());
    next.segments[0].map_uri = "init.mp4";
    next.media_sequence = 267;
    MediaSegment done = *next.open_segment;
    while (done.parts.size() < 12)
        done.parts.push_back(PartialSegment{30000, "filePart273." + std::to_string(done.parts.size()) + ".mp4", false, {}, false});
    done.duration = 12 * 30000;
    done.uri = "fileSequence273.mp4";
    next.segments.push_back(done);
    next.segments[3].parts.clear();  // 270 is now too old for its parts
    next.open_segment->parts.resize(1);
    next.open_segment->parts[0].uri = "filePart274.0.mp4";
    next.preload_hints[0].uri = "filePart274.1.mp4";
    for (auto& r : next.rendition_reports) r.last_msn = 274;
    ASSERT_TRUE(CheckMediaPlaylist(next, &base).empty()) << CheckMediaPlaylist(next, &base).front().code;

    struct PairCase {
        const char* code;
        Severity severity;
        std::function<void(MediaPlaylist& prev, MediaPlaylist& cur)> mutate;
    };
    const std::vector<PairCase> cases = {
        {"msn-went-back", E, [](MediaPlaylist& prev, MediaPlaylist&) { prev.media_sequence = 268; }},
        {"msn-jumped", W,
         [](MediaPlaylist&, MediaPlaylist& cur) {
             cur.media_sequence += 10;
         }},
        {"playlist-went-back", E, [](MediaPlaylist& prev, MediaPlaylist& cur) { cur = prev; cur.open_segment->parts.pop_back(); }},
        {"playlist-went-back", E, [](MediaPlaylist& prev, MediaPlaylist& cur) { cur = prev; cur.segments.pop_back(); cur.open_segment.reset(); }},
        {"segment-changed", E, [](MediaPlaylist&, MediaPlaylist& cur) { cur.segments[2].uri = "other.mp4"; }},
        {"segment-changed", E, [](MediaPlaylist&, MediaPlaylist& cur) { cur.segments[2].duration += 91; }},
        {"segment-changed", E, [](MediaPlaylist&, MediaPlaylist& cur) { cur.segments[2].discontinuity = true; }},
        {"segment-changed", E, [](MediaPlaylist&, MediaPlaylist& cur) { cur.segments[4].parts[3].uri = "x.mp4"; }},
        {"segment-changed", E, [](MediaPlaylist&, MediaPlaylist& cur) { cur.segments.back().parts[1].uri = "x.mp4"; }},
        {"discontinuity-sequence", E, [](MediaPlaylist& prev, MediaPlaylist&) { prev.segments[0].discontinuity = true; }},
        {"discontinuity-sequence", E, [](MediaPlaylist&, MediaPlaylist& cur) { cur.discontinuity_sequence = 1; }},
        {"changed-after-endlist", E, [](MediaPlaylist& prev, MediaPlaylist&) { prev.ended = true; prev.preload_hints.clear(); }},
        {"skip-beyond-previous", E,
         [](MediaPlaylist& prev, MediaPlaylist& cur) {
             cur = DeltaOf(cur);
             prev.segments.resize(1);  // the previous one ended at 267
             prev.open_segment.reset();
         }},
    };
    for (const auto& c : cases) {
        MediaPlaylist prev = base, cur = next;
        c.mutate(prev, cur);
        const auto v = CheckMediaPlaylist(cur, &prev);
        EXPECT_TRUE(Has(v, c.code, c.severity)) << c.code;
    }
    // A removed discontinuity counted right passes.
    MediaPlaylist prev = base, cur = next;
    prev.segments[0].discontinuity = true;
    cur.discontinuity_sequence = 1;
    EXPECT_TRUE(CheckMediaPlaylist(cur, &prev).empty());
}

TEST(PlaylistChecker, TextThatDoesNotParseIsOneReadError) {
    const auto v = CheckMediaPlaylistText("#EXTM3U\n#EXT-X-PART:DURATION=1\n", nullptr);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].code, "read");
    EXPECT_TRUE(HasErrors(v));
    const std::string_view bad_prev = "nope";
    const auto w = CheckMediaPlaylistText("#EXTM3U\n#EXT-X-TARGETDURATION:1\n", &bad_prev);
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].code, "read-previous");
}

TEST(PlaylistChecker, Multivariant) {
    const std::string good =
        "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n"
        "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"en\",URI=\"a.m3u8\"\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=1280000,CODECS=\"avc1.64001f,mp4a.40.2\",AUDIO=\"a\"\n720p.m3u8\n";
    EXPECT_TRUE(CheckMultivariantPlaylistText(good).empty());
    for (const auto& [text, code] : std::initializer_list<std::pair<std::string, const char*>>{
             {"#EXTM3U\n#EXT-X-VERSION:6\n", "no-variant"},
             {"#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n", "read"},
             {good + "#EXT-X-STREAM-INF:BANDWIDTH=0\nb.m3u8\n", "bandwidth"},
             {good + "#EXT-X-STREAM-INF:CODECS=\"x\"\nb.m3u8\n", "bandwidth"},
             {good + "#EXT-X-STREAM-INF:BANDWIDTH=1\n", "stream-inf-without-uri"},
             {good + "#EXT-X-STREAM-INF:BANDWIDTH=1\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"b\"\nb.m3u8\n",
              "stream-inf-without-uri"},
             {good + "stray.m3u8\n", "uri-without-stream-inf"},
             {good + "#EXT-X-MEDIA:TYPE=AUDIO,NAME=\"b\"\n", "media-attribute-missing"},
             {good + "#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS=\"x\n", "attribute-list"},
             {good + "#EXT-X-VERSION:6\n", "version"},
             {good + "#EXT-X-TARGETDURATION:2\n", "media-tag"},
         }) {
        const auto v = CheckMultivariantPlaylistText(text);
        bool found = false;
        for (const auto& x : v) found = found || x.code == code;
        EXPECT_TRUE(found) << code << " in\n" << text;
    }
    EXPECT_EQ(Codes(CheckMultivariantPlaylistText(good), Severity::kError).size(), 0u);
}

}  // namespace
}  // namespace onair::format::hls
