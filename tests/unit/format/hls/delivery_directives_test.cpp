// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/delivery_directives.h"

#include <gtest/gtest.h>

#include "unit/format/hls/ll_hls_support.h"

namespace onair::format::hls {
namespace {

TEST(DeliveryDirectives, ParsesTheDirectivesAndIgnoresTheRest) {
    auto d = ParseDeliveryDirectives("token=abc&_HLS_part=2&&_HLS_msn=273&_HLS_skip=v2&_HLS_other=1&x");
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->msn, 273u);
    EXPECT_EQ(d->part, 2u);
    EXPECT_EQ(d->skip, SkipRequest::kV2);
    EXPECT_TRUE(d->Blocking());
    EXPECT_EQ(CanonicalDirectiveQuery(*d), "_HLS_msn=273&_HLS_part=2&_HLS_skip=v2");
    EXPECT_EQ(PlaylistCacheKey("/hls/a/index.m3u8", *d), "/hls/a/index.m3u8?_HLS_msn=273&_HLS_part=2&_HLS_skip=v2");

    auto none = ParseDeliveryDirectives("");
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->Blocking());
    EXPECT_EQ(PlaylistCacheKey("/p.m3u8", *none), "/p.m3u8");
    auto skip = ParseDeliveryDirectives("_HLS_skip=YES");
    ASSERT_TRUE(skip.ok());
    EXPECT_EQ(PlaylistCacheKey("/p.m3u8", *skip), "/p.m3u8?_HLS_skip=YES");
    auto max = ParseDeliveryDirectives("_HLS_msn=18446744073709551615");
    ASSERT_TRUE(max.ok());
    EXPECT_EQ(max->msn, 18446744073709551615u);
}

TEST(DeliveryDirectives, ErrorsSayWhatIsWrong) {
    for (const auto& [query, message] : std::initializer_list<std::pair<const char*, const char*>>{
             {"_HLS_part=1", "_HLS_part without _HLS_msn"},
             {"_HLS_msn=", "_HLS_msn is not a decimal-integer"},
             {"_HLS_msn", "_HLS_msn is not a decimal-integer"},
             {"_HLS_msn=-1", "_HLS_msn is not a decimal-integer"},
             {"_HLS_msn=+1", "_HLS_msn is not a decimal-integer"},
             {"_HLS_msn=1.0", "_HLS_msn is not a decimal-integer"},
             {"_HLS_msn=18446744073709551616", "_HLS_msn is not a decimal-integer"},
             {"_HLS_msn=1&_HLS_part=x", "_HLS_part is not a decimal-integer"},
             {"_HLS_msn=1&_HLS_msn=1", "_HLS_msn given twice"},
             {"_HLS_msn=1&_HLS_part=1&_HLS_part=1", "_HLS_part given twice"},
             {"_HLS_skip=yes", "_HLS_skip is neither YES nor v2"},
             {"_HLS_skip=YES&_HLS_skip=YES", "_HLS_skip given twice"},
         }) {
        auto d = ParseDeliveryDirectives(query);
        ASSERT_FALSE(d.ok()) << query;
        EXPECT_EQ(d.error().code, base::ErrorCode::kInvalidData) << query;
        EXPECT_EQ(d.error().message, message) << query;
    }
}

TEST(DeliveryDirectives, Limits) {
    DirectiveLimits limits;
    limits.max_query_bytes = 10;
    EXPECT_EQ(ParseDeliveryDirectives("_HLS_msn=12", limits).error().code, base::ErrorCode::kLimitExceeded);
    EXPECT_TRUE(ParseDeliveryDirectives("_HLS_msn=1", limits).ok());
    limits = {};
    limits.max_parameters = 2;
    EXPECT_TRUE(ParseDeliveryDirectives("a=1&b=2", limits).ok());
    EXPECT_EQ(ParseDeliveryDirectives("a=1&b=2&c", limits).error().code, base::ErrorCode::kLimitExceeded);
}

TEST(DeliveryDirectives, BlockingAnswers) {
    const MediaPlaylist p = testing::DraftLikeLowLatencyPlaylist();  // 266..272 complete, 273 has parts 0..2
    auto answer = [&](std::optional<uint64_t> msn, std::optional<uint64_t> part) {
        return AnswerBlockingRequest(DeliveryDirectives{msn, part, SkipRequest::kNone}, p);
    };
    EXPECT_EQ(answer(std::nullopt, std::nullopt), BlockingAnswer::kReady);
    EXPECT_EQ(answer(272, std::nullopt), BlockingAnswer::kReady);
    EXPECT_EQ(answer(273, std::nullopt), BlockingAnswer::kWait);  // not complete
    EXPECT_EQ(answer(273, 2), BlockingAnswer::kReady);
    EXPECT_EQ(answer(273, 3), BlockingAnswer::kWait);
    // PART-TARGET 30000 ticks (1/3 s): the Advance Part Limit is 9 parts
    // past the last one listed (part 2 of 273).
    EXPECT_EQ(answer(273, 11), BlockingAnswer::kWait);
    EXPECT_EQ(answer(273, 12), BlockingAnswer::kTooFar);
    EXPECT_EQ(answer(274, 8), BlockingAnswer::kWait);
    EXPECT_EQ(answer(274, 9), BlockingAnswer::kTooFar);
    EXPECT_EQ(answer(274, std::nullopt), BlockingAnswer::kWait);
    EXPECT_EQ(answer(275, std::nullopt), BlockingAnswer::kTooFar);  // last segment 272 + 2 = 274
    MediaPlaylist ended = p;
    ended.ended = true;
    EXPECT_EQ(AnswerBlockingRequest(DeliveryDirectives{400, 1, SkipRequest::kNone}, ended), BlockingAnswer::kReady);
}

}  // namespace
}  // namespace onair::format::hls
