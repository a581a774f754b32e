// SPDX-License-Identifier: Apache-2.0
// AVCC framing (ForEachNal, ToFourByteLengths, ContainsIdr) and
// emulation-prevention removal.
#include "onair/codec/h264/nal.h"

#include <gtest/gtest.h>

#include <vector>

#include "support/media_vectors.h"
#include "unit/codec/h264_test_util.h"

namespace onair::codec::h264 {
namespace {

namespace vectors = ::onair::test::vectors;

using Bytes = std::vector<uint8_t>;
using test::MakeAccessUnit;

const Bytes kAud = {0x09, 0xf0};
const Bytes kSei = {0x06, 0x05, 0x01, 0xaa, 0x80};
const Bytes kIdr = {0x65, 0x88, 0x84, 0x00, 0x21};
const Bytes kSlice = {0x41, 0x9a, 0x23, 0x6c};

std::vector<Bytes> Collect(std::span<const uint8_t> avcc, uint8_t length_size, base::Status* status = nullptr) {
    std::vector<Bytes> out;
    auto st = ForEachNal(avcc, length_size,
                         [&](std::span<const uint8_t> nal) { out.emplace_back(nal.begin(), nal.end()); });
    if (status) *status = st;
    return out;
}

// Video frames of the real stream: AVCC with 4-byte lengths, as ffmpeg wrote them.
std::vector<std::span<const uint8_t>> RealFrames() {
    std::vector<std::span<const uint8_t>> out;
    for (const auto& t : vectors::kSmallFlv) {
        if (t.type == 9 && t.media) out.push_back(t.body.subspan(5));
    }
    return out;
}

TEST(ForEachNal, VisitsEachUnitInOrderForEveryLengthSize) {
    const std::vector<Bytes> nals = {kAud, kSei, kIdr};
    for (uint8_t n : {1, 2, 4}) {
        base::Status st;
        EXPECT_EQ(Collect(MakeAccessUnit(nals, n), n, &st), nals) << int{n};
        EXPECT_TRUE(st.ok());
    }
}

TEST(ForEachNal, SpansPointIntoTheInput) {
    const auto au = MakeAccessUnit({kAud, kIdr}, 4);
    std::vector<const uint8_t*> starts;
    ASSERT_TRUE(ForEachNal(au, 4, [&](std::span<const uint8_t> nal) { starts.push_back(nal.data()); }).ok());
    ASSERT_EQ(starts.size(), 2u);
    EXPECT_EQ(starts[0], au.data() + 4);
    EXPECT_EQ(starts[1], au.data() + 4 + kAud.size() + 4);
}

TEST(ForEachNal, ZeroLengthUnitsAreSkipped) {
    const auto au = MakeAccessUnit({{}, kAud, {}, {}, kIdr, {}}, 2);
    base::Status st;
    EXPECT_EQ(Collect(au, 2, &st), (std::vector<Bytes>{kAud, kIdr}));
    EXPECT_TRUE(st.ok());
}

TEST(ForEachNal, EmptyInputIsAnEmptyAccessUnit) {
    base::Status st;
    EXPECT_TRUE(Collect({}, 4, &st).empty());
    EXPECT_TRUE(st.ok());
}

TEST(ForEachNal, LargestLengthsOfEachSize) {
    const Bytes big1(255, 0x41);
    EXPECT_EQ(Collect(MakeAccessUnit({big1}, 1), 1), std::vector<Bytes>{big1});
    const Bytes big2(65535, 0x41);
    EXPECT_EQ(Collect(MakeAccessUnit({big2}, 2), 2), std::vector<Bytes>{big2});
}

TEST(ForEachNal, InvalidLengthSizes) {
    const auto au = MakeAccessUnit({kIdr}, 4);
    for (uint8_t n : {0, 3, 5, 8, 255}) {
        int calls = 0;
        auto st = ForEachNal(au, n, [&](std::span<const uint8_t>) { ++calls; });
        EXPECT_FALSE(st.ok()) << int{n};
        EXPECT_EQ(st.error().code, base::ErrorCode::kInvalidData);
        EXPECT_EQ(calls, 0);
    }
}

TEST(ForEachNal, EveryTruncationIsAnError) {
    for (uint8_t n : {1, 2, 4}) {
        const auto au = MakeAccessUnit({kAud, kSei, kIdr}, n);
        // A cut exactly between two units is a shorter valid access unit.
        const size_t boundary1 = n + kAud.size(), boundary2 = boundary1 + n + kSei.size();
        for (size_t len = 1; len < au.size(); ++len) {
            base::Status st;
            (void)Collect(std::span(au).first(len), n, &st);
            if (len == boundary1 || len == boundary2) {
                EXPECT_TRUE(st.ok()) << int{n} << " " << len;
            } else {
                EXPECT_FALSE(st.ok()) << int{n} << " " << len;
                EXPECT_EQ(st.error().code, base::ErrorCode::kInvalidData);
            }
        }
    }
}

TEST(ForEachNal, LengthPastTheEnd) {
    Bytes au = {0x00, 0x00, 0x00, 0x06, 0x65, 0x88, 0x84, 0x00, 0x21};  // claims 6, has 5
    base::Status st;
    EXPECT_TRUE(Collect(au, 4, &st).empty());
    EXPECT_FALSE(st.ok());
    Bytes huge = {0xff, 0xff, 0xff, 0xff, 0x65};  // 4 GiB claimed
    EXPECT_FALSE(ForEachNal(huge, 4, [](std::span<const uint8_t>) {}).ok());
    // The units before the bad one were visited (callers must not act on them
    // until the status is checked).
    auto two = MakeAccessUnit({kAud}, 4);
    two.insert(two.end(), {0x00, 0x00, 0x01, 0x00, 0x65});
    EXPECT_EQ(Collect(two, 4, &st), std::vector<Bytes>{kAud});
    EXPECT_FALSE(st.ok());
}

TEST(ForEachNal, RealFramesParseWithFourByteLengths) {
    const auto frames = RealFrames();
    ASSERT_GE(frames.size(), 4u);
    for (auto f : frames) {
        base::Status st;
        const auto nals = Collect(f, 4, &st);
        EXPECT_TRUE(st.ok());
        ASSERT_FALSE(nals.empty());
        for (const auto& n : nals) EXPECT_EQ(n[0] & 0x80, 0) << "forbidden_zero_bit";
    }
}

TEST(ToFourByteLengths, FromTwoAndOneByteLengths) {
    const std::vector<Bytes> nals = {kAud, kSei, kIdr};
    const auto expected = MakeAccessUnit(nals, 4);
    for (uint8_t n : {1, 2, 4}) {
        auto out = ToFourByteLengths(MakeAccessUnit(nals, n), n);
        ASSERT_TRUE(out.ok()) << int{n};
        EXPECT_EQ(out.value(), expected) << int{n};
    }
    // Byte-exact, by hand: 2-byte lengths 00 02 / 00 04.
    const Bytes two = {0x00, 0x02, 0x09, 0xf0, 0x00, 0x04, 0x41, 0x9a, 0x23, 0x6c};
    const Bytes four = {0x00, 0x00, 0x00, 0x02, 0x09, 0xf0, 0x00, 0x00, 0x00, 0x04, 0x41, 0x9a, 0x23, 0x6c};
    auto out = ToFourByteLengths(two, 2);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out.value(), four);
}

TEST(ToFourByteLengths, RealFramesRoundTripThroughTwoAndOneByteLengths) {
    for (auto f : RealFrames()) {
        std::vector<Bytes> nals = Collect(f, 4);
        auto from2 = ToFourByteLengths(MakeAccessUnit(nals, 2), 2);
        ASSERT_TRUE(from2.ok());
        EXPECT_TRUE(std::equal(from2->begin(), from2->end(), f.begin(), f.end()));
        bool small = true;
        for (const auto& n : nals) small = small && n.size() < 256;
        if (small) {
            auto from1 = ToFourByteLengths(MakeAccessUnit(nals, 1), 1);
            ASSERT_TRUE(from1.ok());
            EXPECT_TRUE(std::equal(from1->begin(), from1->end(), f.begin(), f.end()));
        }
    }
}

TEST(ToFourByteLengths, DropsZeroLengthUnits) {
    auto out = ToFourByteLengths(MakeAccessUnit({{}, kSlice, {}}, 2), 2);
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out.value(), MakeAccessUnit({kSlice}, 4));
    auto nothing = ToFourByteLengths(MakeAccessUnit({{}, {}}, 1), 1);
    ASSERT_TRUE(nothing.ok());
    EXPECT_TRUE(nothing->empty());
}

TEST(ToFourByteLengths, ErrorsPropagate) {
    const auto au = MakeAccessUnit({kAud, kIdr}, 2);
    for (size_t len = 1; len < au.size(); ++len) {
        if (len == 2 + kAud.size()) continue;  // a whole first unit
        auto out = ToFourByteLengths(std::span(au).first(len), 2);
        EXPECT_FALSE(out.ok()) << len;
    }
    EXPECT_FALSE(ToFourByteLengths(au, 3).ok());
    EXPECT_FALSE(ToFourByteLengths(au, 0).ok());
}

TEST(ContainsIdr, FindsIdrAnywhereInTheAccessUnit) {
    EXPECT_TRUE(ContainsIdr(MakeAccessUnit({kIdr}, 4)));
    EXPECT_TRUE(ContainsIdr(MakeAccessUnit({kAud, kSei, kIdr}, 4)));
    EXPECT_FALSE(ContainsIdr(MakeAccessUnit({kAud, kSei, kSlice}, 4)));
    EXPECT_FALSE(ContainsIdr({}));
    // nal_ref_idc bits do not matter: 0x25 is an IDR too; 0x45 is type 5 with ref_idc 2.
    EXPECT_TRUE(ContainsIdr(MakeAccessUnit({{0x25, 0x88}}, 4)));
    EXPECT_TRUE(ContainsIdr(MakeAccessUnit({{0x45, 0x88}}, 4)));
    // Other types whose low bits overlap 5 are not.
    EXPECT_FALSE(ContainsIdr(MakeAccessUnit({{0x61, 0x88}, {0x67, 0x64}, {0x6d, 0x00}}, 4)));
    // 2-byte framing read as 4-byte lengths is garbage, not an IDR.
    EXPECT_FALSE(ContainsIdr(MakeAccessUnit({kIdr}, 2)));
}

TEST(ContainsIdr, RealFramesMatchWhatFfprobeSaysIsAKeyframe) {
    for (const auto& t : vectors::kSmallFlv) {
        if (t.type != 9 || !t.media) continue;
        EXPECT_EQ(ContainsIdr(t.body.subspan(5)), t.keyframe) << t.timestamp_ms;
    }
}

TEST(UnescapeRbsp, RemovesEmulationPreventionBytes) {
    struct Case {
        Bytes in, out;
    };
    const Case cases[] = {
        {{}, {}},
        {{0x67, 0x64}, {0x67, 0x64}},
        {{0x00, 0x00, 0x03, 0x01}, {0x00, 0x00, 0x01}},
        {{0x00, 0x00, 0x03, 0x00}, {0x00, 0x00, 0x00}},
        {{0x00, 0x00, 0x03, 0x03}, {0x00, 0x00, 0x03}},  // the second 03 is data
        {{0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x02}, {0x00, 0x00, 0x00, 0x00, 0x02}},
        {{0x00, 0x00, 0x03, 0x00, 0x03}, {0x00, 0x00, 0x00, 0x03}},  // one zero after a removal is not two
        {{0x00, 0x03, 0x00, 0x03}, {0x00, 0x03, 0x00, 0x03}},
        {{0x01, 0x00, 0x00, 0x03}, {0x01, 0x00, 0x00}},  // cabac_zero_word at the end
        {{0x00, 0x00, 0x00, 0x03, 0x01}, {0x00, 0x00, 0x00, 0x01}},
        {{0x10, 0x00, 0x00, 0x04}, {0x10, 0x00, 0x00, 0x04}},
        {{0x00, 0x00, 0x03, 0x04}, {0x00, 0x00, 0x04}},  // as ffmpeg: 00 00 03 is always an escape
    };
    std::vector<uint8_t> rbsp = {0xde, 0xad};  // replaced, not appended to
    for (const auto& c : cases) {
        UnescapeRbsp(c.in, rbsp);
        EXPECT_EQ(rbsp, c.out);
    }
}

TEST(UnescapeRbsp, UndoesEscape) {
    // Every 3-byte pattern of small values survives escape + unescape.
    for (uint32_t v = 0; v < 4 * 4 * 4 * 4; ++v) {
        const Bytes rbsp = {0x00, static_cast<uint8_t>(v & 3), static_cast<uint8_t>((v >> 2) & 3), 0x00, 0x00,
                            static_cast<uint8_t>((v >> 4) & 3), static_cast<uint8_t>((v >> 6) & 3), 0x80};
        const auto escaped = test::Escape(rbsp);
        std::vector<uint8_t> back;
        UnescapeRbsp(escaped, back);
        EXPECT_EQ(back, rbsp) << v;
    }
}

}  // namespace
}  // namespace onair::codec::h264
