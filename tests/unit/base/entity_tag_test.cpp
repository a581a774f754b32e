// SPDX-License-Identifier: Apache-2.0
#include "onair/base/entity_tag.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace onair::base {
namespace {

struct Case {
    std::string_view header;
    std::string_view etag;
    bool match;
};

void ExpectIfNoneMatch(std::initializer_list<Case> cases) {
    for (const Case& c : cases) EXPECT_EQ(IfNoneMatchMatches(c.header, c.etag), c.match) << c.header << " ~ " << c.etag;
}

void ExpectIfRange(std::initializer_list<Case> cases) {
    for (const Case& c : cases) EXPECT_EQ(IfRangeMatches(c.header, c.etag), c.match) << c.header << " ~ " << c.etag;
}

TEST(EntityTag, IfNoneMatchUsesTheWeakComparison) {
    ExpectIfNoneMatch({
        {R"("abc")", R"("abc")", true},
        {R"(W/"abc")", R"("abc")", true},
        {R"("abc")", R"(W/"abc")", true},
        {R"(W/"abc")", R"(W/"abc")", true},
        {R"("abd")", R"("abc")", false},
        {R"("ABC")", R"("abc")", false},
        {R"("abc")", "", false},
    });
}

TEST(EntityTag, IfNoneMatchListsAndStar) {
    ExpectIfNoneMatch({
        {R"("x", "y", "abc")", R"("abc")", true},
        {R"("x",W/"abc")", R"("abc")", true},
        {R"( , "x" ,, "abc" )", R"("abc")", true},
        {R"("a,b")", R"("a,b")", true},
        {R"("x", "y")", R"("abc")", false},
        {"*", R"("abc")", true},
        {" * ", "", true},
        {"*, \"abc\"", R"("abc")", false},
    });
}

TEST(EntityTag, IfNoneMatchMalformedMatchesOnlyTheWellFormedStart) {
    ExpectIfNoneMatch({
        {"abc", R"("abc")", false},
        {R"("abc)", R"("abc")", false},
        {R"(w/"abc")", R"("abc")", false},
        {R"(x, "abc")", R"("abc")", false},
        {R"("abc", x)", R"("abc")", true},
    });
    EXPECT_FALSE(IfNoneMatchMatches(R"("abc")", "abc")) << "our own tag unquoted: nothing to compare";
}

TEST(EntityTag, IfRangeUsesTheStrongComparison) {
    ExpectIfRange({
        {R"("abc")", R"("abc")", true},
        {R"( "abc" )", R"("abc")", true},
        {R"(W/"abc")", R"("abc")", false},
        {R"("abc")", R"(W/"abc")", false},
        {R"(W/"abc")", R"(W/"abc")", false},
        {R"("abd")", R"("abc")", false},
    });
    EXPECT_FALSE(IfRangeMatches(R"("abc", "abc")", R"("abc")")) << "one entity-tag, not a list";
    EXPECT_FALSE(IfRangeMatches("*", R"("abc")"));
    EXPECT_FALSE(IfRangeMatches("Fri, 04 Dec 2026 18:00:00 GMT", R"("abc")")) << "no Last-Modified to compare";
    EXPECT_FALSE(IfRangeMatches(R"("abc")", ""));
}

// Every cut of a matching value matches only when whole.
TEST(EntityTag, EveryPrefixOfAMatchingValue) {
    const std::string tag = R"("33a64df5")";
    const std::string list = R"("x", W/"33a64df5")";
    for (size_t cut = 0; cut < list.size(); ++cut) {
        EXPECT_FALSE(IfNoneMatchMatches(std::string_view(list.data(), cut), tag)) << cut;
    }
    EXPECT_TRUE(IfNoneMatchMatches(list, tag));
    for (size_t cut = 0; cut < tag.size(); ++cut) {
        EXPECT_FALSE(IfRangeMatches(std::string_view(tag.data(), cut), tag)) << cut;
    }
    EXPECT_TRUE(IfRangeMatches(tag, tag));
}

// FNV-1a 64 test vectors (Fowler/Noll/Vo): "" and "a", "foobar".
TEST(EntityTag, ContentTagIsTheFnv1aOfTheBytesQuoted) {
    static_assert(Fnv1a64("") == 0xcbf29ce484222325ull);
    static_assert(Fnv1a64("a") == 0xaf63dc4c8601ec8cull);
    static_assert(Fnv1a64("foobar") == 0x85944171f73967e8ull);
    EXPECT_EQ(ContentTag("foobar"), "\"85944171f73967e8\"");
    EXPECT_TRUE(IfNoneMatchMatches(ContentTag("x"), ContentTag("x")));
    EXPECT_NE(ContentTag("x"), ContentTag("y"));
}

}  // namespace
}  // namespace onair::base
