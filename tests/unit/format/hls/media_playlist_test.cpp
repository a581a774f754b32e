// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/media_playlist.h"

#include <gtest/gtest.h>

#include "onair/format/hls/media_playlist_reader.h"

namespace onair::format::hls {
namespace {

MediaSegment Seg(int64_t ticks, std::string uri, bool discontinuity = false,
                 std::optional<int64_t> pdt = std::nullopt) {
    MediaSegment s;
    s.duration = ticks;
    s.uri = std::move(uri);
    s.discontinuity = discontinuity;
    s.program_date_time_ms = pdt;
    return s;
}

TEST(MediaPlaylist, LiveWindowWithDiscontinuityAndDates) {
    MediaPlaylist p;
    p.target_duration_seconds = 2;
    p.media_sequence = 41;
    p.discontinuity_sequence = 3;
    p.independent_segments = true;
    p.segments = {Seg(180180, "41.ts", false, 1796244318123),
                  Seg(179820, "42.ts", false, 1796244320125),
                  Seg(45000, "43.ts", true, 1796244330000)};
    EXPECT_EQ(WriteMediaPlaylist(p),
              "#EXTM3U\n"
              "#EXT-X-VERSION:3\n"
              "#EXT-X-TARGETDURATION:2\n"
              "#EXT-X-MEDIA-SEQUENCE:41\n"
              "#EXT-X-DISCONTINUITY-SEQUENCE:3\n"
              "#EXT-X-INDEPENDENT-SEGMENTS\n"
              "#EXT-X-PROGRAM-DATE-TIME:2026-12-02T20:45:18.123Z\n"
              "#EXTINF:2.002,\n"
              "41.ts\n"
              "#EXT-X-PROGRAM-DATE-TIME:2026-12-02T20:45:20.125Z\n"
              "#EXTINF:1.998,\n"
              "42.ts\n"
              "#EXT-X-DISCONTINUITY\n"
              "#EXT-X-PROGRAM-DATE-TIME:2026-12-02T20:45:30.000Z\n"
              "#EXTINF:0.500,\n"
              "43.ts\n");
}

TEST(MediaPlaylist, EndedVodWithoutOptionalTags) {
    MediaPlaylist p;
    p.target_duration_seconds = 9;
    p.playlist_type = PlaylistType::kVod;
    p.ended = true;
    p.segments = {Seg(750000, "0.ts"), Seg(44, "1.ts"), Seg(45, "2.ts")};
    EXPECT_EQ(WriteMediaPlaylist(p),
              "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:9\n#EXT-X-MEDIA-SEQUENCE:0\n"
              "#EXT-X-PLAYLIST-TYPE:VOD\n"
              "#EXTINF:8.333,\n0.ts\n"
              "#EXTINF:0.000,\n1.ts\n"   // 44 ticks: under half a millisecond
              "#EXTINF:0.001,\n2.ts\n"   // 45 ticks: rounds up
              "#EXT-X-ENDLIST\n");
}

TEST(MediaPlaylist, IntegerDurationsBeforeVersion3) {
    MediaPlaylist p;
    p.version = 2;
    p.target_duration_seconds = 3;
    p.playlist_type = PlaylistType::kEvent;
    p.segments = {Seg(224955, "a.ts"), Seg(225000, "b.ts")};  // 2.4995 s, 2.5 s
    EXPECT_EQ(WriteMediaPlaylist(p),
              "#EXTM3U\n#EXT-X-VERSION:2\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:0\n"
              "#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:3,\na.ts\n#EXTINF:3,\nb.ts\n");
}

TEST(MediaPlaylist, RoundTripsThroughTheReader) {
    MediaPlaylist p;
    p.target_duration_seconds = 4;
    p.media_sequence = 18446744073709551615u;
    p.discontinuity_sequence = 7;
    p.independent_segments = true;
    p.ended = true;
    p.playlist_type = PlaylistType::kEvent;
    p.segments = {Seg(360000, "https://cdn.example/a/1.ts?x=1", true, 0),
                  Seg(90, "2.ts", false, std::nullopt), Seg(2 * 90000 + 27, "3.ts", true, -86400000)};
    auto read = ReadMediaPlaylist(WriteMediaPlaylist(p));
    ASSERT_TRUE(read.ok()) << read.error().message;
    // Durations come back at millisecond precision.
    p.segments[2].duration = 2 * 90000;
    EXPECT_EQ(*read, p);
}

}  // namespace
}  // namespace onair::format::hls
