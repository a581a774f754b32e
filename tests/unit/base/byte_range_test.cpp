// SPDX-License-Identifier: Apache-2.0
#include "onair/base/byte_range.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace onair::base {
namespace {

using Kind = RangeRequest::Kind;

RangeRequest Partial(uint64_t first, uint64_t last) { return {Kind::kPartial, {first, last}}; }
const RangeRequest kWhole{};
const RangeRequest kUnsatisfiable{Kind::kUnsatisfiable, {}};

struct Case {
    std::string_view value;
    uint64_t size;
    RangeRequest want;
};

void ExpectAll(std::initializer_list<Case> cases) {
    for (const Case& c : cases) EXPECT_EQ(ResolveRange(c.value, c.size), c.want) << c.value << " of " << c.size;
}

TEST(ByteRange, TheThreeFormsOfOneRange) {
    ExpectAll({
        {"bytes=0-0", 1000, Partial(0, 0)},
        {"bytes=100-199", 1000, Partial(100, 199)},
        {"bytes=999-999", 1000, Partial(999, 999)},
        {"bytes=500-", 1000, Partial(500, 999)},
        {"bytes=-1", 1000, Partial(999, 999)},
        {"bytes=-300", 1000, Partial(700, 999)},
        {"bytes=0-", 1, Partial(0, 0)},
    });
    EXPECT_EQ(Partial(100, 199).range.length(), 100u);
}

TEST(ByteRange, PastTheEndIsClampedASuffixLongerThanTheWholeIsTheWhole) {
    ExpectAll({
        {"bytes=900-5000", 1000, Partial(900, 999)},
        {"bytes=0-99999999999999999999999", 1000, Partial(0, 999)},
        {"bytes=-1000", 1000, Partial(0, 999)},
        {"bytes=-5000", 1000, Partial(0, 999)},
        {"bytes=-99999999999999999999999", 1000, Partial(0, 999)},
    });
}

TEST(ByteRange, StartingAtOrPastTheEndIsUnsatisfiable) {
    ExpectAll({
        {"bytes=1000-", 1000, kUnsatisfiable},
        {"bytes=1000-1000", 1000, kUnsatisfiable},
        {"bytes=5000-6000", 1000, kUnsatisfiable},
        {"bytes=99999999999999999999999-", 1000, kUnsatisfiable},
        {"bytes=-0", 1000, kUnsatisfiable},
        // An empty representation: no int-range overlaps it; a suffix selects nothing to name.
        {"bytes=0-", 0, kUnsatisfiable},
        {"bytes=0-10", 0, kUnsatisfiable},
        {"bytes=-10", 0, kWhole},
        {"bytes=-0", 0, kUnsatisfiable},
    });
}

TEST(ByteRange, UnitCaseWhitespaceAndEmptyListElements) {
    ExpectAll({
        {"BYTES=1-2", 10, Partial(1, 2)},
        {"Bytes=1-2", 10, Partial(1, 2)},
        {"  bytes=1-2\t ", 10, Partial(1, 2)},
        {"bytes= 1-2 ", 10, Partial(1, 2)},
        {"bytes=1-2,", 10, Partial(1, 2)},
        {"bytes=, ,1-2 , ", 10, Partial(1, 2)},
    });
}

TEST(ByteRange, MalformedMultipleOrOtherUnitsAreIgnored) {
    for (std::string_view bad : {"", "bytes", "bytes=", "bytes=-", "bytes=,", "bytes=abc", "bytes=1", "bytes=1-2-3",
                                 "bytes=--1", "bytes=1--2", "bytes=+1-2", "bytes=1-+2", "bytes=0x1-2", "bytes=1 -2",
                                 "bytes=1- 2", "bytes =1-2", "bytes:1-2", "items=1-2", "byte=1-2", "bytesx=1-2",
                                 "=1-2", "bytes=5-3", "bytes=1-2,3-4", "bytes=1-2, -5", "bytes=0-0,0-0",
                                 "bytes=-1,-2", "bytes=1-2;x", "bytes=\xff-1"}) {
        EXPECT_EQ(ResolveRange(bad, 1000), kWhole) << bad;
    }
}

TEST(ByteRange, AValueOverTheLimitIsIgnored) {
    const std::string padded = "bytes=" + std::string(194 - 6, ' ') + "1-2";  // 194 + 3 = 197 bytes
    ASSERT_LE(padded.size(), 200u);
    EXPECT_EQ(ResolveRange(padded, 10), Partial(1, 2));
    const std::string at_limit = std::string(200 - padded.size(), ' ') + padded;
    ASSERT_EQ(at_limit.size(), 200u);
    EXPECT_EQ(ResolveRange(at_limit, 10), Partial(1, 2));
    EXPECT_EQ(ResolveRange(" " + at_limit, 10), kWhole);
    RangeLimits tight;
    tight.max_header_bytes = 8;
    EXPECT_EQ(ResolveRange("bytes=1-", 10, tight), Partial(1, 9));
    EXPECT_EQ(ResolveRange("bytes=1-2", 10, tight), kWhole);
}

// Every cut of a valid value: a prefix is whole-or-a-range, never past the end;
// the known prefixes give exactly what they say.
TEST(ByteRange, EveryPrefixOfAValueIsResolvedSafely) {
    const std::string value = "bytes=100-199";
    for (size_t cut = 0; cut <= value.size(); ++cut) {
        const std::string_view prefix(value.data(), cut);
        const RangeRequest r = ResolveRange(prefix, 1000);
        if (prefix == "bytes=100-") {
            EXPECT_EQ(r, Partial(100, 999));
        } else if (prefix == "bytes=100-1") {
            EXPECT_EQ(r, kWhole) << "last-pos 1 < first-pos 100";
        } else if (prefix == "bytes=100-19") {
            EXPECT_EQ(r, kWhole);
        } else if (prefix == value) {
            EXPECT_EQ(r, Partial(100, 199));
        } else {
            EXPECT_EQ(r, kWhole) << prefix;
        }
    }
    // The same for a suffix range: "-" alone and "bytes=" are nothing; each digit added is a longer suffix.
    const std::string suffix = "bytes=-250";
    EXPECT_EQ(ResolveRange(suffix.substr(0, 7), 1000), kWhole);
    EXPECT_EQ(ResolveRange(suffix.substr(0, 8), 1000), Partial(998, 999));
    EXPECT_EQ(ResolveRange(suffix.substr(0, 9), 1000), Partial(975, 999));
    EXPECT_EQ(ResolveRange(suffix, 1000), Partial(750, 999));
}

// Every byte of a valid value replaced by every other byte: whatever comes
// out stays inside the representation.
TEST(ByteRange, EveryOneByteMutationStaysInBounds) {
    const std::string value = "bytes=10-19";
    for (size_t i = 0; i < value.size(); ++i) {
        for (int c = 0; c < 256; ++c) {
            std::string v = value;
            v[i] = static_cast<char>(c);
            const RangeRequest r = ResolveRange(v, 50);
            if (r.kind == Kind::kPartial) {
                EXPECT_LE(r.range.first, r.range.last) << v;
                EXPECT_LT(r.range.last, 50u) << v;
            }
        }
    }
}

TEST(ByteRange, TheLargestSizes) {
    const uint64_t max = UINT64_MAX;
    ExpectAll({
        {"bytes=0-", max, Partial(0, max - 1)},
        {"bytes=-1", max, Partial(max - 1, max - 1)},
        {"bytes=18446744073709551614-", max, Partial(max - 1, max - 1)},
        {"bytes=18446744073709551615-", max, kUnsatisfiable},
    });
}

}  // namespace
}  // namespace onair::base
