// SPDX-License-Identifier: Apache-2.0
// WriteFragment: the moof's layout byte by byte (sizes, tfhd/tfdt/trun
// fields, the data offset landing on the first payload byte, sample flags)
// and the round trip through ReadFragment.
#include "onair/format/mp4/fragment_writer.h"

#include <gtest/gtest.h>

#include "onair/format/mp4/fragment_reader.h"
#include "unit/format/mp4/mp4_test_util.h"

namespace onair::format::mp4 {
namespace {

using namespace test;

std::vector<TrackFragment> TwoTracks() {
    TrackFragment v;
    v.track_id = 1;
    v.base_decode_time = 0x1'0000'0005ULL;  // needs tfdt version 1
    v.samples = {{3000, 100, 6000, true}, {3000, 40, -3000, false}, {3000, 20, 0, false}};
    v.payloads = {Filled(100, 0xA1), Filled(40, 0xA2), Filled(20, 0xA3)};
    TrackFragment a;
    a.track_id = 2;
    a.base_decode_time = 7;
    a.samples = {{1024, 11, 0, true}, {1024, 12, 0, true}};
    a.payloads = {Filled(11, 0xB1), Filled(12, 0xB2)};
    return {v, a};
}

TEST(FragmentWriter, LayoutOfMoofAndMdat) {
    const auto tracks = TwoTracks();
    const FragmentBytes f = WriteFragment(42, tracks);
    const Bytes b = Flatten(f);
    EXPECT_EQ(f.size, b.size());
    ASSERT_EQ(f.payloads.size(), 5u);
    EXPECT_EQ(f.payloads[0].data(), tracks[0].payloads[0].data()) << "payloads are shared, not copied";

    const auto moof = FindBox(b, {"moof"});
    ASSERT_TRUE(moof);
    EXPECT_EQ(moof->offset, 0u);
    const size_t mdat = moof->size;
    EXPECT_EQ(TypeAt(b, mdat), "mdat");
    EXPECT_EQ(U32At(b, mdat), 8u + 100 + 40 + 20 + 11 + 12);
    EXPECT_EQ(f.header.size(), mdat + 8);

    const auto mfhd = FindBox(b, {"moof", "mfhd"});
    ASSERT_TRUE(mfhd);
    EXPECT_EQ(U32At(b, mfhd->offset + 12), 42u);

    const auto tfhd = FindBox(b, {"moof", "traf", "tfhd"});
    ASSERT_TRUE(tfhd);
    EXPECT_EQ(tfhd->size, 16u);
    EXPECT_EQ(U32At(b, tfhd->offset + 8), 0x00020000u) << "version 0, default-base-is-moof";
    EXPECT_EQ(U32At(b, tfhd->offset + 12), 1u);

    const auto tfdt = FindBox(b, {"moof", "traf", "tfdt"});
    ASSERT_TRUE(tfdt);
    EXPECT_EQ(b[tfdt->offset + 8], 1) << "version 1";
    EXPECT_EQ(U64At(b, tfdt->offset + 12), 0x1'0000'0005ULL);
    const auto tfdt_audio = FindBox(b, {"moof", "traf", "tfdt"}, 1);
    ASSERT_TRUE(tfdt_audio);
    EXPECT_EQ(U64At(b, tfdt_audio->offset + 12), 7u);

    const auto trun = FindBox(b, {"moof", "traf", "trun"});
    ASSERT_TRUE(trun);
    EXPECT_EQ(U32At(b, trun->offset + 8), 0x01000F01u) << "version 1; data offset, duration, size, flags, cto";
    EXPECT_EQ(U32At(b, trun->offset + 12), 3u);
    EXPECT_EQ(trun->size, 20u + 3 * 16);
    const uint32_t data_offset = U32At(b, trun->offset + 16);
    EXPECT_EQ(data_offset, mdat + 8);
    EXPECT_EQ(b[data_offset], 0xA1) << "the data offset points at the first payload byte";
    const size_t s0 = trun->offset + 20;
    EXPECT_EQ(U32At(b, s0), 3000u);
    EXPECT_EQ(U32At(b, s0 + 4), 100u);
    EXPECT_EQ(U32At(b, s0 + 8), 0x02000000u) << "sync: depends on no other";
    EXPECT_EQ(U32At(b, s0 + 12), 6000u);
    EXPECT_EQ(U32At(b, s0 + 16 + 8), 0x01010000u) << "non-sync: depends on others, is_non_sync";
    EXPECT_EQ(static_cast<int32_t>(U32At(b, s0 + 16 + 12)), -3000) << "signed composition offset";

    const auto trun_audio = FindBox(b, {"moof", "traf", "trun"}, 1);
    ASSERT_TRUE(trun_audio);
    const uint32_t audio_offset = U32At(b, trun_audio->offset + 16);
    EXPECT_EQ(audio_offset, mdat + 8 + 160);
    EXPECT_EQ(b[audio_offset], 0xB1);
    EXPECT_EQ(b[audio_offset + 11], 0xB2);
}

TEST(FragmentWriter, RoundTripsThroughTheReader) {
    const auto tracks = TwoTracks();
    const Bytes b = Flatten(WriteFragment(7, tracks));
    auto parsed = ReadFragment(b);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->sequence_number, 7u);
    EXPECT_EQ(parsed->size, b.size());
    ASSERT_EQ(parsed->tracks.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        const auto& run = parsed->tracks[i];
        EXPECT_EQ(run.track_id, tracks[i].track_id);
        EXPECT_EQ(run.base_decode_time, tracks[i].base_decode_time);
        EXPECT_EQ(run.samples, tracks[i].samples);
        EXPECT_EQ(run.sample_description_index, 1u);
        // The run's bytes are the payloads, in order.
        Bytes expected;
        for (const auto& p : tracks[i].payloads) expected.insert(expected.end(), p.span().begin(), p.span().end());
        ASSERT_LE(run.data_offset + run.data_size, b.size());
        EXPECT_EQ(Bytes(b.begin() + static_cast<std::ptrdiff_t>(run.data_offset),
                        b.begin() + static_cast<std::ptrdiff_t>(run.data_offset + run.data_size)),
                  expected);
    }
    EXPECT_EQ(parsed->mdat_payload_size, 183u);
    // The moof and mdat header alone are enough.
    auto header_only = ReadFragment(std::span(b).first(WriteFragment(7, tracks).header.size()));
    ASSERT_TRUE(header_only.ok()) << header_only.error().message;
    EXPECT_EQ(header_only->tracks[1].samples, tracks[1].samples);
}

TEST(FragmentWriter, TracksWithoutSamplesAreLeftOut) {
    auto tracks = TwoTracks();
    tracks[0].samples.clear();
    tracks[0].payloads.clear();
    const Bytes b = Flatten(WriteFragment(1, tracks));
    EXPECT_FALSE(FindBox(b, {"moof", "traf"}, 1));
    auto parsed = ReadFragment(b);
    ASSERT_TRUE(parsed.ok());
    ASSERT_EQ(parsed->tracks.size(), 1u);
    EXPECT_EQ(parsed->tracks[0].track_id, 2u);
}

}  // namespace
}  // namespace onair::format::mp4
