// SPDX-License-Identifier: Apache-2.0
#include "onair/base/form_urlencoded.h"

#include <gtest/gtest.h>

namespace onair::base {
namespace {

FormFields Parse(std::string_view body) {
    auto f = ParseForm(body);
    EXPECT_TRUE(f.ok()) << f.error().message;
    return f.ok() ? *f : FormFields{};
}

TEST(FormUrlencoded, SplitsInOrderKeepingDuplicates) {
    const FormFields want = {{"a", "1"}, {"b", ""}, {"a", "2"}, {"flag", ""}, {"", "x"}, {"c", "x=y"}};
    EXPECT_EQ(Parse("a=1&b=&a=2&flag&=x&c=x=y"), want);
}

TEST(FormUrlencoded, SkipsEmptyPieces) {
    const FormFields want = {{"a", "1"}, {"b", "2"}};
    EXPECT_EQ(Parse("&a=1&&b=2&"), want);
    EXPECT_TRUE(Parse("").empty());
    EXPECT_TRUE(Parse("&&&").empty());
}

TEST(FormUrlencoded, DecodesPlusAndEscapesInNamesAndValues) {
    const FormFields want = {{"a b", "FMLE/3.0 (compatible; Lavf59.27"}, {"k", "a+b&c=d"}, {"u", "\xc3\xa9"}};
    EXPECT_EQ(Parse("a+b=FMLE/3.0%20(compatible%3b%20Lavf59.27&k=a%2Bb%26c%3Dd&u=%C3%a9"), want);
}

TEST(FormUrlencoded, RejectsMalformedEscapesNamingTheFieldNotItsContent) {
    for (std::string_view bad : {"a=1&b=%", "a=1&b=%4", "a=1&b=x%zz", "a=1&b=%4g", "a=1&%=1", "a=1&b=%%41"}) {
        auto f = ParseForm(bad);
        ASSERT_FALSE(f.ok()) << bad;
        EXPECT_EQ(f.error().code, ErrorCode::kInvalidData) << bad;
        EXPECT_EQ(f.error().message, "form field 2: '%' not followed by two hex digits") << bad;
    }
    auto secret = ParseForm("name=sk_secret%zz");
    ASSERT_FALSE(secret.ok());
    EXPECT_EQ(secret.error().message.find("sk_secret"), std::string::npos);
}

TEST(FormUrlencoded, RejectsNul) {
    auto f = ParseForm("a=x%00y");
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().code, ErrorCode::kInvalidData);
    EXPECT_NE(f.error().message.find("NUL"), std::string::npos);
    // A raw NUL too: what EncodeForm would write as %00 must not parse
    // differently from it (found by base_form_fuzz).
    auto raw = ParseForm(std::string_view("a=x\0y", 5));
    ASSERT_FALSE(raw.ok());
    EXPECT_EQ(raw.error().code, ErrorCode::kInvalidData);
}

TEST(FormUrlencoded, LimitsFieldCount) {
    std::string body;
    for (int i = 0; i < 64; ++i) body += "f" + std::to_string(i) + "=v&";
    EXPECT_EQ(Parse(body).size(), 64u);
    auto f = ParseForm(body + "one=more");
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().code, ErrorCode::kLimitExceeded);
    EXPECT_EQ(f.error().message, "form has more than 64 fields");
    EXPECT_TRUE(ParseForm(body + "&&&").ok());  // empty pieces are not fields
}

TEST(FormUrlencoded, LimitsDecodedLength) {
    const std::string max(4096, 'v');
    EXPECT_EQ(Parse("a=" + max)[0].second.size(), 4096u);
    std::string escaped;
    for (int i = 0; i < 4096; ++i) escaped += "%41";  // 12 KB on the wire, 4 KB decoded
    EXPECT_EQ(Parse("a=" + escaped)[0].second, std::string(4096, 'A'));
    auto value = ParseForm("a=1&b=" + max + "v");
    ASSERT_FALSE(value.ok());
    EXPECT_EQ(value.error().code, ErrorCode::kLimitExceeded);
    EXPECT_EQ(value.error().message, "form field 2: longer than 4096 bytes");
    auto name = ParseForm(max + "n=1");
    ASSERT_FALSE(name.ok());
    EXPECT_EQ(name.error().code, ErrorCode::kLimitExceeded);
}

TEST(FormUrlencoded, CustomLimits) {
    FormLimits limits;
    limits.max_fields = 2;
    limits.max_value_bytes = 3;
    EXPECT_TRUE(ParseForm("a=123&b=456", limits).ok());
    EXPECT_FALSE(ParseForm("a=1&b=2&c=3", limits).ok());
    EXPECT_FALSE(ParseForm("a=1234", limits).ok());
}

TEST(FormUrlencoded, EncodesWhatParsesBack) {
    const FormFields fields = {{"x", "a b+c"}, {"k&=", "%/?\xff"}, {"e", ""}, {"t", "A-z_0.9~"}};
    const std::string encoded = EncodeForm(fields);
    EXPECT_EQ(encoded, "x=a%20b%2Bc&k%26%3D=%25%2F%3F%FF&e=&t=A-z_0.9~");
    EXPECT_EQ(Parse(encoded), fields);
    EXPECT_EQ(EncodeForm({}), "");
}

TEST(FormUrlencoded, FormValueIsTheFirst) {
    const FormFields f = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
    EXPECT_EQ(FormValue(f, "a"), "1");
    EXPECT_EQ(FormValue(f, "b"), "2");
    EXPECT_FALSE(FormValue(f, "c").has_value());
}

}  // namespace
}  // namespace onair::base
