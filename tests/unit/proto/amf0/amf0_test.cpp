// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "onair/proto/amf0/amf0.h"

namespace onair::proto::amf0 {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Str(std::string_view s) { return Bytes(s.begin(), s.end()); }
Bytes Cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

struct Case {
    const char* name;
    Bytes bytes;
    Value value;
};

// One table drives decode, encode and round-trip (AMF0 spec §2 examples).
std::vector<Case> Cases() {
    return {
        {"number_one", {0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0}, Value::Number(1.0)},
        {"number_zero", {0x00, 0, 0, 0, 0, 0, 0, 0, 0}, Value::Number(0.0)},
        {"number_negative", {0x00, 0xC0, 0x04, 0, 0, 0, 0, 0, 0}, Value::Number(-2.5)},
        {"number_4096", {0x00, 0x40, 0xB0, 0, 0, 0, 0, 0, 0}, Value::Number(4096)},
        {"boolean_true", {0x01, 0x01}, Value::Boolean(true)},
        {"boolean_false", {0x01, 0x00}, Value::Boolean(false)},
        {"string", Cat({{0x02, 0x00, 0x07}, Str("connect")}), Value::String("connect")},
        {"string_empty", {0x02, 0x00, 0x00}, Value::String("")},
        {"string_utf8", Cat({{0x02, 0x00, 0x03}, Str("\xC3\xA9t")}), Value::String("\xC3\xA9t")},
        {"null", {0x05}, Value::Null()},
        {"undefined", {0x06}, Value::Undefined()},
        {"unsupported", {0x0D}, Value::Unsupported()},
        {"object", Cat({{0x03, 0x00, 0x03}, Str("app"), {0x02, 0x00, 0x04}, Str("live"), {0x00, 0x00, 0x09}}),
         Value::Object({{"app", Value::String("live")}})},
        {"object_empty", {0x03, 0x00, 0x00, 0x09}, Value::Object()},
        {"object_nested",
         Cat({{0x03, 0x00, 0x01}, Str("o"), {0x03, 0x00, 0x01}, Str("n"), {0x05, 0x00, 0x00, 0x09}, {0x00, 0x01},
              Str("b"), {0x01, 0x01}, {0x00, 0x00, 0x09}}),
         Value::Object({{"o", Value::Object({{"n", Value::Null()}})}, {"b", Value::Boolean(true)}})},
        {"ecma_array",
         Cat({{0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08}, Str("duration"), {0x00, 0, 0, 0, 0, 0, 0, 0, 0},
              {0x00, 0x00, 0x09}}),
         Value::EcmaArray({{"duration", Value::Number(0)}})},
        {"strict_array", Cat({{0x0A, 0x00, 0x00, 0x00, 0x02, 0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x01},
                              Str("a")}),
         Value::StrictArray({Value::Number(1), Value::String("a")})},
        {"strict_array_empty", {0x0A, 0x00, 0x00, 0x00, 0x00}, Value::StrictArray()},
        // 2021-01-01T00:00:00Z = 1609459200000 ms = 0x42776BB3E7000000 as an IEEE-754 double.
        {"date", {0x0B, 0x42, 0x77, 0x6B, 0xB3, 0xE7, 0x00, 0x00, 0x00, 0x00, 0x00},
         Value::Date(1609459200000.0)},
        {"xml", Cat({{0x0F, 0x00, 0x00, 0x00, 0x03}, Str("<a>")}), Value::XmlDocument("<a>")},
        {"typed_object", Cat({{0x10, 0x00, 0x03}, Str("Foo"), {0x00, 0x01}, Str("x"), {0x05, 0x00, 0x00, 0x09}}),
         Value::TypedObject("Foo", {{"x", Value::Null()}})},
    };
}

TEST(Amf0, DecodesEveryCase) {
    for (const auto& c : Cases()) {
        SCOPED_TRACE(c.name);
        auto r = DecodeAll(c.bytes);
        ASSERT_TRUE(r.ok()) << r.error().message;
        ASSERT_EQ(r->size(), 1u);
        EXPECT_EQ((*r)[0], c.value) << ToString((*r)[0]) << " vs " << ToString(c.value);
    }
}

TEST(Amf0, EncodesEveryCaseByteExact) {
    for (const auto& c : Cases()) {
        SCOPED_TRACE(c.name);
        Bytes out;
        Encode(c.value, out);
        EXPECT_EQ(out, c.bytes);
    }
}

TEST(Amf0, DateVectorIsTheIeeeDouble) {
    // Guards the table: the bytes above are the big-endian double of the value.
    const Bytes date_bytes{0x0B, 0x42, 0x77, 0x6B, 0xB3, 0xE7, 0x00, 0x00, 0x00, 0x00, 0x00};
    auto r = DecodeAll(date_bytes);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)[0].AsNumber(), 1609459200000.0);
    EXPECT_TRUE((*r)[0].IsDate());
}

TEST(Amf0, EveryStrictPrefixIsRejected) {
    for (const auto& c : Cases()) {
        for (size_t cut = 1; cut < c.bytes.size(); ++cut) {
            SCOPED_TRACE(std::string(c.name) + " cut " + std::to_string(cut));
            auto r = DecodeAll(std::span(c.bytes).first(cut));
            if (r.ok()) {
                // The only tolerated short form: an ECMA array whose end marker
                // is missing at the end of the message.
                EXPECT_EQ(std::string(c.name), "ecma_array");
                EXPECT_EQ(cut, c.bytes.size() - 3);
            } else {
                EXPECT_EQ(r.error().code, base::ErrorCode::kInvalidData);
            }
        }
    }
}

TEST(Amf0, LongStringUsesLongMarker) {
    std::string big(70000, 'x');
    Bytes out;
    Encode(Value::String(big), out);
    ASSERT_EQ(out.size(), 5 + big.size());
    EXPECT_EQ(out[0], 0x0C);
    EXPECT_EQ(out[1], 0x00);
    EXPECT_EQ(out[2], 0x01);
    EXPECT_EQ(out[3], 0x11);
    EXPECT_EQ(out[4], 0x70);
    auto r = DecodeAll(out);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)[0].AsString(), big);
    // Exactly 65535 still fits the short form.
    out.clear();
    Encode(Value::String(std::string(0xFFFF, 'y')), out);
    EXPECT_EQ(out[0], 0x02);
    EXPECT_EQ(out.size(), 3u + 0xFFFF);
}

TEST(Amf0, DecodesAConnectCommandAsFfmpegSendsIt) {
    Bytes bytes;
    EncodeString("connect", bytes);
    EncodeNumber(1, bytes);
    Encode(Value::Object({{"app", Value::String("live")},
                          {"type", Value::String("nonprivate")},
                          {"flashVer", Value::String("FMLE/3.0 (compatible; Lavf61.1.100)")},
                          {"tcUrl", Value::String("rtmp://localhost:1935/live")}}),
           bytes);
    // Hand-written prefix: 02 0007 "connect" 00 3FF0.. 03 0003 "app" 02 0004 "live"
    const Bytes prefix = Cat({{0x02, 0x00, 0x07}, Str("connect"), {0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0},
                              {0x03, 0x00, 0x03}, Str("app"), {0x02, 0x00, 0x04}, Str("live")});
    ASSERT_GE(bytes.size(), prefix.size());
    EXPECT_TRUE(std::equal(prefix.begin(), prefix.end(), bytes.begin()));
    auto r = DecodeAll(bytes);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->size(), 3u);
    EXPECT_EQ((*r)[0].AsString(), "connect");
    EXPECT_EQ((*r)[1].AsNumber(), 1.0);
    EXPECT_EQ((*r)[2].GetString("tcUrl"), "rtmp://localhost:1935/live");
    EXPECT_EQ((*r)[2].GetString("missing", "fallback"), "fallback");
    EXPECT_EQ((*r)[2].Get("missing"), nullptr);
}

TEST(Amf0, DepthLimit) {
    Limits limits;
    limits.max_depth = 4;
    auto nested = [](size_t n) {
        // n nested objects: 03 {k: 03 {k: ... null}}
        Bytes out;
        for (size_t i = 0; i < n; ++i) {
            out.push_back(0x03);
            if (i + 1 < n) out.insert(out.end(), {0x00, 0x01, 'k'});
        }
        out.insert(out.end(), {0x00, 0x01, 'k', 0x05});
        for (size_t i = 0; i < n; ++i) out.insert(out.end(), {0x00, 0x00, 0x09});
        return out;
    };
    EXPECT_TRUE(DecodeAll(nested(4), limits).ok());
    auto r = DecodeAll(nested(5), limits);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, base::ErrorCode::kLimitExceeded);
    // Default limit 16; a hostile 100000-deep input must fail, not overflow the stack.
    auto deep = DecodeAll(nested(100000));
    ASSERT_FALSE(deep.ok());
    EXPECT_EQ(deep.error().code, base::ErrorCode::kLimitExceeded);
    // Strict arrays count as nesting too.
    Bytes arrays;
    for (int i = 0; i < 20; ++i) arrays.insert(arrays.end(), {0x0A, 0x00, 0x00, 0x00, 0x01});
    arrays.push_back(0x05);
    EXPECT_EQ(DecodeAll(arrays).error().code, base::ErrorCode::kLimitExceeded);
}

TEST(Amf0, ItemLimit) {
    Limits limits;
    limits.max_items = 3;
    Bytes three{0x05, 0x05, 0x05};
    EXPECT_TRUE(DecodeAll(three, limits).ok());
    Bytes four{0x05, 0x05, 0x05, 0x05};
    EXPECT_EQ(DecodeAll(four, limits).error().code, base::ErrorCode::kLimitExceeded);
    // A strict array announcing 4 billion items fails before allocating.
    Bytes huge{0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x05};
    EXPECT_EQ(DecodeAll(huge).error().code, base::ErrorCode::kLimitExceeded);
    // Values inside objects count.
    Bytes obj{0x03, 0x00, 0x01, 'a', 0x05, 0x00, 0x01, 'b', 0x05, 0x00, 0x01, 'c', 0x05, 0x00, 0x00, 0x09};
    EXPECT_EQ(DecodeAll(obj, limits).error().code, base::ErrorCode::kLimitExceeded);
}

TEST(Amf0, StringLimit) {
    Limits limits;
    limits.max_string = 4;
    EXPECT_TRUE(DecodeAll(Cat({{0x02, 0x00, 0x04}, Str("live")}), limits).ok());
    EXPECT_EQ(DecodeAll(Cat({{0x02, 0x00, 0x05}, Str("lives")}), limits).error().code,
              base::ErrorCode::kLimitExceeded);
    // Property names are strings too.
    EXPECT_EQ(DecodeAll(Cat({{0x03, 0x00, 0x05}, Str("abcde"), {0x05, 0x00, 0x00, 0x09}}), limits).error().code,
              base::ErrorCode::kLimitExceeded);
    // A long string claiming 4 GiB fails on the limit, before reading.
    EXPECT_EQ(DecodeAll(Bytes{0x0C, 0xFF, 0xFF, 0xFF, 0xFF}).error().code, base::ErrorCode::kLimitExceeded);
}

TEST(Amf0, RejectsMalformedInput) {
    const std::vector<Bytes> bad = {
        {0x04},              // movie clip: reserved
        {0x0E},              // record set: reserved
        {0x12},              // past the last marker
        {0xFF},              //
        {0x09},              // object end outside an object
        {0x03, 0x00, 0x00},  // object end marker missing
        {0x03, 0x00, 0x01, 'a'},
        {0x0A, 0x00, 0x00, 0x00, 0x02, 0x05},  // array shorter than its count
    };
    for (const auto& b : bad) {
        auto r = DecodeAll(b);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, base::ErrorCode::kInvalidData) << r.error().message;
    }
    EXPECT_EQ(DecodeAll(Bytes{0x07, 0x00, 0x01}).error().code, base::ErrorCode::kUnsupported);  // reference
    EXPECT_EQ(DecodeAll(Bytes{0x11, 0x01}).error().code, base::ErrorCode::kUnsupported);        // AMF3
    Decoder empty({});
    EXPECT_FALSE(empty.Next().ok());
}

TEST(Amf0, ToleratesQuirks) {
    // Empty property name before a value (not an end marker): kept.
    auto r = DecodeAll(Bytes{0x03, 0x00, 0x00, 0x05, 0x00, 0x00, 0x09});
    ASSERT_TRUE(r.ok());
    ASSERT_EQ((*r)[0].AsProperties().size(), 1u);
    EXPECT_EQ((*r)[0].AsProperties()[0].first, "");
    // ECMA array whose count is wrong (a hint only): read to the end marker.
    auto e = DecodeAll(Bytes{0x08, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 'a', 0x05, 0x00, 0x00, 0x09});
    ASSERT_TRUE(e.ok());
    EXPECT_EQ((*e)[0].AsProperties().size(), 1u);
}

TEST(Amf0, AccessorsNeverThrowOnTheWrongType) {
    Value n = Value::Number(3);
    EXPECT_EQ(n.AsString(), "");
    EXPECT_FALSE(n.AsBoolean());
    EXPECT_TRUE(n.AsProperties().empty());
    EXPECT_TRUE(n.AsArray().empty());
    EXPECT_EQ(n.Get("x"), nullptr);
    EXPECT_EQ(Value::String("s").AsNumber(), 0.0);
    Value o;
    o.Set("a", Value::Number(1)).Set("b", Value::Number(2)).Set("a", Value::Number(3));
    EXPECT_TRUE(o.IsObject());
    ASSERT_EQ(o.AsProperties().size(), 2u);
    EXPECT_EQ(o.GetNumber("a"), 3.0);
    Value a;
    a.Push(Value::Null()).Push(Value::Boolean(true));
    EXPECT_EQ(a.AsArray().size(), 2u);
    EXPECT_EQ(ToString(Value::Object({{"k", Value::StrictArray({Value::Number(1), Value::String("x")})}})),
              "{k: [1, \"x\"]}");
}

TEST(Amf0, NumbersRoundTripBitExact) {
    for (double d : {0.0, -0.0, 1e300, -1e-300, 123456789.125, std::nan(""), std::numeric_limits<double>::infinity()}) {
        Bytes out;
        EncodeNumber(d, out);
        auto r = DecodeAll(out);
        ASSERT_TRUE(r.ok());
        const double back = (*r)[0].AsNumber();
        EXPECT_EQ(std::memcmp(&back, &d, sizeof d), 0);
    }
}

}  // namespace
}  // namespace onair::proto::amf0
