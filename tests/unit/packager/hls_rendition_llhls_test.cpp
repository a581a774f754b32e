// SPDX-License-Identifier: Apache-2.0
// HlsRendition with LL-HLS parts (fMP4): parts cut by DTS within PART-TARGET,
// written as CMAF chunks whose bytes so far are a prefix of the part, the
// parts concatenating to their segment; every playlist the rendition writes
// (full and delta) passes our checker alone and against the previous one;
// the preload hint names the part in progress. (ffmpeg decodes the parts:
// hls_rendition_fmp4_test.)
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "onair/format/hls/delivery_directives.h"
#include "onair/format/hls/media_playlist_reader.h"
#include "onair/format/hls/playlist_checker.h"
#include "onair/format/mp4/fragment_reader.h"
#include "onair/packager/hls_rendition.h"
#include "onair/packager/segmenter.h"
#include "unit/format/mpegts/ts_test_util.h"

namespace onair::packager {
namespace {

using Bytes = std::vector<uint8_t>;
namespace hls = format::hls;
constexpr int64_t kSegmentTarget = 2 * media::kTimescale;  // ten of the sample's 0.2 s GOPs
constexpr int64_t kPartTarget = 30000;                    // 1/3 s: 8 frames of the 25 fps sample

HlsRendition::Options Options(int64_t part_target = kPartTarget, size_t window = 10) {
    HlsRendition::Options o;
    o.container = HlsRendition::Container::kFmp4;
    o.window_segments = window;
    o.grace_segments = 2;
    o.target_duration = kSegmentTarget;
    o.part_target = part_target;
    o.uri_prefix = "b9-";
    return o;
}

enum class Tracks : uint8_t { kBoth, kVideo, kAudio };

// The sample stamped by a Segmenter, `repeats` spans of it (each 0.4 s),
// with the tracks asked for.
std::vector<media::Packet> Stream(int repeats, Tracks tracks = Tracks::kBoth) {
    Segmenter::Options so;
    so.target_duration = kSegmentTarget;
    Segmenter seg(so);
    seg.SetHasVideo(tracks != Tracks::kAudio);
    std::vector<media::Packet> out;
    for (auto p : test::SamplePackets(repeats)) {
        const bool video = p.kind == media::TrackKind::kVideo;
        if ((tracks == Tracks::kVideo && !video) || (tracks == Tracks::kAudio && video)) continue;
        (void)seg.Stamp(p);
        out.push_back(std::move(p));
    }
    return out;
}

std::string Errors(const std::vector<hls::Violation>& violations) {
    std::string out;
    for (const auto& v : violations)
        if (v.severity == hls::Severity::kError) out += v.code + ": " + v.message + "\n";
    return out;
}

std::string Warnings(const std::vector<hls::Violation>& violations) {
    std::string out;
    for (const auto& v : violations)
        if (v.severity == hls::Severity::kWarning) out += v.code + ": " + v.message + "\n";
    return out;
}

// What the rendition served while it was fed, checked as it went.
struct Watched {
    int playlists = 0;          // distinct playlists checked
    int deltas = 0;             // delta updates that skipped segments
    int hints = 0;              // preload hints checked
    int streamed_parts = 0;     // parts seen in progress with bytes before they completed
    size_t max_parts_listed = 0;
};

// Pushes every packet; after each one checks the playlist (text, read back)
// alone and against the previous one, its delta update against the
// previous full one, the preload hint against PartInProgress(), and that
// the bytes of the part in progress are a prefix of the part once complete.
Watched FeedAndWatch(HlsRendition& r, const std::vector<media::Packet>& packets) {
    hls::CheckOptions co;
    co.keyframe_segments = true;
    Watched w;
    std::string previous;
    uint64_t version = r.version();
    std::map<std::pair<uint64_t, uint32_t>, base::SharedBuffer> seen_in_progress;
    auto check_progress = [&] {
        // Parts seen in progress: once complete, those bytes are its prefix.
        for (auto it = seen_in_progress.begin(); it != seen_in_progress.end();) {
            const auto part = r.Part(it->first.first, it->first.second);
            if (!part) {
                ++it;
                continue;
            }
            EXPECT_EQ(part->view().substr(0, it->second.size()), it->second.view())
                << "part " << it->first.first << "." << it->first.second;
            if (!it->second.empty()) ++w.streamed_parts;
            it = seen_in_progress.erase(it);
        }
        if (const auto open = r.PartInProgress()) {
            auto& known = seen_in_progress[{open->msn, open->index}];
            // Bytes so far only grow, and what was given stays the same.
            EXPECT_GE(open->bytes_so_far.size(), known.size());
            EXPECT_EQ(open->bytes_so_far.view().substr(0, known.size()), known.view());
            known = open->bytes_so_far;
        }
    };
    auto check_playlist = [&] {
        if (!r.has_segments()) return;
        const auto model = r.PlaylistModel();
        const std::string text = hls::WriteMediaPlaylist(model);
        EXPECT_EQ(text, r.Playlist());
        auto read = hls::ReadMediaPlaylist(text);
        ASSERT_TRUE(read.ok()) << read.error().message;
        const std::string_view prev_view(previous);
        const auto violations = hls::CheckMediaPlaylistText(text, previous.empty() ? nullptr : &prev_view, co);
        EXPECT_EQ(Errors(violations), "") << text;
        EXPECT_EQ(Warnings(violations), "") << text;
        const auto delta = hls::DeltaOf(model);
        if (delta.skipped_segments > 0) {
            ++w.deltas;
            const std::string delta_text = hls::WriteMediaPlaylist(delta);
            const std::string_view full_view(text);
            EXPECT_EQ(Errors(hls::CheckMediaPlaylistText(delta_text, &full_view, co)), "") << delta_text;
            if (!previous.empty()) {
                EXPECT_EQ(Errors(hls::CheckMediaPlaylistText(delta_text, &prev_view, co)), "") << delta_text;
            }
        }
        // The hint names the part in progress, the next one after the listed.
        const auto open = r.PartInProgress();
        if (model.ended) {
            EXPECT_TRUE(model.preload_hints.empty());
        } else {
            ASSERT_TRUE(open);
            ASSERT_EQ(model.preload_hints.size(), 1u);
            EXPECT_EQ(model.preload_hints[0].type, hls::PreloadHintType::kPart);
            EXPECT_EQ(open->msn, model.NextSequence());
            const size_t listed = model.open_segment ? model.open_segment->parts.size() : 0;
            EXPECT_EQ(open->index, listed);
            EXPECT_EQ(model.preload_hints[0].uri,
                      "b9-" + std::to_string(open->msn) + "." + std::to_string(open->index) + ".m4s");
            EXPECT_FALSE(r.Part(open->msn, open->index));
            // A blocking reload for the hinted part waits; for the last
            // listed one it is answered at once.
            hls::DeliveryDirectives d;
            d.msn = open->msn;
            d.part = open->index;
            EXPECT_EQ(hls::AnswerBlockingRequest(d, model), hls::BlockingAnswer::kWait);
            if (open->index > 0) {
                d.part = open->index - 1;
                EXPECT_EQ(hls::AnswerBlockingRequest(d, model), hls::BlockingAnswer::kReady);
            }
            ++w.hints;
        }
        // Every part listed is served, and no longer than PART-TARGET.
        for (size_t i = 0; i <= model.segments.size(); ++i) {
            const bool open_segment = i == model.segments.size();
            if (open_segment && !model.open_segment) break;
            const auto& s = open_segment ? *model.open_segment : model.segments[i];
            w.max_parts_listed = std::max(w.max_parts_listed, s.parts.size());
            for (size_t k = 0; k < s.parts.size(); ++k) {
                EXPECT_LE(s.parts[k].duration, *model.part_target);
                EXPECT_TRUE(r.Part(model.FirstListedSequence() + i, static_cast<uint32_t>(k))) << s.parts[k].uri;
            }
        }
        previous = text;
        ++w.playlists;
    };
    for (const auto& p : packets) {
        r.Push(p);
        check_progress();
        if (r.version() != version) {
            version = r.version();
            check_playlist();
        }
    }
    r.EndOfStream();
    check_progress();
    check_playlist();
    return w;
}

TEST(HlsRenditionLlHls, EveryPlaylistPassesTheCheckerAndTheHintNamesThePartInProgress) {
    HlsRendition r(Options());
    ASSERT_TRUE(r.low_latency());
    r.SetConfigs(test::SampleVideoConfig(), test::SampleAudioConfig());
    const auto w = FeedAndWatch(r, Stream(72));  // 28.8 s: 14 segments
    EXPECT_GT(w.playlists, 80);
    EXPECT_GT(w.hints, 80);
    EXPECT_GT(w.deltas, 5);
    EXPECT_GE(w.max_parts_listed, 6u);
    EXPECT_GT(w.streamed_parts, 50);  // chunks gave bytes before parts completed
    EXPECT_EQ(r.stats().parts_over_target, 0u);
    EXPECT_EQ(r.stats().gap_parts, 0u);
    EXPECT_EQ(r.stats().write_errors, 0u);
    EXPECT_GT(r.stats().chunks, 2 * r.stats().parts);

    const std::string text = r.Playlist();
    EXPECT_NE(text.find("#EXT-X-VERSION:9\n"), std::string::npos) << text;
    EXPECT_NE(text.find("#EXT-X-PART-INF:PART-TARGET=0.33333\n"), std::string::npos) << text;
    EXPECT_NE(text.find("#EXT-X-SERVER-CONTROL:CAN-SKIP-UNTIL=12.00000,PART-HOLD-BACK=1.00000,CAN-BLOCK-RELOAD=YES\n"),
              std::string::npos)
        << text;
}

TEST(HlsRenditionLlHls, PartsAreWithinTheTargetAndStartWhereTheirFirstFrameDoes) {
    HlsRendition r(Options());
    r.SetConfigs(test::SampleVideoConfig(), test::SampleAudioConfig());
    const auto packets = Stream(30);
    for (const auto& p : packets) r.Push(p);
    const auto model = r.PlaylistModel();
    ASSERT_GE(model.segments.size(), 5u);
    // The last complete segment lists its parts: 25 fps, so every part but
    // the last is 8 frames (0.32 s: above PT - M = 1/3 s - 40 ms, within
    // 1/3 s), INDEPENDENT when its first frame is a keyframe (every 5th).
    const auto& last = model.segments.back();
    const uint64_t n = model.FirstListedSequence() + model.segments.size() - 1;
    ASSERT_GE(last.parts.size(), 6u);
    int independent = 0;
    int64_t sum = 0;
    for (size_t k = 0; k < last.parts.size(); ++k) {
        SCOPED_TRACE(k);
        const auto& part = last.parts[k];
        if (k + 1 < last.parts.size()) {
            EXPECT_EQ(part.duration, 8 * 3600);
        }
        sum += part.duration;
        const auto bytes = r.Part(n, static_cast<uint32_t>(k));
        ASSERT_TRUE(bytes);
        auto f = format::mp4::ReadFragment(bytes->span());
        ASSERT_TRUE(f.ok()) << f.error().message;
        ASSERT_FALSE(f->tracks.empty());
        ASSERT_EQ(f->tracks[0].track_id, format::mp4::kVideoTrackId);
        EXPECT_EQ(part.independent, f->tracks[0].samples.at(0).sync);
        independent += part.independent ? 1 : 0;
    }
    EXPECT_EQ(sum, last.duration);
    EXPECT_GE(independent, 2);  // the first, and one starting at a GOP
}

TEST(HlsRenditionLlHls, PartsConcatenateToTheSegmentAndAreChunksOfFragments) {
    HlsRendition r(Options());
    r.SetConfigs(test::SampleVideoConfig(), test::SampleAudioConfig());
    for (const auto& p : Stream(50)) r.Push(p);
    r.EndOfStream();
    const auto model = r.PlaylistModel();
    uint64_t previous_fragment = 0;
    int segments = 0;
    for (uint64_t n = 0; n < 12; ++n) {
        const auto segment = r.Segment(n);
        if (!segment) continue;
        SCOPED_TRACE(n);
        Bytes joined;
        uint32_t k = 0;
        for (; auto part = r.Part(n, k); ++k) {
            joined.insert(joined.end(), part->span().begin(), part->span().end());
            // A part is whole fragments (CMAF chunks), numbered on through
            // the stream.
            size_t at = 0;
            int chunks = 0;
            while (at < part->size()) {
                auto f = format::mp4::ReadFragment(part->span().subspan(at));
                ASSERT_TRUE(f.ok()) << f.error().message;
                EXPECT_GT(f->sequence_number, previous_fragment);
                previous_fragment = f->sequence_number;
                at += f->size;
                ++chunks;
            }
            EXPECT_EQ(at, part->size());
            EXPECT_GE(chunks, 1);
        }
        EXPECT_GE(k, 2u);
        EXPECT_EQ(Bytes(segment->span().begin(), segment->span().end()), joined);
        // The parts share the segment's storage: no copy.
        EXPECT_EQ(r.Part(n, 0)->data(), segment->data());
        ++segments;
    }
    EXPECT_GE(segments, 8);
}

TEST(HlsRenditionLlHls, AudioOnlyPartsAreAllIndependent) {
    HlsRendition r(Options());
    r.SetConfigs(std::nullopt, test::SampleAudioConfig());
    const auto w = FeedAndWatch(r, Stream(30, Tracks::kAudio));
    EXPECT_GT(w.playlists, 20);
    const auto model = r.PlaylistModel();
    size_t parts = 0;
    for (const auto& s : model.segments) {
        for (const auto& part : s.parts) {
            EXPECT_TRUE(part.independent);
            EXPECT_LE(part.duration, kPartTarget);
            ++parts;
        }
    }
    EXPECT_GT(parts, 10u);
    EXPECT_EQ(r.stats().parts_over_target, 0u);
}

TEST(HlsRenditionLlHls, VideoOnlyAndOtherPartTargets) {
    // 0.2 s (5 frames) and 0.5 s (12 frames, 0.48 s) parts; video only.
    for (const int64_t target : {int64_t{18000}, int64_t{45000}}) {
        SCOPED_TRACE(target);
        HlsRendition r(Options(target));
        r.SetConfigs(test::SampleVideoConfig(), std::nullopt);
        const auto w = FeedAndWatch(r, Stream(30, Tracks::kVideo));
        EXPECT_GT(w.playlists, 20);
        EXPECT_EQ(r.stats().parts_over_target, 0u);
    }
}

TEST(HlsRenditionLlHls, AGapLongerThanTheMarginIsCountedAsAPartOverTheTarget) {
    // The documented limit: a DTS jump of 0.5 s inside a segment (video
    // only) makes the part before it longer than PART-TARGET.
    auto packets = Stream(10, Tracks::kVideo);
    bool jumped = false;
    for (size_t i = 0; i < packets.size(); ++i) {
        auto& p = packets[i];
        if (!jumped && p.dts > 3 * media::kTimescale && p.segment_start < 0 && !p.keyframe) jumped = true;
        if (jumped) {
            p.dts += media::kTimescale / 2;
            p.pts += media::kTimescale / 2;
        }
    }
    HlsRendition r(Options());
    r.SetConfigs(test::SampleVideoConfig(), std::nullopt);
    for (const auto& p : packets) r.Push(p);
    r.EndOfStream();
    EXPECT_EQ(r.stats().parts_over_target, 1u);
    hls::CheckOptions co;
    co.keyframe_segments = true;
    size_t over = 0;
    for (const auto& v : hls::CheckMediaPlaylist(r.PlaylistModel(), nullptr, co)) over += v.code == "part-over-target";
    EXPECT_EQ(over, 1u);
}

TEST(HlsRenditionLlHls, LastPartReportsWhereTheRenditionIs) {
    HlsRendition r(Options());
    EXPECT_FALSE(r.LastPart());
    r.SetConfigs(test::SampleVideoConfig(), test::SampleAudioConfig());
    const auto packets = Stream(10);
    size_t i = 0;
    for (; i < packets.size() && !r.has_segments(); ++i) r.Push(packets[i]);
    // The first segment just completed: no part of the open one yet.
    auto at = r.LastPart();
    ASSERT_TRUE(at);
    auto model = r.PlaylistModel();
    EXPECT_EQ(at->msn, 0u);
    ASSERT_TRUE(at->part);
    EXPECT_EQ(*at->part, model.segments.back().parts.size() - 1);
    for (; i < packets.size() && !r.PlaylistModel().open_segment; ++i) r.Push(packets[i]);
    at = r.LastPart();
    ASSERT_TRUE(at);
    EXPECT_EQ(at->msn, 1u);
    EXPECT_EQ(at->part, std::optional<uint32_t>(0));
    // What HlsChannel would write for a sibling at the same point: the
    // report passes the checker without a warning.
    model = r.PlaylistModel();
    model.rendition_reports.push_back({"../720p/index.m3u8", at->msn, at->part});
    const auto text = hls::WriteMediaPlaylist(model);
    EXPECT_NE(text.find("#EXT-X-RENDITION-REPORT:URI=\"../720p/index.m3u8\",LAST-MSN=1,LAST-PART=0\n"), std::string::npos)
        << text;
    EXPECT_TRUE(hls::CheckMediaPlaylist(model, nullptr, {}).empty());
    r.EndOfStream();
    EXPECT_FALSE(r.PartInProgress());
}

TEST(HlsRenditionLlHls, TsIgnoresThePartTarget) {
    auto o = Options();
    o.container = HlsRendition::Container::kMpegTs;
    HlsRendition r(o);
    EXPECT_FALSE(r.low_latency());
    r.SetConfigs(test::SampleVideoConfig(), test::SampleAudioConfig());
    for (const auto& p : Stream(10)) r.Push(p);
    EXPECT_EQ(r.Playlist().find("PART"), std::string::npos);
    EXPECT_FALSE(r.PartInProgress());
    EXPECT_FALSE(r.Part(0, 0));
}

TEST(HlsRenditionLlHls, ChunksCostAFewPercent) {
    // The same stream with and without parts: the moofs of the chunks are
    // the difference (the sample is ~40 kbit/s, so this is the worst case
    // of a tiny rendition; the per-second cost is what to compare).
    HlsRendition ll(Options()), plain(Options(0));
    ll.SetConfigs(test::SampleVideoConfig(), test::SampleAudioConfig());
    plain.SetConfigs(test::SampleVideoConfig(), test::SampleAudioConfig());
    for (const auto& p : Stream(50)) {
        ll.Push(p);
        plain.Push(p);
    }
    uint64_t ll_bytes = 0, plain_bytes = 0;
    int64_t ticks = 0;
    const auto model = plain.PlaylistModel();
    for (size_t i = 0; i < model.segments.size(); ++i) {
        const uint64_t n = model.media_sequence + i;
        ll_bytes += ll.Segment(n)->size();
        plain_bytes += plain.Segment(n)->size();
        ticks += model.segments[i].duration;
    }
    ASSERT_GT(ticks, 0);
    const double seconds = static_cast<double>(ticks) / media::kTimescale;
    const double overhead = static_cast<double>(ll_bytes - plain_bytes) / seconds;
    const double chunks_per_second = static_cast<double>(ll.stats().chunks) / (50 * 0.4);
    std::printf("LL-HLS chunks: %.1f/s, %.0f bytes/s more (%.2f kbit/s), stream %.1f kbit/s\n", chunks_per_second,
                overhead, overhead * 8 / 1000, static_cast<double>(plain_bytes) * 8 / 1000 / seconds);
    EXPECT_GT(ll_bytes, plain_bytes);
    EXPECT_LT(overhead * 8, 25000.0);  // under 25 kbit/s
}

}  // namespace
}  // namespace onair::packager
