// SPDX-License-Identifier: Apache-2.0
#include "onair/origin/recording_writer.h"

#include <gtest/gtest.h>

#include "onair/format/mp4/fragment_reader.h"
#include "onair/origin/durable_file.h"
#include "onair/origin/recording_finalizer.h"
#include "unit/origin/origin_stream.h"

namespace onair::origin {
namespace {

using test::SourceStream;

/// Frames of each track in a fragment file, read back with the reader.
std::pair<size_t, size_t> FramesIn(const std::filesystem::path& file) {
    auto bytes = ReadFileBounded(file, size_t{64} << 20);
    EXPECT_TRUE(bytes.ok()) << file;
    if (!bytes.ok()) return {0, 0};
    auto f = format::mp4::ReadFragment(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.value().data()), bytes.value().size()));
    EXPECT_TRUE(f.ok()) << f.error().message;
    std::pair<size_t, size_t> n{0, 0};
    for (const auto& run : f.value().tracks) (run.track_id == 1 ? n.first : n.second) += run.samples.size();
    return n;
}

void Feed(RecordingWriter& w, const std::vector<format::record::MediaRecord>& records) {
    for (const auto& r : records) ASSERT_TRUE(w.Add(r).ok());
}

TEST(RecordingWriterTest, OneFragmentPerSegmentWrittenWholeThenJournaled) {
    const auto dir = test::TempDir("writer") / "br_test1";
    auto made = RecordingWriter::Create(dir, "br_test1", "studio", "node-a", 1);
    ASSERT_TRUE(made.ok()) << made.error().message;
    auto& w = *made.value();
    SourceStream s;
    Feed(w, s.Next(3));
    // Segments 0 and 1 are closed by the starts of 1 and 2; 2 is in flight.
    ASSERT_EQ(w.segments().size(), 2u);
    EXPECT_TRUE(std::filesystem::exists(dir / "init-1.mp4"));
    EXPECT_TRUE(std::filesystem::exists(dir / "1.m4s"));
    EXPECT_FALSE(std::filesystem::exists(dir / "2.m4s"));
    for (const auto& p : std::filesystem::directory_iterator(dir))
        EXPECT_NE(p.path().extension(), ".tmp") << p.path();
    ASSERT_TRUE(w.Flush().ok());
    ASSERT_EQ(w.segments().size(), 3u);
    int64_t start = 0;
    size_t video = 0, audio = 0;
    for (const auto& seg : w.segments()) {
        EXPECT_EQ(seg.start, start);
        EXPECT_EQ(seg.duration, 30 * test::kFrameTicks);  // the next start's DTS, or the last frame + its delta
        EXPECT_EQ(seg.frames, 30u);
        EXPECT_FALSE(seg.discontinuity);
        start += seg.duration;
        auto [v, a] = FramesIn(dir / (std::to_string(seg.number) + ".m4s"));
        video += v;
        audio += a;
    }
    EXPECT_EQ(video, static_cast<size_t>(s.video_frames()));
    EXPECT_EQ(audio, static_cast<size_t>(s.audio_frames()));
    // The journal holds the same entries.
    auto journal = ReadFileBounded(dir / "segments.jsonl", 1 << 20);
    ASSERT_TRUE(journal.ok());
    EXPECT_EQ(ParseSegmentJournal(journal.value()), w.segments());
}

TEST(RecordingWriterTest, ResumedAfterACrashSkipsWhatIsOnDiskAndLosesNothing) {
    const auto dir = test::TempDir("resume") / "br_test1";
    SourceStream s;
    const auto first = s.Next(3);   // segments 0..2
    const auto second = s.Next(2);  // segments 3..4
    {
        auto w = RecordingWriter::Create(dir, "br_test1", "studio", "node-a", 1);
        ASSERT_TRUE(w.ok());
        Feed(*w.value(), first);
        Feed(*w.value(), std::vector(second.begin(), second.begin() + 20));
        // Killed: segment 3's records were only in memory.
        ASSERT_EQ(w.value()->segments().size(), 3u);
    }
    auto resumed = RecordingWriter::Resume(dir);
    ASSERT_TRUE(resumed.ok()) << resumed.error().message;
    auto& w = *resumed.value();
    EXPECT_EQ(w.segments().size(), 3u);
    // The log gives the records again from a commit point before them: from
    // the middle of segment 1 (on disk: skipped) on.
    Feed(w, std::vector(first.begin() + 40, first.end()));
    Feed(w, second);
    ASSERT_TRUE(w.Add(s.End()).ok());
    ASSERT_TRUE(w.Flush().ok());
    ASSERT_EQ(w.segments().size(), 5u);
    size_t video = 0, audio = 0;
    for (size_t i = 0; i < w.segments().size(); ++i) {
        EXPECT_EQ(w.segments()[i].number, static_cast<int64_t>(i));
        EXPECT_FALSE(w.segments()[i].discontinuity) << i;
        auto [v, a] = FramesIn(dir / (std::to_string(i) + ".m4s"));
        video += v;
        audio += a;
    }
    EXPECT_EQ(video, static_cast<size_t>(s.video_frames()));
    EXPECT_EQ(audio, static_cast<size_t>(s.audio_frames()));
    EXPECT_EQ(w.duration(), s.video_frames() * test::kFrameTicks);

    auto movie = WriteRecordingMovie(dir, w.header().inits, w.segments());
    ASSERT_TRUE(movie.ok()) << movie.error().message;
    EXPECT_EQ(movie.value().video_frames, static_cast<uint64_t>(s.video_frames()));
    EXPECT_EQ(movie.value().audio_frames, static_cast<uint64_t>(s.audio_frames()));
    EXPECT_EQ(std::filesystem::file_size(dir / "recording.mp4"), movie.value().bytes);
}

TEST(RecordingWriterTest, LostRecordsCloseTheFragmentAndTheNextSegmentIsADiscontinuity) {
    const auto dir = test::TempDir("gap") / "br_test1";
    auto w = RecordingWriter::Create(dir, "br_test1", "studio", "node-a", 1);
    ASSERT_TRUE(w.ok());
    SourceStream s;
    auto records = s.Next(3);
    // Ten records of segment 1 never reached the log.
    const size_t cut = 60;
    records.erase(records.begin() + cut, records.begin() + cut + 10);
    Feed(*w.value(), records);
    ASSERT_TRUE(w.value()->Flush().ok());
    const auto& segs = w.value()->segments();
    ASSERT_EQ(segs.size(), 3u);
    EXPECT_LT(segs[1].frames, 30u);  // what came before the gap
    EXPECT_TRUE(segs[2].discontinuity);
    EXPECT_EQ(w.value()->gaps(), 10u);
    const std::string playlist = BuildRecordingPlaylist(segs, true);
    EXPECT_NE(playlist.find("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME"), std::string::npos) << playlist;
}

TEST(RecordingWriterTest, ATakeoverIsADiscontinuityAndANewConfigANewInit) {
    const auto dir = test::TempDir("takeover") / "br_test1";
    auto w = RecordingWriter::Create(dir, "br_test1", "studio", "node-a", 1);
    ASSERT_TRUE(w.ok());
    SourceStream s;
    Feed(*w.value(), s.Next(2));
    s.Discontinue();
    auto after = s.Next(2);
    for (auto& r : after)
        if (r.type == format::record::RecordType::kVideoConfig) {
            // The new publisher's stream: another level in its avcC.
            std::vector<uint8_t> avcc(r.config.extradata.span().begin(), r.config.extradata.span().end());
            avcc[3] = 0x1f;
            r.config.extradata = base::SharedBuffer::Adopt(std::move(avcc));
        }
    Feed(*w.value(), after);
    ASSERT_TRUE(w.value()->Flush().ok());
    const auto& segs = w.value()->segments();
    ASSERT_EQ(segs.size(), 4u);
    EXPECT_EQ(w.value()->header().inits, 2u);
    EXPECT_EQ(segs[1].init, 1u);
    EXPECT_EQ(segs[2].init, 2u);
    EXPECT_TRUE(segs[2].discontinuity);
    EXPECT_FALSE(segs[3].discontinuity);
    const std::string playlist = BuildRecordingPlaylist(segs, true);
    EXPECT_NE(playlist.find("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-2.mp4\"\n"), std::string::npos) << playlist;
    EXPECT_NE(playlist.find("#EXT-X-PLAYLIST-TYPE:VOD\n"), std::string::npos);
    EXPECT_NE(playlist.find("#EXT-X-ENDLIST\n"), std::string::npos);
    auto movie = WriteRecordingMovie(dir, 2, segs);
    ASSERT_TRUE(movie.ok()) << movie.error().message;
    EXPECT_EQ(movie.value().video_frames, 120u);
}

TEST(RecordingWriterTest, AnUnwritableDirectoryIsAClearError) {
    const auto root = test::TempDir("unwritable");
    {
        std::FILE* f = std::fopen((root / "file").c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fclose(f);
    }
    auto w = RecordingWriter::Create(root / "file" / "br_test1", "br_test1", "studio", "node-a", 1);
    ASSERT_FALSE(w.ok());
    EXPECT_EQ(w.error().code, base::ErrorCode::kIo);
    EXPECT_NE(w.error().message.find("ENOTDIR"), std::string::npos) << w.error().message;
}

}  // namespace
}  // namespace onair::origin
