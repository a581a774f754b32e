// SPDX-License-Identifier: Apache-2.0
// WriteMovieHeader's tables: stts/ctts/stss/stsc/stsz run lengths, chunk
// offsets counted from the file's start (stco, co64 past 4 GiB), the edit
// list of a B-frame track, durations.
#include "onair/format/mp4/movie_writer.h"

#include <gtest/gtest.h>

#include "unit/format/mp4/mp4_test_util.h"

namespace onair::format::mp4 {
namespace {

using namespace test;

const std::initializer_list<std::string> kStbl = {"moov", "trak", "mdia", "minf", "stbl"};

std::optional<Found> StblBox(const Bytes& b, const std::string& type, size_t nth = 0) {
    std::vector<std::string> p(kStbl);
    p.push_back(type);
    return FindBox(b, {p[0], p[1], p[2], p[3], p[4], p[5]}, nth);
}

MovieTrack VideoTrack() {
    MovieTrack t;
    t.id = 1;
    t.timescale = 90000;
    t.descriptions = {onair::test::SampleVideoConfig()};
    // I P B B | I P: pts - dts of 2 frames on the first (B-frames).
    t.samples = {{3000, 100, 6000, true}, {3000, 50, 9000, false}, {3000, 10, 0, false},
                 {3000, 10, 3000, false}, {3000, 90, 6000, true},  {3000, 40, -3000, false}};
    t.chunks = {{0, 2, 0, 1}, {2, 2, 200, 1}, {4, 2, 400, 1}};
    return t;
}

MovieTrack AudioTrack() {
    MovieTrack t;
    t.id = 2;
    t.timescale = 44100;
    t.descriptions = {onair::test::SampleAudioConfig(), onair::test::SampleAudioConfig()};
    t.samples = {{1024, 7, 0, true}, {1024, 7, 0, true}, {1024, 7, 0, true}};
    t.chunks = {{0, 2, 150, 1}, {2, 1, 390, 2}};
    return t;
}

TEST(MovieWriter, TablesAndOffsets) {
    const MovieTrack tracks[] = {VideoTrack(), AudioTrack()};
    const auto header = WriteMovieHeader(tracks, 1000);
    const Bytes b(header.span().begin(), header.span().end());
    EXPECT_EQ(TypeAt(b, 0), "ftyp");
    const auto moov = FindBox(b, {"moov"});
    ASSERT_TRUE(moov);
    const size_t mdat = moov->offset + moov->size;
    ASSERT_EQ(b.size(), mdat + 8) << "the header ends with the mdat's box header";
    EXPECT_EQ(TypeAt(b, mdat), "mdat");
    EXPECT_EQ(U32At(b, mdat), 1008u);
    const uint32_t payload = static_cast<uint32_t>(b.size());

    const auto stts = StblBox(b, "stts");
    ASSERT_TRUE(stts);
    EXPECT_EQ(U32At(b, stts->offset + 12), 1u) << "one run of equal durations";
    EXPECT_EQ(U32At(b, stts->offset + 16), 6u);
    EXPECT_EQ(U32At(b, stts->offset + 20), 3000u);
    const auto ctts = StblBox(b, "ctts");
    ASSERT_TRUE(ctts);
    EXPECT_EQ(b[ctts->offset + 8], 1) << "version 1: a negative offset";
    EXPECT_EQ(U32At(b, ctts->offset + 12), 6u);
    EXPECT_EQ(static_cast<int32_t>(U32At(b, ctts->offset + 16 + 5 * 8 + 4)), -3000);
    const auto stss = StblBox(b, "stss");
    ASSERT_TRUE(stss);
    EXPECT_EQ(U32At(b, stss->offset + 12), 2u);
    EXPECT_EQ(U32At(b, stss->offset + 16), 1u);
    EXPECT_EQ(U32At(b, stss->offset + 20), 5u);
    EXPECT_FALSE(StblBox(b, "stss", 1)) << "audio: every sample is a sync sample";
    EXPECT_FALSE(StblBox(b, "ctts", 1)) << "audio: no composition offsets";

    const auto stsc = StblBox(b, "stsc");
    ASSERT_TRUE(stsc);
    EXPECT_EQ(U32At(b, stsc->offset + 12), 1u) << "three chunks of two: one entry";
    const auto stsc_audio = StblBox(b, "stsc", 1);
    ASSERT_TRUE(stsc_audio);
    ASSERT_EQ(U32At(b, stsc_audio->offset + 12), 2u);
    EXPECT_EQ(U32At(b, stsc_audio->offset + 16 + 12), 2u) << "first_chunk";
    EXPECT_EQ(U32At(b, stsc_audio->offset + 16 + 12 + 4), 1u) << "samples_per_chunk";
    EXPECT_EQ(U32At(b, stsc_audio->offset + 16 + 12 + 8), 2u) << "sample_description_index";
    const auto stsd_audio = StblBox(b, "stsd", 1);
    ASSERT_TRUE(stsd_audio);
    EXPECT_EQ(U32At(b, stsd_audio->offset + 12), 2u) << "two descriptions";

    const auto stsz = StblBox(b, "stsz");
    ASSERT_TRUE(stsz);
    EXPECT_EQ(U32At(b, stsz->offset + 16), 6u);
    EXPECT_EQ(U32At(b, stsz->offset + 20), 100u);
    const auto stco = StblBox(b, "stco");
    ASSERT_TRUE(stco);
    EXPECT_EQ(U32At(b, stco->offset + 12), 3u);
    EXPECT_EQ(U32At(b, stco->offset + 16), payload);
    EXPECT_EQ(U32At(b, stco->offset + 20), payload + 200);
    const auto stco_audio = StblBox(b, "stco", 1);
    ASSERT_TRUE(stco_audio);
    EXPECT_EQ(U32At(b, stco_audio->offset + 20), payload + 390);

    // The video starts with a composition offset of 6000: an edit starts
    // the presentation at 0. Audio starts at 0: no edit list.
    const auto elst = FindBox(b, {"moov", "trak", "edts", "elst"});
    ASSERT_TRUE(elst);
    EXPECT_EQ(U32At(b, elst->offset + 12), 1u);
    EXPECT_EQ(U32At(b, elst->offset + 16), 200u) << "18000 ticks = 200 ms";
    EXPECT_EQ(U32At(b, elst->offset + 20), 6000u) << "media_time: the earliest composition time";
    EXPECT_FALSE(FindBox(b, {"moov", "trak", "edts"}, 1));

    const auto mvhd = FindBox(b, {"moov", "mvhd"});
    EXPECT_EQ(U32At(b, mvhd->offset + 20), 1000u) << "movie timescale";
    EXPECT_EQ(U32At(b, mvhd->offset + 24), 200u) << "the longer track: 200 ms (audio 69.66 ms)";
    const auto mdhd = FindBox(b, {"moov", "trak", "mdia", "mdhd"}, 1);
    EXPECT_EQ(U32At(b, mdhd->offset + 20), 44100u);
    EXPECT_EQ(U32At(b, mdhd->offset + 24), 3072u);
    const auto tkhd = FindBox(b, {"moov", "trak", "tkhd"}, 1);
    EXPECT_EQ(U32At(b, tkhd->offset + 28), 70u) << "3072 / 44100 s, rounded to ms";
}

TEST(MovieWriter, EarliestPresentationIsTheEditsMediaTime) {
    MovieTrack v = VideoTrack();
    // Not the first sample's: compositions 12000, 12000, 7000, 12000, ...
    v.samples[0].composition_offset = 12000;
    v.samples[2].composition_offset = 1000;
    const auto header = WriteMovieHeader(std::span(&v, 1), 500);
    const Bytes b(header.span().begin(), header.span().end());
    const auto elst = FindBox(b, {"moov", "trak", "edts", "elst"});
    ASSERT_TRUE(elst);
    EXPECT_EQ(U32At(b, elst->offset + 20), 7000u);
}

TEST(MovieWriter, StartOffsetIsAnEmptyEdit) {
    MovieTrack a = AudioTrack();
    a.start_offset = 4410;  // 100 ms
    const auto header = WriteMovieHeader(std::span(&a, 1), 500);
    const Bytes b(header.span().begin(), header.span().end());
    const auto elst = FindBox(b, {"moov", "trak", "edts", "elst"});
    ASSERT_TRUE(elst);
    EXPECT_EQ(U32At(b, elst->offset + 12), 2u);
    EXPECT_EQ(U32At(b, elst->offset + 16), 100u);
    EXPECT_EQ(U32At(b, elst->offset + 20), 0xFFFFFFFFu) << "media_time -1: empty";
    EXPECT_EQ(U32At(b, elst->offset + 28), 70u);
    EXPECT_EQ(U32At(b, elst->offset + 32), 0u);
    const auto tkhd = FindBox(b, {"moov", "trak", "tkhd"});
    EXPECT_EQ(U32At(b, tkhd->offset + 28), 170u);
}

TEST(MovieWriter, LargeFilesUseCo64AndLargesize) {
    MovieTrack v = VideoTrack();
    v.chunks[2].offset_in_mdat = 5ULL << 30;  // past 4 GiB
    const uint64_t payload_size = 6ULL << 30;
    const auto header = WriteMovieHeader(std::span(&v, 1), payload_size);
    const Bytes b(header.span().begin(), header.span().end());
    EXPECT_FALSE(StblBox(b, "stco"));
    const auto co64 = StblBox(b, "co64");
    ASSERT_TRUE(co64);
    const auto moov = FindBox(b, {"moov"});
    const size_t mdat = moov->offset + moov->size;
    ASSERT_EQ(b.size(), mdat + 16);
    EXPECT_EQ(U32At(b, mdat), 1u) << "size 1: a largesize follows";
    EXPECT_EQ(TypeAt(b, mdat), "mdat");
    EXPECT_EQ(U64At(b, mdat + 8), payload_size + 16);
    EXPECT_EQ(U64At(b, co64->offset + 16), b.size());
    EXPECT_EQ(U64At(b, co64->offset + 16 + 16), b.size() + (5ULL << 30));
    // Offsets under 4 GiB stay 32-bit.
    const auto small = WriteMovieHeader(std::span(&v, 1).first(0), 10);
    EXPECT_FALSE(FindBox(small.span(), {"moov", "trak"}));
}

}  // namespace
}  // namespace onair::format::mp4
