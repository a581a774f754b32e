// SPDX-License-Identifier: Apache-2.0
// WriteInitSegment's boxes, and ReadInitSegment giving the same tracks back
// (and refusing what it cannot read, with the reason).
#include "onair/format/mp4/init_segment.h"

#include <gtest/gtest.h>

#include "onair/format/mp4/init_reader.h"
#include "unit/format/mp4/mp4_test_util.h"

namespace onair::format::mp4 {
namespace {

using namespace test;
using base::ErrorCode;

Bytes Init() {
    const Track tracks[] = {SampleVideoTrack(), SampleAudioTrack()};
    const auto b = WriteInitSegment(tracks);
    return Bytes(b.span().begin(), b.span().end());
}

TEST(InitSegment, Layout) {
    const Bytes b = Init();
    EXPECT_EQ(TypeAt(b, 0), "ftyp");
    EXPECT_EQ(TypeAt(b, 4), "iso6") << "major brand";
    const auto ftyp = FindBox(b, {"ftyp"});
    const auto moov = FindBox(b, {"moov"});
    ASSERT_TRUE(ftyp && moov);
    EXPECT_EQ(ftyp->size + moov->size, b.size()) << "ftyp + moov, nothing else";
    const auto mvhd = FindBox(b, {"moov", "mvhd"});
    ASSERT_TRUE(mvhd);
    EXPECT_EQ(U32At(b, mvhd->offset + 24), 0u) << "duration 0: fragmented";
    EXPECT_EQ(U32At(b, mvhd->offset + mvhd->size - 4), 3u) << "next_track_ID";
    const auto tkhd = FindBox(b, {"moov", "trak", "tkhd"});
    ASSERT_TRUE(tkhd);
    EXPECT_EQ(U32At(b, tkhd->offset + 20), 1u);
    EXPECT_EQ(U32At(b, tkhd->offset + tkhd->size - 8), 32u << 16) << "width 16.16";
    const auto mdhd = FindBox(b, {"moov", "trak", "mdia", "mdhd"}, 1);
    ASSERT_TRUE(mdhd);
    EXPECT_EQ(U32At(b, mdhd->offset + 20), 22050u) << "audio timescale = sample rate";
    const auto hdlr = FindBox(b, {"moov", "trak", "mdia", "hdlr"}, 1);
    ASSERT_TRUE(hdlr);
    EXPECT_EQ(TypeAt(b, hdlr->offset + 12), "soun");
    EXPECT_TRUE(FindBox(b, {"moov", "trak", "mdia", "minf", "vmhd"}));
    EXPECT_TRUE(FindBox(b, {"moov", "trak", "mdia", "minf", "smhd"}));
    EXPECT_TRUE(FindBox(b, {"moov", "trak", "mdia", "minf", "dinf", "dref"}));
    const auto avcc = FindBox(b, {"moov", "trak", "mdia", "minf", "stbl", "stsd", "avc1", "avcC"});
    ASSERT_TRUE(avcc);
    EXPECT_EQ(Bytes(b.begin() + static_cast<std::ptrdiff_t>(avcc->offset + 8),
                    b.begin() + static_cast<std::ptrdiff_t>(avcc->offset + avcc->size)),
              Bytes(std::begin(onair::test::sample::kAvcC), std::end(onair::test::sample::kAvcC)));
    EXPECT_TRUE(FindBox(b, {"moov", "trak", "mdia", "minf", "stbl", "stsd", "mp4a", "esds"}));
    for (const char* empty : {"stts", "stsc", "stco"}) {
        const auto box = FindBox(b, {"moov", "trak", "mdia", "minf", "stbl", empty});
        ASSERT_TRUE(box) << empty;
        EXPECT_EQ(box->size, 16u) << empty;
        EXPECT_EQ(U32At(b, box->offset + 12), 0u) << empty;
    }
    const auto trex = FindBox(b, {"moov", "mvex", "trex"}, 1);
    ASSERT_TRUE(trex);
    EXPECT_EQ(U32At(b, trex->offset + 12), 2u);
    EXPECT_EQ(U32At(b, trex->offset + 16), 1u) << "default_sample_description_index";
}

TEST(InitSegment, RoundTripsThroughTheReader) {
    auto tracks = ReadInitSegment(Init());
    ASSERT_TRUE(tracks.ok()) << tracks.error().message;
    ASSERT_EQ(tracks->size(), 2u);
    const Track& v = (*tracks)[0];
    const Track& a = (*tracks)[1];
    const auto want_v = onair::test::SampleVideoConfig();
    const auto want_a = onair::test::SampleAudioConfig();
    EXPECT_EQ(v.id, 1u);
    EXPECT_EQ(v.timescale, 90000u);
    EXPECT_EQ(v.config, want_v);
    EXPECT_EQ(v.config.width, 32);
    EXPECT_EQ(v.config.height, 32);
    EXPECT_EQ(v.config.codec_string, "avc1.64000a");
    EXPECT_EQ(a.id, 2u);
    EXPECT_EQ(a.timescale, 22050u);
    EXPECT_EQ(a.config, want_a);
    EXPECT_EQ(a.config.sample_rate, 22050);
    EXPECT_EQ(a.config.channels, 1);
    EXPECT_EQ(a.config.codec_string, "mp4a.40.2");
}

TEST(InitSegment, ReaderRefusesWhatItCannotRead) {
    const Bytes b = Init();
    // Cut anywhere: an error, never a crash or a partial result.
    for (size_t n = 0; n < b.size(); ++n) {
        auto r = ReadInitSegment(std::span(b).first(n));
        EXPECT_FALSE(r.ok()) << n;
    }
    // Another codec.
    Bytes hevc = b;
    const auto avc1 = FindBox(b, {"moov", "trak", "mdia", "minf", "stbl", "stsd", "avc1"});
    ASSERT_TRUE(avc1);
    hevc[avc1->offset + 4] = 'h';
    hevc[avc1->offset + 5] = 'v';
    hevc[avc1->offset + 6] = 'c';
    hevc[avc1->offset + 7] = '1';
    auto r = ReadInitSegment(hevc);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
    EXPECT_NE(r.error().message.find("hvc1"), std::string::npos) << r.error().message;
    // A size larger than its parent.
    Bytes big = b;
    const auto mdia = FindBox(b, {"moov", "trak", "mdia"});
    big[mdia->offset] = 0x7f;
    r = ReadInitSegment(big);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidData);
    // More tracks than the limit.
    std::vector<Track> many;
    for (uint32_t i = 1; i <= kMaxTracks + 1; ++i) many.push_back(Track{i, 90000, onair::test::SampleVideoConfig()});
    const auto m = WriteInitSegment(many);
    r = ReadInitSegment(m.span());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);
}

}  // namespace
}  // namespace onair::format::mp4
