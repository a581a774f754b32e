// SPDX-License-Identifier: Apache-2.0
#include "onair/packager/hls_rendition.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "onair/format/hls/media_playlist_reader.h"
#include "onair/format/hls/playlist_checker.h"

namespace onair::packager {
namespace {

constexpr int64_t kSecond = media::kTimescale;
constexpr int64_t kWall = 1796244318123;  // 2026-12-02T20:45:18.123Z

// Records what the rendition asks of its container; a segment's bytes are
// its packets' payloads.
struct FakeWriter final : SegmentWriter {
    struct Log {
        std::vector<std::string> calls;
        int configures = 0;
    };
    explicit FakeWriter(Log* log) : log_(log) {}
    base::Status Configure(const std::optional<media::CodecConfig>& video,
                           const std::optional<media::CodecConfig>& audio) override {
        ++log_->configures;
        log_->calls.push_back(std::string("configure") + (video ? " v:" + std::string(video->extradata.view()) : "") +
                              (audio ? " a:" + std::string(audio->extradata.view()) : ""));
        video_ = video.has_value();
        audio_ = audio.has_value();
        configured_ = true;
        return base::Status::Ok();
    }
    bool ChangesTracks(const std::optional<media::CodecConfig>& video,
                       const std::optional<media::CodecConfig>& audio) const override {
        return !configured_ || video.has_value() != video_ || audio.has_value() != audio_;
    }
    void Begin(uint64_t sequence, bool discontinuity) override {
        log_->calls.push_back("begin " + std::to_string(sequence) + (discontinuity ? " discontinuity" : ""));
        bytes_.clear();
        part_start_ = 0;
    }
    base::Status Write(const media::Packet& packet) override {
        if ((packet.kind == media::TrackKind::kVideo && !video_) || (packet.kind == media::TrackKind::kAudio && !audio_))
            return base::MakeError(base::ErrorCode::kUnsupported, "no such track");
        bytes_.insert(bytes_.end(), packet.payload.span().begin(), packet.payload.span().end());
        return base::Status::Ok();
    }
    base::SharedBuffer FinishPart() override {
        log_->calls.push_back("part");
        auto part = base::SharedBuffer::Copy(std::span<const uint8_t>(bytes_).subspan(part_start_));
        part_start_ = bytes_.size();
        return part;
    }
    base::SharedBuffer Finish() override {
        log_->calls.push_back("finish");
        return base::SharedBuffer::Adopt(std::move(bytes_));
    }
    std::optional<base::SharedBuffer> InitSegment() const override { return std::nullopt; }
    size_t size() const override { return bytes_.size(); }
    std::string_view extension() const override { return "ts"; }

    Log* log_;
    size_t part_start_ = 0;
    bool configured_ = false;
    bool video_ = false;
    bool audio_ = false;
    std::vector<uint8_t> bytes_;
};

media::CodecConfig Config(media::TrackKind kind, std::string_view extradata) {
    media::CodecConfig c;
    c.kind = kind;
    c.codec = kind == media::TrackKind::kVideo ? media::Codec::kH264 : media::Codec::kAac;
    c.extradata = base::SharedBuffer::Copy(extradata);
    c.sample_rate = 48000;
    return c;
}

media::Packet Video(int64_t dts, int64_t segment_start = -1, size_t size = 1000, bool discontinuity = false) {
    media::Packet p;
    p.kind = media::TrackKind::kVideo;
    p.codec = media::Codec::kH264;
    p.dts = p.pts = dts;
    p.keyframe = segment_start >= 0;
    p.segment_start = segment_start;
    p.discontinuity = discontinuity;
    p.payload = base::SharedBuffer::Adopt(std::vector<uint8_t>(size, 0x11));
    return p;
}

media::Packet Audio(int64_t dts, int64_t segment_start = -1) {
    media::Packet p = Video(dts, segment_start, 100);
    p.kind = media::TrackKind::kAudio;
    p.codec = media::Codec::kAac;
    p.keyframe = true;
    return p;
}

class HlsRenditionTest : public ::testing::Test {
protected:
    void Make(size_t window = 3, size_t grace = 2, int64_t target = 2 * kSecond) {
        HlsRendition::Options o;
        o.window_segments = window;
        o.grace_segments = grace;
        o.target_duration = target;
        options_ = o;
        r_ = std::make_unique<HlsRendition>(o, std::make_unique<FakeWriter>(&log_));
        r_->SetConfigs(Config(media::TrackKind::kVideo, "avc1"), std::nullopt);
    }
    // One segment of 2 s of 25 fps video, number `n`, from `start`, its
    // start stamped with the broadcast's history as the Segmenter does.
    void Segment(int64_t n, int64_t start, int frames = 50, bool discontinuity = false) {
        for (int i = 0; i < frames; ++i) {
            auto p = Video(start + i * 3600, i == 0 ? n : -1, 1000, i == 0 && discontinuity);
            p.wallclock_ms = kWall + p.dts / 90;
            if (i == 0) {
                if (last_start_) longest_ = std::max(longest_, start - *last_start_);
                last_start_ = start;
                p.discontinuity_sequence = discontinuities_;
                p.longest_segment = longest_;
                discontinuities_ += discontinuity ? 1 : 0;
            }
            r_->Push(p);
        }
    }
    std::vector<std::string> Uris() const {
        std::vector<std::string> out;
        for (const auto& s : r_->PlaylistModel().segments) out.push_back(s.uri);
        return out;
    }

    FakeWriter::Log log_;
    HlsRendition::Options options_;
    std::unique_ptr<HlsRendition> r_;
    std::optional<int64_t> last_start_;
    int64_t longest_ = 0;
    int64_t discontinuities_ = 0;
};

TEST_F(HlsRenditionTest, NothingUntilTheFirstSegmentIsComplete) {
    Make();
    r_->Push(Video(0));  // before any stamped start: dropped
    EXPECT_EQ(r_->stats().dropped_before_start, 1u);
    Segment(0, 3600);
    EXPECT_FALSE(r_->has_segments());
    EXPECT_FALSE(r_->Segment(0));
    r_->Push(Video(3600 + 2 * kSecond, 1));
    EXPECT_TRUE(r_->has_segments());
    ASSERT_TRUE(r_->Segment(0));
    EXPECT_EQ(r_->Segment(0)->size(), 50 * 1000u);
    EXPECT_FALSE(r_->Segment(1));  // still open
    EXPECT_EQ(r_->stats().segments, 1u);
}

TEST_F(HlsRenditionTest, PlaylistTextUsesTheStampedNumbersAndWallClock) {
    Make();
    Segment(17, 0);
    Segment(18, 2 * kSecond, 45);  // 1.8 s
    Segment(19, 2 * kSecond + 45 * 3600);
    EXPECT_EQ(r_->Playlist(),
              "#EXTM3U\n"
              "#EXT-X-VERSION:3\n"
              "#EXT-X-TARGETDURATION:2\n"
              "#EXT-X-MEDIA-SEQUENCE:17\n"
              "#EXT-X-INDEPENDENT-SEGMENTS\n"
              "#EXT-X-PROGRAM-DATE-TIME:2026-12-02T20:45:18.123Z\n"
              "#EXTINF:2.000,\n"
              "17.ts\n"
              "#EXT-X-PROGRAM-DATE-TIME:2026-12-02T20:45:20.123Z\n"
              "#EXTINF:1.800,\n"
              "18.ts\n");
    EXPECT_EQ(log_.calls,
              (std::vector<std::string>{"configure v:avc1", "begin 17", "finish", "begin 18", "finish", "begin 19"}));
}

TEST_F(HlsRenditionTest, ProgramDateTimeIsTheFirstPacketsReceiveTime) {
    Make();
    auto first = Video(0, 0);
    first.wallclock_ms = kWall;
    r_->Push(first);
    auto later = Video(3600);
    later.wallclock_ms = kWall + 5000;  // only the first packet's counts
    r_->Push(later);
    r_->Push(Video(2 * kSecond, 1));  // not dated: no PROGRAM-DATE-TIME
    r_->Push(Video(4 * kSecond, 2));
    const auto p = r_->PlaylistModel();
    ASSERT_EQ(p.segments.size(), 2u);
    EXPECT_EQ(p.segments[0].program_date_time_ms, kWall);
    EXPECT_EQ(p.segments[1].program_date_time_ms, std::nullopt);
}

TEST_F(HlsRenditionTest, WindowSlidesAndGraceSegmentsStayFetchable) {
    Make(/*window=*/3, /*grace=*/2);
    for (int n = 0; n < 8; ++n) Segment(n, n * 2 * kSecond);
    // 0..6 complete; 4,5,6 listed; 2,3 grace; 0,1 freed.
    EXPECT_EQ(Uris(), (std::vector<std::string>{"4.ts", "5.ts", "6.ts"}));
    EXPECT_EQ(r_->PlaylistModel().media_sequence, 4u);
    for (int n = 0; n < 8; ++n) {
        EXPECT_EQ(r_->Segment(n).has_value(), n >= 2 && n <= 6) << n;
    }
}

TEST_F(HlsRenditionTest, DiscontinuityTagAndSequence) {
    Make(/*window=*/2, /*grace=*/1);
    Segment(0, 0);
    Segment(1, 2 * kSecond, 50, /*discontinuity=*/true);
    Segment(2, 4 * kSecond);
    Segment(3, 6 * kSecond, 50, true);
    EXPECT_EQ(log_.calls[3], "begin 1 discontinuity");
    auto p = r_->PlaylistModel();
    ASSERT_EQ(p.segments.size(), 2u);
    EXPECT_TRUE(p.segments[0].discontinuity);  // 1
    EXPECT_EQ(p.discontinuity_sequence, 0u);
    Segment(4, 8 * kSecond);
    p = r_->PlaylistModel();
    EXPECT_EQ(p.segments[0].uri, "2.ts");
    EXPECT_EQ(p.discontinuity_sequence, 1u);  // segment 1 slid out
    EXPECT_TRUE(p.segments[1].discontinuity);  // 3
    Segment(5, 10 * kSecond);
    Segment(6, 12 * kSecond);
    EXPECT_EQ(r_->PlaylistModel().discontinuity_sequence, 2u);
    EXPECT_NE(r_->Playlist().find("#EXT-X-DISCONTINUITY-SEQUENCE:2\n"), std::string::npos);
}

TEST_F(HlsRenditionTest, DiscontinuitySequenceAndTargetCoverTheBroadcastBeforeUs) {
    // The first segment we see says what came before it: 3 discontinuities
    // and an 8.3 s segment, all before we started.
    Make(/*window=*/2, /*grace=*/1);
    auto first = Video(0, 40);
    first.discontinuity_sequence = 3;
    first.longest_segment = 8 * kSecond + 30 * 900;
    r_->Push(first);
    EXPECT_EQ(r_->target_duration_seconds(), 8);
    r_->Push(Video(2 * kSecond, 41));
    const auto p = r_->PlaylistModel();
    EXPECT_EQ(p.discontinuity_sequence, 3u);
    EXPECT_EQ(p.target_duration_seconds, 8);
    EXPECT_NE(r_->Playlist().find("#EXT-X-DISCONTINUITY-SEQUENCE:3\n"), std::string::npos);
}

TEST_F(HlsRenditionTest, EndOfStreamCompletesTheLastSegmentAndEndsThePlaylist) {
    Make();
    Segment(0, 0);
    Segment(1, 2 * kSecond, 10);
    r_->EndOfStream();
    auto p = r_->PlaylistModel();
    ASSERT_EQ(p.segments.size(), 2u);
    EXPECT_TRUE(p.ended);
    EXPECT_EQ(p.segments[1].duration, 10 * 3600);  // 9 frame steps + one frame
    EXPECT_TRUE(r_->ended());
    EXPECT_NE(r_->Playlist().find("#EXT-X-ENDLIST\n"), std::string::npos);
    r_->Push(Video(10 * kSecond, 2));  // ignored
    EXPECT_EQ(r_->PlaylistModel().segments.size(), 2u);
    r_->EndOfStream();
    EXPECT_EQ(r_->PlaylistModel().segments.size(), 2u);
}

TEST_F(HlsRenditionTest, TheLastSegmentsEstimateComesFromItsOwnFrames) {
    // One rendition saw 25 fps segments before a last segment of a single
    // frame; another started with that segment. They agree on its duration:
    // no step measured within it, so the default frame.
    Make();
    Segment(0, 0);
    Segment(1, 2 * kSecond);
    r_->Push(Video(4 * kSecond, 2));
    r_->EndOfStream();
    const auto early = r_->PlaylistModel().segments.back().duration;
    Make();
    r_->Push(Video(4 * kSecond, 2));
    r_->EndOfStream();
    EXPECT_EQ(r_->PlaylistModel().segments.back().duration, early);
    EXPECT_EQ(early, 3000);  // 30 fps: no step seen
}

TEST_F(HlsRenditionTest, EndOfStreamWithoutAnySegment) {
    Make();
    r_->EndOfStream();
    EXPECT_FALSE(r_->has_segments());
    EXPECT_TRUE(r_->PlaylistModel().ended);
}

TEST_F(HlsRenditionTest, TargetDurationGrowsWithLongGopsAndNeverShrinks) {
    Make(/*window=*/2);
    EXPECT_EQ(r_->target_duration_seconds(), 2);
    int64_t n = 0, start = 0;
    auto next = [&](int frames) {
        Segment(n++, start, frames);
        start += frames * 3600;
    };
    next(208);  // 8.32 s: a long GOP (OBS's default keyframe interval is 8.333 s)
    next(56);   // 2.016 s
    EXPECT_EQ(r_->target_duration_seconds(), 8);  // 8.32 rounds to 8
    next(50);
    next(50);
    next(50);
    EXPECT_EQ(Uris(), (std::vector<std::string>{"2.ts", "3.ts"}));
    EXPECT_EQ(r_->PlaylistModel().target_duration_seconds, 8);  // the long one slid out: no shrinking
    next(220);  // 8.8 s: rounds to 9
    next(1);
    EXPECT_EQ(r_->target_duration_seconds(), 9);
    EXPECT_NE(r_->Playlist().find("#EXT-X-TARGETDURATION:9\n"), std::string::npos);
}

TEST_F(HlsRenditionTest, TargetStartsAtTheCeilingOfTheConfiguredDuration) {
    Make(3, 2, 2 * kSecond + 1);
    EXPECT_EQ(r_->target_duration_seconds(), 3);
    Make(3, 2, 0);
    EXPECT_EQ(r_->target_duration_seconds(), 1);
}

TEST_F(HlsRenditionTest, EveryListedSegmentFitsTheTarget) {
    Make(/*window=*/5);
    int64_t start = 0;
    const int frames[] = {50, 62, 250, 40, 30, 120, 75};
    for (size_t i = 0; i < std::size(frames); ++i) {
        Segment(static_cast<int64_t>(i), start, frames[i]);
        start += frames[i] * 3600;
        const auto p = r_->PlaylistModel();
        for (const auto& s : p.segments) {
            EXPECT_LE((s.duration + 45000) / 90000, p.target_duration_seconds);
        }
    }
}

TEST_F(HlsRenditionTest, AGapInTheNumbersRestartsTheWindow) {
    Make(/*window=*/3, /*grace=*/2);
    Segment(0, 0);
    Segment(1, 2 * kSecond);
    Segment(5, 4 * kSecond);  // 2..4 were lost upstream
    Segment(6, 6 * kSecond);
    auto p = r_->PlaylistModel();
    EXPECT_EQ(p.media_sequence, 5u);
    ASSERT_EQ(p.segments.size(), 1u);
    EXPECT_TRUE(p.segments[0].discontinuity);
    EXPECT_EQ(p.discontinuity_sequence, 0u);
    EXPECT_TRUE(r_->Segment(0));  // grace
    EXPECT_TRUE(r_->Segment(1));
    EXPECT_EQ(r_->stats().sequence_gaps, 1u);
    // The discontinuity is ours (the broadcast has none): still counted
    // when it slides out.
    for (int n = 7; n < 10; ++n) Segment(n, (n - 2) * 2 * kSecond);
    p = r_->PlaylistModel();
    EXPECT_EQ(p.media_sequence, 6u);
    EXPECT_EQ(p.discontinuity_sequence, 1u);
}

TEST_F(HlsRenditionTest, StaleStampsAreIgnored) {
    Make();
    Segment(3, 0);
    r_->Push(Video(2 * kSecond, 3));  // the same number again
    r_->Push(Video(2 * kSecond + 3600, 2));
    EXPECT_EQ(r_->stats().ignored_stamps, 2u);
    Segment(4, 4 * kSecond);
    EXPECT_EQ(Uris(), (std::vector<std::string>{"3.ts"}));
    EXPECT_EQ(r_->Segment(3)->size(), 52 * 1000u);  // the two joined segment 3
}

TEST_F(HlsRenditionTest, OversizeSegmentsDropPacketsUntilTheNextStart) {
    HlsRendition::Options o;
    o.max_segment_bytes = 10 * 1000;
    r_ = std::make_unique<HlsRendition>(o, std::make_unique<FakeWriter>(&log_));
    r_->SetConfigs(Config(media::TrackKind::kVideo, "avc1"), std::nullopt);
    Segment(0, 0);
    Segment(1, 2 * kSecond);
    EXPECT_EQ(r_->Segment(0)->size(), 10 * 1000u);
    EXPECT_EQ(r_->stats().dropped_oversize, 80u);  // 40 of each segment
    EXPECT_EQ(r_->PlaylistModel().segments[0].duration, 2 * kSecond);  // still timed by the stamps
}

TEST_F(HlsRenditionTest, Bitrates) {
    Make();
    EXPECT_EQ(r_->peak_bitrate(), 0u);
    EXPECT_EQ(r_->average_bitrate(), 0u);
    Segment(0, 0, 50);  // 50 kB in 2 s: 200 kb/s
    Segment(1, 2 * kSecond, 25);  // 25 kB in 1 s: 200 kb/s
    Segment(2, 3 * kSecond, 10);  // 10 kB in 0.4 s: 200 kb/s
    r_->Push(Video(3 * kSecond + 36000, 3, 4000));
    for (int i = 1; i < 50; ++i) r_->Push(Video(3 * kSecond + 36000 + i * 3600));
    r_->Push(Video(3 * kSecond + 36000 + 2 * kSecond, 4));  // 53 kB in 2 s: 212 kb/s
    EXPECT_EQ(r_->peak_bitrate(), 212000u);
    // Listed: 1, 2, 3: 88 kB in 3.4 s.
    EXPECT_EQ(r_->average_bitrate(), 88000u * 8 * 10 / 34);
}

TEST_F(HlsRenditionTest, VariantIsAFunctionOfTheListedSegments) {
    Make(/*window=*/3);
    auto video = Config(media::TrackKind::kVideo, "avc0");
    video.width = 1280;
    video.height = 720;
    video.codec_string = "avc1.64001f";
    r_->SetConfigs(video, std::nullopt);
    EXPECT_EQ(r_->VariantModel().frame_rate, 0);  // nothing listed
    // 25 fps, then 30 fps (3000 ticks a frame, 60 frames in 2 s).
    for (int n = 0; n < 3; ++n) Segment(n, n * 2 * kSecond);
    auto v = r_->VariantModel();
    EXPECT_EQ(v.frame_rate, 25);  // 0, 1 listed
    auto thirty = [&](int64_t n) {
        for (int i = 0; i < 60; ++i) r_->Push(Video(n * 2 * kSecond + i * 3000, i == 0 ? n : -1));
    };
    thirty(3);
    v = r_->VariantModel();
    EXPECT_EQ(v.frame_rate, 25);  // 0, 1, 2 listed: 150 frames in 6 s
    thirty(4);
    EXPECT_NEAR(r_->VariantModel().frame_rate, 26.667, 1e-9);  // 1, 2, 3: 160 frames in 6 s
    // New parameter sets apply to the open segment (4) at once, and show
    // once it is listed.
    auto bigger = video;
    bigger.extradata = base::SharedBuffer::Copy(std::string_view("avc2"));
    bigger.width = 1920;
    bigger.height = 1080;
    bigger.codec_string = "avc1.640028";
    r_->SetConfigs(bigger, std::nullopt);
    EXPECT_EQ(r_->VariantModel().width, 1280);  // 1, 2, 3 listed
    thirty(5);
    thirty(6);
    v = r_->VariantModel();
    EXPECT_EQ(v.frame_rate, 30);  // 3, 4, 5: 180 frames in 6 s, whatever came before
    EXPECT_EQ(v.width, 1920);
    EXPECT_EQ(v.height, 1080);
    EXPECT_EQ(v.codecs, (std::vector<std::string>{"avc1.640028"}));
    EXPECT_EQ(v.bandwidth, r_->peak_bitrate());
    EXPECT_EQ(v.average_bandwidth, r_->average_bitrate());
    EXPECT_TRUE(v.uri.empty());
    // At the end, the last segment's duration is an estimate (here to the
    // audio after the last frame, plus a frame): left out.
    r_->SetConfigs(bigger, Config(media::TrackKind::kAudio, "aac1"));
    for (int i = 0; i < 30; ++i) r_->Push(Video(7 * 2 * kSecond + i * 3000, i == 0 ? 7 : -1));
    r_->Push(Audio(7 * 2 * kSecond + 29 * 3000 + 2500));
    r_->EndOfStream();
    ASSERT_EQ(r_->PlaylistModel().segments.back().duration, 29 * 3000 + 2500 + 3000);
    EXPECT_EQ(r_->VariantModel().frame_rate, 30);
}

TEST_F(HlsRenditionTest, NewTracksWaitForTheNextSegmentNewParameterSetsDoNot) {
    Make();
    Segment(0, 0, 10);
    // An audio track appears mid-segment: its packets are refused until the
    // next segment, which is written with the new tracks.
    r_->SetConfigs(Config(media::TrackKind::kVideo, "avc1"), Config(media::TrackKind::kAudio, "aac1"));
    r_->Push(Audio(10 * 3600));
    EXPECT_EQ(r_->stats().write_errors, 1u);
    Segment(1, 2 * kSecond, 10);
    r_->Push(Audio(2 * kSecond + 100));
    EXPECT_EQ(r_->stats().write_errors, 1u);
    // A new avcC for the same tracks applies at once.
    r_->SetConfigs(Config(media::TrackKind::kVideo, "avc2"), Config(media::TrackKind::kAudio, "aac1"));
    // The same configs again change nothing.
    r_->SetConfigs(Config(media::TrackKind::kVideo, "avc2"), Config(media::TrackKind::kAudio, "aac1"));
    EXPECT_EQ(log_.calls, (std::vector<std::string>{"configure v:avc1", "begin 0", "finish", "configure v:avc1 a:aac1",
                                                    "begin 1", "configure v:avc2 a:aac1"}));
}

TEST_F(HlsRenditionTest, AudioOnlyEndOfStreamUsesTheAudioFrameDuration) {
    HlsRendition::Options o;
    r_ = std::make_unique<HlsRendition>(o, std::make_unique<FakeWriter>(&log_));
    r_->SetConfigs(std::nullopt, Config(media::TrackKind::kAudio, "aac1"));
    r_->Push(Audio(0, 0));
    r_->EndOfStream();
    // One frame and no step seen: 1024 samples at 48 kHz.
    EXPECT_EQ(r_->PlaylistModel().segments.at(0).duration, 1920);
}

// Every playlist of a sliding window with a discontinuity passes the
// format layer's checker, alone and against the one before it.
TEST_F(HlsRenditionTest, PlaylistsPassTheChecker) {
    Make(/*window=*/3);
    std::optional<std::string> previous;
    format::hls::CheckOptions options;
    options.keyframe_segments = true;
    for (int n = 0; n < 8; ++n) {
        Segment(n + 100, n * 2 * kSecond, 50, n == 3 || n == 5);
        const std::string text = r_->Playlist();
        const std::string_view prev = previous ? std::string_view(*previous) : std::string_view();
        const auto v = format::hls::CheckMediaPlaylistText(text, previous ? &prev : nullptr, options);
        for (const auto& x : v) ADD_FAILURE() << "segment " << n << ": " << x.code << ": " << x.message << "\n" << text;
        previous = text;
    }
    // The window slid past both discontinuities.
    const auto last = format::hls::ReadMediaPlaylist(*previous);
    ASSERT_TRUE(last.ok());
    EXPECT_GE(last->media_sequence, 104u);
    EXPECT_GE(last->discontinuity_sequence, 1u);
}

TEST_F(HlsRenditionTest, PlaylistParsesBack) {
    Make(/*window=*/4);
    for (int n = 0; n < 6; ++n) Segment(n + 100, n * 2 * kSecond, 50, n == 3);
    r_->EndOfStream();
    auto read = format::hls::ReadMediaPlaylist(r_->Playlist());
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(*read, r_->PlaylistModel());
}

}  // namespace
}  // namespace onair::packager
