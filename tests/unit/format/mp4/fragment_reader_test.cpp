// SPDX-License-Identifier: Apache-2.0
// ReadFragment on what other muxers write (tfhd defaults, an explicit base
// data offset, trun version 0 without per-sample fields, first-sample-
// flags, a styp in front) and on broken or oversized input.
#include "onair/format/mp4/fragment_reader.h"

#include <gtest/gtest.h>

#include "onair/format/mp4/box_writer.h"
#include "onair/format/mp4/fragment_writer.h"
#include "unit/format/mp4/mp4_test_util.h"

namespace onair::format::mp4 {
namespace {

using namespace test;
using base::ErrorCode;

// styp + moof (one traf: tfhd with base-data-offset and defaults, tfdt v0,
// a v0 trun with sizes only and first-sample-flags, then a trun with no
// data offset at all) + mdat.
Bytes ForeignFragment(bool explicit_base) {
    Bytes out;
    BoxWriter w(out);
    const size_t styp = w.Begin(Fourcc("styp"));
    w.U32(Fourcc("msdh"));
    w.U32(0);
    w.End(styp);
    const size_t moof = w.Begin(Fourcc("moof"));
    const size_t mfhd = w.BeginFull(Fourcc("mfhd"), 0, 0);
    w.U32(9);
    w.End(mfhd);
    const size_t traf = w.Begin(Fourcc("traf"));
    const uint32_t tfhd_flags = (explicit_base ? kTfhdBaseDataOffset : 0) | kTfhdSampleDescriptionIndex |
                                kTfhdDefaultDuration | kTfhdDefaultFlags;
    const size_t tfhd = w.BeginFull(Fourcc("tfhd"), 0, tfhd_flags);
    w.U32(5);  // track
    size_t base_at = 0;
    if (explicit_base) {
        base_at = out.size();
        w.U64(0);  // patched: the mdat payload's offset
    }
    w.U32(2);                     // sample description index
    w.U32(1001);                  // default duration
    w.U32(kNonSyncSampleFlags);   // default flags
    w.End(tfhd);
    const size_t tfdt = w.BeginFull(Fourcc("tfdt"), 0, 0);
    w.U32(123456);
    w.End(tfdt);
    const size_t trun1 = w.BeginFull(Fourcc("trun"), 0, kTrunSize | kTrunFirstSampleFlags |
                                                            (explicit_base ? kTrunDataOffset : 0));
    w.U32(2);
    if (explicit_base) w.U32(0);   // relative to the base data offset
    w.U32(kSyncSampleFlags);       // first sample: sync
    w.U32(10);
    w.U32(20);
    w.End(trun1);
    const size_t trun2 = w.BeginFull(Fourcc("trun"), 0, kTrunSize | kTrunCompositionOffset);
    w.U32(1);
    w.U32(5);
    w.U32(2002);
    w.End(trun2);
    w.End(traf);
    w.End(moof);
    const size_t mdat_payload = out.size() + 8;
    WriteBoxHeader(Fourcc("mdat"), 35, out);
    for (uint8_t i = 0; i < 35; ++i) out.push_back(i);
    if (explicit_base) {
        for (int i = 0; i < 8; ++i) out[base_at + static_cast<size_t>(i)] = static_cast<uint8_t>(uint64_t{mdat_payload} >> (56 - 8 * i));
    }
    return out;
}

TEST(FragmentReader, ReadsTfhdDefaultsAndVersionZero) {
    const Bytes b = ForeignFragment(true);
    auto f = ReadFragment(b);
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(f->sequence_number, 9u);
    ASSERT_EQ(f->tracks.size(), 2u);
    const auto& r1 = f->tracks[0];
    EXPECT_EQ(r1.track_id, 5u);
    EXPECT_EQ(r1.sample_description_index, 2u);
    EXPECT_EQ(r1.base_decode_time, 123456u);
    ASSERT_EQ(r1.samples.size(), 2u);
    EXPECT_EQ(r1.samples[0], (Sample{1001, 10, 0, true}));
    EXPECT_EQ(r1.samples[1], (Sample{1001, 20, 0, false}));
    EXPECT_EQ(r1.data_offset, f->mdat_payload_offset);
    EXPECT_EQ(r1.data_size, 30u);
    // The second trun continues where the first one's data ended, and its
    // decode time after the first one's samples.
    const auto& r2 = f->tracks[1];
    EXPECT_EQ(r2.data_offset, f->mdat_payload_offset + 30);
    EXPECT_EQ(r2.base_decode_time, 123456u + 2002);
    EXPECT_EQ(r2.samples[0], (Sample{1001, 5, 2002, false}));
    EXPECT_EQ(f->size, b.size());
}

TEST(FragmentReader, WithoutAnyOffsetTheDataStartsAtTheMoof) {
    // No base-data-offset, no default-base-is-moof, no data offset: the
    // data is taken to start at the moof (8.8.7.1), which is not in the mdat.
    auto f = ReadFragment(ForeignFragment(false));
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().code, ErrorCode::kInvalidData);
    EXPECT_NE(f.error().message.find("outside the mdat"), std::string::npos) << f.error().message;
}

TEST(FragmentReader, EveryTruncationIsAnErrorOrComplete) {
    TrackFragment t;
    t.track_id = 1;
    t.samples = {{3000, 3, 0, true}, {3000, 4, 0, false}};
    t.payloads = {Filled(3, 1), Filled(4, 2)};
    const auto f = WriteFragment(1, std::span(&t, 1));
    const Bytes b = Flatten(f);
    for (size_t n = 0; n < b.size(); ++n) {
        auto r = ReadFragment(std::span(b).first(n));
        // Up to the mdat header: errors; from there on: the moof is readable.
        EXPECT_EQ(r.ok(), n >= f.header.size()) << n;
    }
}

TEST(FragmentReader, LimitsAndLies) {
    // A trun announcing more samples than the limit.
    Bytes b;
    BoxWriter w(b);
    auto fragment = [&](uint32_t count, uint32_t trun_flags) {
        b.clear();
        const size_t moof = w.Begin(Fourcc("moof"));
        const size_t mfhd = w.BeginFull(Fourcc("mfhd"), 0, 0);
        w.U32(1);
        w.End(mfhd);
        const size_t traf = w.Begin(Fourcc("traf"));
        const size_t tfhd = w.BeginFull(Fourcc("tfhd"), 0, kTfhdDefaultBaseIsMoof);
        w.U32(1);
        w.End(tfhd);
        const size_t trun = w.BeginFull(Fourcc("trun"), 1, trun_flags);
        w.U32(count);
        w.U32(0);
        w.End(trun);
        w.End(traf);
        w.End(moof);
        WriteBoxHeader(Fourcc("mdat"), 0, b);
        return ReadFragment(b);
    };
    auto r = fragment(static_cast<uint32_t>(kMaxSamplesPerTrun + 1), kTrunSize);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);
    // A count the box cannot hold: refused before allocating for it.
    r = fragment(1000, kTrunSize | kTrunDuration);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidData);

    // More trafs than the limit.
    std::vector<TrackFragment> tracks;
    for (uint32_t i = 1; i <= kMaxTrafsPerMoof + 1; ++i) {
        TrackFragment t;
        t.track_id = i;
        t.samples = {{1, 1, 0, true}};
        t.payloads = {Filled(1, 0)};
        tracks.push_back(t);
    }
    r = ReadFragment(Flatten(WriteFragment(1, tracks)));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);

    // A sample size pointing past the mdat.
    TrackFragment t;
    t.track_id = 1;
    t.samples = {{1, 100, 0, true}};
    t.payloads = {Filled(100, 0)};
    Bytes lie = Flatten(WriteFragment(1, std::span(&t, 1)));
    const auto trun = FindBox(lie, {"moof", "traf", "trun"});
    lie[trun->offset + 20 + 4] = 0x10;  // size 0x10000064
    r = ReadFragment(lie);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidData);

    // No moof at all; mdat first.
    Bytes mdat;
    WriteBoxHeader(Fourcc("mdat"), 0, mdat);
    EXPECT_FALSE(ReadFragment(mdat).ok());
}

}  // namespace
}  // namespace onair::format::mp4
