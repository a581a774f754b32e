// SPDX-License-Identifier: Apache-2.0
#include "onair/router/gop_cache.h"

#include <gtest/gtest.h>

namespace onair::router {
namespace {

media::Packet Video(bool key, size_t bytes) {
    media::Packet p;
    p.kind = media::TrackKind::kVideo;
    p.keyframe = key;
    p.payload = base::SharedBuffer::Adopt(std::vector<uint8_t>(bytes, 0));
    return p;
}

media::Packet Audio() {
    media::Packet p;
    p.kind = media::TrackKind::kAudio;
    p.payload = base::SharedBuffer::Adopt(std::vector<uint8_t>(10, 0));
    return p;
}

TEST(GopCache, StartsAtLatestKeyframe) {
    GopCache cache(1 << 20);
    cache.Add(Audio(), true);  // before any keyframe: not cached
    cache.Add(Video(false, 10), true);
    EXPECT_TRUE(cache.packets().empty());
    cache.Add(Video(true, 10), true);
    cache.Add(Audio(), true);
    cache.Add(Video(false, 10), true);
    EXPECT_EQ(cache.packets().size(), 3u);
    cache.Add(Video(true, 10), true);
    ASSERT_EQ(cache.packets().size(), 1u);
    EXPECT_TRUE(cache.packets()[0].keyframe);
}

TEST(GopCache, OversizedGopIsNotCachedUntilNextKeyframe) {
    GopCache cache(100);
    cache.Add(Video(true, 60), true);
    cache.Add(Video(false, 60), true);  // over the bound
    EXPECT_TRUE(cache.packets().empty());
    cache.Add(Video(false, 10), true);
    EXPECT_TRUE(cache.packets().empty());
    cache.Add(Video(true, 10), true);
    EXPECT_EQ(cache.packets().size(), 1u);
}

TEST(GopCache, AudioOnlyCachesNothing) {
    GopCache cache(1 << 20);
    for (int i = 0; i < 10; ++i) cache.Add(Audio(), false);
    EXPECT_TRUE(cache.packets().empty());
}

}  // namespace
}  // namespace onair::router
