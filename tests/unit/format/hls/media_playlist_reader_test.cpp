// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/media_playlist_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace onair::format::hls {
namespace {

base::ErrorCode ErrorOf(std::string_view text, const MediaPlaylistLimits& limits = {}) {
    auto r = ReadMediaPlaylist(text, limits);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? base::ErrorCode::kInternal : r.error().code;
}

TEST(MediaPlaylistReader, ReadsAThirdPartyLivePlaylist) {
    // CRLF, a title after the comma, comments, tags this model ignores.
    const auto r = ReadMediaPlaylist(
        "#EXTM3U\r\n"
        "#EXT-X-VERSION:6\r\n"
        "#EXT-X-TARGETDURATION:6\r\n"
        "#EXT-X-MEDIA-SEQUENCE:2680\r\n"
        "#EXT-X-DISCONTINUITY-SEQUENCE:2\r\n"
        "# a comment\r\n"
        "#EXT-X-KEY:METHOD=NONE\r\n"
        "\r\n"
        "#EXT-X-PROGRAM-DATE-TIME:2026-12-02T20:45:18.123+00:00\r\n"
        "#EXTINF:5.005,first title\r\n"
        "seg2680.ts\r\n"
        "#EXTINF:6\r\n"
        "seg2681.ts\r\n"
        "#EXT-X-DISCONTINUITY\r\n"
        "#EXTINF:4.1234567891234,\r\n"
        "#EXT-X-BYTERANGE:100@0\r\n"
        "seg2682.ts\r\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->version, 6);
    EXPECT_EQ(r->target_duration_seconds, 6);
    EXPECT_EQ(r->media_sequence, 2680u);
    EXPECT_EQ(r->discontinuity_sequence, 2u);
    EXPECT_FALSE(r->ended);
    ASSERT_EQ(r->segments.size(), 3u);
    EXPECT_EQ(r->segments[0].duration, 450450);
    EXPECT_EQ(r->segments[0].uri, "seg2680.ts");
    EXPECT_EQ(r->segments[0].program_date_time_ms, 1796244318123);
    EXPECT_FALSE(r->segments[0].discontinuity);
    EXPECT_EQ(r->segments[1].duration, 540000);
    EXPECT_FALSE(r->segments[1].program_date_time_ms);
    EXPECT_TRUE(r->segments[2].discontinuity);
    EXPECT_EQ(r->segments[2].duration, 371111);  // 4.1234567891 s, to the nearest tick
}

TEST(MediaPlaylistReader, EmptyButValid) {
    const auto r = ReadMediaPlaylist("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-ENDLIST");
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->ended);
    EXPECT_TRUE(r->segments.empty());
    EXPECT_EQ(r->version, 3);  // the model's default when the tag is absent
}

TEST(MediaPlaylistReader, MalformedInputIsInvalidData) {
    const std::string head = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n";
    for (const std::string& bad : {
             std::string(""),
             std::string("\n"),
             std::string("#EXTM3U"),  // no target duration
             std::string("#EXT-X-TARGETDURATION:2\n#EXTM3U\n"),
             std::string("\xEF\xBB\xBF#EXTM3U\n#EXT-X-TARGETDURATION:2\n"),
             std::string(" #EXTM3U\n#EXT-X-TARGETDURATION:2\n"),
             head + "a.ts\n",                           // URI without EXTINF
             head + "#EXTINF:2,\n",                     // EXTINF without URI
             head + "#EXTINF:2,\n#EXTINF:2,\na.ts\n",   // two EXTINF
             head + "#EXTINF:-2,\na.ts\n",
             head + "#EXTINF:.5,\na.ts\n",
             head + "#EXTINF:2.5.1,\na.ts\n",
             head + "#EXTINF:2e3,\na.ts\n",
             head + "#EXTINF:,\na.ts\n",
             head + "#EXTINF:99999999999,\na.ts\n",
             head + "#EXT-X-TARGETDURATION:3\n",
             std::string("#EXTM3U\n#EXT-X-TARGETDURATION:2.5\n"),
             std::string("#EXTM3U\n#EXT-X-TARGETDURATION:-1\n"),
             std::string("#EXTM3U\n#EXT-X-TARGETDURATION:\n"),
             head + "#EXT-X-VERSION:0\n",
             head + "#EXT-X-VERSION:3\n#EXT-X-VERSION:3\n",
             head + "#EXT-X-MEDIA-SEQUENCE:18446744073709551616\n",
             head + "#EXT-X-MEDIA-SEQUENCE:+1\n",
             head + "#EXTINF:2,\na.ts\n#EXT-X-MEDIA-SEQUENCE:1\n",
             head + "#EXT-X-DISCONTINUITY-SEQUENCE:x\n",
             head + "#EXT-X-PLAYLIST-TYPE:LIVE\n",
             head + "#EXT-X-PROGRAM-DATE-TIME:yesterday\n#EXTINF:2,\na.ts\n",
             head + "#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n",
             head + "#EXTINF:2,\na\"b.ts\n",
             head + "#EXTINF:2,\na\x01.ts\n",
         }) {
        EXPECT_EQ(ErrorOf(bad), base::ErrorCode::kInvalidData) << bad;
    }
}

TEST(MediaPlaylistReader, ErrorsNameTheLine) {
    auto r = ReadMediaPlaylist("#EXTM3U\n#EXT-X-TARGETDURATION:2\n\n#EXTINF:x,\na.ts\n");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "playlist line 4: bad EXTINF duration");
}

TEST(MediaPlaylistReader, Limits) {
    std::string text = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n";
    for (int i = 0; i < 10; ++i) text += "#EXTINF:2,\n" + std::to_string(i) + ".ts\n";
    MediaPlaylistLimits limits;
    limits.max_segments = 10;
    EXPECT_TRUE(ReadMediaPlaylist(text, limits).ok());
    limits.max_segments = 9;
    EXPECT_EQ(ErrorOf(text, limits), base::ErrorCode::kLimitExceeded);
    limits = {};
    limits.max_bytes = text.size() - 1;
    EXPECT_EQ(ErrorOf(text, limits), base::ErrorCode::kLimitExceeded);
    limits = {};
    limits.max_uri_bytes = 4;
    EXPECT_EQ(ErrorOf(text + "#EXTINF:2,\n12345\n", limits), base::ErrorCode::kLimitExceeded);
}

}  // namespace
}  // namespace onair::format::hls
