// SPDX-License-Identifier: Apache-2.0
#include "onair/format/ladder/ladder.h"

#include <gtest/gtest.h>

namespace onair::format::ladder {
namespace {

void ExpectRefused(std::string_view json, std::string_view says) {
    auto r = ParseLadder(json);
    ASSERT_FALSE(r.ok()) << json;
    EXPECT_NE(r.error().message.find(says), std::string::npos) << r.error().message;
}

TEST(Ladder, ParsesEveryField) {
    auto r = ParseLadder(R"([{"name":"720p","height":720,"video_kbps":2800,"max_kbps":3500,"profile":"high","max_fps":30},
                             {"name":"low","height":240,"video_kbps":300}])");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->renditions.size(), 2u);
    const auto& a = r->renditions[0];
    EXPECT_EQ(a.name, "720p");
    EXPECT_EQ(a.height, 720);
    EXPECT_EQ(a.video_kbps, 2800);
    EXPECT_EQ(a.max_kbps, 3500);
    EXPECT_EQ(a.profile, "high");
    EXPECT_EQ(a.max_fps, 30);
    const auto& b = r->renditions[1];
    EXPECT_EQ(b.profile, "main");
    EXPECT_EQ(b.max_kbps, 0);
    EXPECT_EQ(b.max_fps, 0);
    EXPECT_TRUE(ParseLadder("[]")->renditions.empty());  // the source alone
}

TEST(Ladder, WriteThenParseIsTheSame) {
    const Ladder d = DefaultLadder();
    auto r = ParseLadder(WriteLadder(d));
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->renditions.size(), d.renditions.size());
    for (size_t i = 0; i < d.renditions.size(); ++i) {
        EXPECT_EQ(r->renditions[i].name, d.renditions[i].name);
        EXPECT_EQ(r->renditions[i].height, d.renditions[i].height);
        EXPECT_EQ(r->renditions[i].video_kbps, d.renditions[i].video_kbps);
        EXPECT_EQ(r->renditions[i].profile, d.renditions[i].profile);
    }
}

TEST(Ladder, RefusesWithTheFieldNamed) {
    ExpectRefused("{", "not valid JSON");
    ExpectRefused("{}", "JSON array");
    ExpectRefused("[1]", "must be an object");
    ExpectRefused(R"([{"height":360,"video_kbps":800}])", "\"name\"");
    ExpectRefused(R"([{"name":"src","height":360,"video_kbps":800}])", "not \"src\"");
    ExpectRefused(R"([{"name":"A B","height":360,"video_kbps":800}])", "a-z");
    ExpectRefused(R"([{"name":"a","video_kbps":800}])", "rendition \"a\": \"height\" is required");
    ExpectRefused(R"([{"name":"a","height":361,"video_kbps":800}])", "even");
    ExpectRefused(R"([{"name":"a","height":32,"video_kbps":800}])", "64..4320");
    ExpectRefused(R"([{"name":"a","height":360,"video_kbps":"800"}])", "must be an integer");
    ExpectRefused(R"([{"name":"a","height":360,"video_kbps":800,"max_kbps":700}])", "at least");
    ExpectRefused(R"([{"name":"a","height":360,"video_kbps":800,"profile":"high10"}])", "baseline, main or high");
    ExpectRefused(R"([{"name":"a","height":360,"video_kbps":800,"bitrate":1}])", "unknown field \"bitrate\"");
    ExpectRefused(R"([{"name":"a","height":360,"video_kbps":800},{"name":"a","height":240,"video_kbps":400}])",
                  "listed twice");
    std::string nine = "[";
    for (int i = 0; i < 9; ++i) nine += std::string(i ? "," : "") + R"({"name":"r)" + std::to_string(i) +
                                        R"(","height":360,"video_kbps":800})";
    ExpectRefused(nine + "]", "at most 8");
    ExpectRefused(std::string(17 * 1024, ' '), "16 KiB");
}

TEST(Ladder, NeverUpscalesAndKeepsTheAspectRatio) {
    const Ladder d = DefaultLadder();
    auto p = PlanLadder(d, 1920, 1080);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0].width, 1280);
    EXPECT_EQ(p[0].height, 720);
    EXPECT_EQ(p[1].width, 854);  // 853.3: the nearest even
    EXPECT_EQ(p[2].width, 640);
    // A 720p source: the 720p rung is the source itself, not made again.
    p = PlanLadder(d, 1280, 720);
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].spec.name, "480p");
    // Smaller than every rung: the source alone.
    EXPECT_TRUE(PlanLadder(d, 320, 240).empty());
    EXPECT_TRUE(PlanLadder(d, 0, 0).empty());
    // Portrait: the width follows the aspect ratio.
    p = PlanLadder(d, 1080, 1920);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0].width, 406);  // 405: the nearest even, halves up
}

}  // namespace
}  // namespace onair::format::ladder
