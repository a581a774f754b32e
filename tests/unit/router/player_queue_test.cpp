// SPDX-License-Identifier: Apache-2.0
#include "onair/router/player_queue.h"

#include <gtest/gtest.h>

namespace onair::router {
namespace {

StreamItem VideoPacket(bool key, size_t bytes, int64_t dts) {
    StreamItem item;
    item.kind = StreamItem::Kind::kPacket;
    item.packet.kind = media::TrackKind::kVideo;
    item.packet.codec = media::Codec::kH264;
    item.packet.keyframe = key;
    item.packet.dts = item.packet.pts = dts;
    item.packet.payload = base::SharedBuffer::Adopt(std::vector<uint8_t>(bytes, 0xab));
    return item;
}

StreamItem AudioPacket(int64_t dts) {
    StreamItem item;
    item.kind = StreamItem::Kind::kPacket;
    item.packet.kind = media::TrackKind::kAudio;
    item.packet.codec = media::Codec::kAac;
    item.packet.dts = item.packet.pts = dts;
    item.packet.payload = base::SharedBuffer::Adopt(std::vector<uint8_t>(100, 1));
    return item;
}

StreamItem VideoConfig() {
    StreamItem item;
    item.kind = StreamItem::Kind::kVideoConfig;
    item.config = std::make_shared<media::CodecConfig>();
    return item;
}

TEST(PlayerQueue, WakesOncePerDrain) {
    int wakes = 0;
    PlayerQueue q(1 << 20, [&] { ++wakes; });
    q.OnItem(VideoConfig());
    q.OnItem(VideoPacket(true, 1000, 0));
    q.OnItem(VideoPacket(false, 1000, 3000));
    EXPECT_EQ(wakes, 1);
    std::vector<StreamItem> out;
    EXPECT_EQ(q.Drain(out), 3u);
    q.OnItem(VideoPacket(false, 1000, 6000));
    EXPECT_EQ(wakes, 2);
}

TEST(PlayerQueue, SharesPayloadsWithoutCopy) {
    PlayerQueue q(1 << 20, nullptr);
    auto item = VideoPacket(true, 5000, 0);
    q.OnItem(item);
    std::vector<StreamItem> out;
    q.Drain(out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].packet.payload.data(), item.packet.payload.data());
}

TEST(PlayerQueue, OverflowSkipsToNextKeyframeAndCounts) {
    PlayerQueue q(10000, nullptr);
    q.OnItem(VideoConfig());
    q.OnItem(VideoPacket(true, 4000, 0));
    q.OnItem(VideoPacket(false, 4000, 3000));
    q.OnItem(VideoPacket(false, 4000, 6000));  // overflows: everything dropped
    EXPECT_EQ(q.skips(), 1u);
    q.OnItem(VideoPacket(false, 100, 9000));  // still waiting for a keyframe
    q.OnItem(AudioPacket(9000));              // audio waits too in a video stream
    q.OnItem(VideoPacket(true, 100, 12000));  // resumes here
    q.OnItem(VideoPacket(false, 100, 15000));
    std::vector<StreamItem> out;
    q.Drain(out);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].kind, StreamItem::Kind::kVideoConfig);  // configs survive a skip
    EXPECT_TRUE(out[1].packet.keyframe);
    EXPECT_EQ(out[1].packet.dts, 12000);
    EXPECT_EQ(q.dropped_packets(), 5u);  // 2 queued + the overflowing one + 2 while waiting
}

TEST(PlayerQueue, MemoryStaysBoundedWhenNeverDrained) {
    PlayerQueue q(64 * 1024, nullptr);
    q.OnItem(VideoConfig());
    for (int i = 0; i < 10000; ++i) {
        q.OnItem(VideoPacket(i % 60 == 0, 1500, i * 3000));
        ASSERT_LE(q.queued_bytes(), 64u * 1024);
    }
    EXPECT_GT(q.dropped_packets(), 9000u);
}

TEST(PlayerQueue, EndStopsFurtherItems) {
    PlayerQueue q(1 << 20, nullptr);
    StreamItem end;
    end.kind = StreamItem::Kind::kEnd;
    q.OnItem(end);
    q.OnItem(VideoPacket(true, 10, 0));
    std::vector<StreamItem> out;
    q.Drain(out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].kind, StreamItem::Kind::kEnd);
}

}  // namespace
}  // namespace onair::router

namespace onair::router {
namespace {

StreamItem PacketItem(bool video, bool keyframe, int64_t dts) {
    StreamItem item;
    item.kind = StreamItem::Kind::kPacket;
    item.packet.kind = video ? media::TrackKind::kVideo : media::TrackKind::kAudio;
    item.packet.keyframe = keyframe;
    item.packet.dts = item.packet.pts = dts;
    item.packet.payload = base::SharedBuffer::Copy(std::string_view("xxxx"));
    return item;
}

// Without the GOP cache a joining player starts at the next keyframe, and
// what it skipped before that is not counted as dropped.
TEST(PlayerQueueJoin, StartsAtNextKeyframeWithoutCountingDrops) {
    PlayerQueue q(1 << 20, [] {});
    StreamItem config;
    config.kind = StreamItem::Kind::kVideoConfig;
    config.config = std::make_shared<const media::CodecConfig>();
    q.OnItem(config);
    q.StartAtNextKeyframe();
    q.OnItem(PacketItem(true, false, 1));
    q.OnItem(PacketItem(false, true, 2));
    q.OnItem(PacketItem(true, true, 3));
    q.OnItem(PacketItem(true, false, 4));
    std::vector<StreamItem> out;
    q.Drain(out);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].kind, StreamItem::Kind::kVideoConfig);
    EXPECT_TRUE(out[1].packet.keyframe);
    EXPECT_EQ(out[1].packet.dts, 3);
    EXPECT_EQ(out[2].packet.dts, 4);
    EXPECT_EQ(q.dropped_packets(), 0u);
}

}  // namespace
}  // namespace onair::router
