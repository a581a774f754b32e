// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/multivariant_playlist.h"

#include <gtest/gtest.h>

#include <limits>

namespace onair::format::hls {
namespace {

TEST(MultivariantPlaylist, OneVariantWithEveryAttribute) {
    Variant v;
    v.uri = "src/index.m3u8";
    v.bandwidth = 2500000;
    v.average_bandwidth = 2100000;
    v.width = 1280;
    v.height = 720;
    v.frame_rate = 29.97002997;
    v.codecs = {"avc1.64001f", "mp4a.40.2"};
    MultivariantPlaylist p;
    p.variants.push_back(v);
    EXPECT_EQ(WriteMultivariantPlaylist(p),
              "#EXTM3U\n"
              "#EXT-X-VERSION:3\n"
              "#EXT-X-INDEPENDENT-SEGMENTS\n"
              "#EXT-X-STREAM-INF:BANDWIDTH=2500000,AVERAGE-BANDWIDTH=2100000,RESOLUTION=1280x720,"
              "FRAME-RATE=29.970,CODECS=\"avc1.64001f,mp4a.40.2\"\n"
              "src/index.m3u8\n");
}

TEST(MultivariantPlaylist, OptionalAttributesAreOmitted) {
    Variant audio;
    audio.uri = "audio/index.m3u8";
    audio.bandwidth = 130000;
    audio.codecs = {"", "mp4a.40.2"};
    Variant video;
    video.uri = "720p/index.m3u8";
    video.bandwidth = 0;
    video.width = 1280;  // no height: no RESOLUTION
    video.frame_rate = 30;
    MultivariantPlaylist p;
    p.independent_segments = false;
    p.variants = {audio, video};
    EXPECT_EQ(WriteMultivariantPlaylist(p),
              "#EXTM3U\n"
              "#EXT-X-VERSION:3\n"
              "#EXT-X-STREAM-INF:BANDWIDTH=130000,CODECS=\"mp4a.40.2\"\n"
              "audio/index.m3u8\n"
              "#EXT-X-STREAM-INF:BANDWIDTH=0,FRAME-RATE=30.000\n"
              "720p/index.m3u8\n");
}

TEST(MultivariantPlaylist, FrameRateRoundsToThreeDecimals) {
    Variant v;
    v.uri = "a";
    v.frame_rate = 59.9994;
    MultivariantPlaylist p;
    p.variants = {v};
    EXPECT_NE(WriteMultivariantPlaylist(p).find("FRAME-RATE=59.999\n"), std::string::npos);
    p.variants[0].frame_rate = 23.9765;
    EXPECT_NE(WriteMultivariantPlaylist(p).find("FRAME-RATE=23.977\n"), std::string::npos);
    for (double bad : {-1.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
        p.variants[0].frame_rate = bad;
        EXPECT_EQ(WriteMultivariantPlaylist(p).find("FRAME-RATE"), std::string::npos);
    }
}

TEST(MultivariantPlaylist, CharactersThatWouldBreakTheSyntaxAreDropped) {
    Variant v;
    v.uri = "a\r\nb.m3u8";
    v.codecs = {"avc1\"x"};
    MultivariantPlaylist p;
    p.variants = {v};
    EXPECT_EQ(WriteMultivariantPlaylist(p),
              "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n"
              "#EXT-X-STREAM-INF:BANDWIDTH=0,CODECS=\"avc1x\"\nab.m3u8\n");
}

}  // namespace
}  // namespace onair::format::hls
