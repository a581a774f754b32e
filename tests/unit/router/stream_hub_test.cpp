// SPDX-License-Identifier: Apache-2.0
#include "onair/router/stream_hub.h"

#include <gtest/gtest.h>

#include "onair/router/player_queue.h"
#include "onair/runtime/wall_clock.h"

namespace onair::router {
namespace {

media::CodecConfig H264Config() {
    media::CodecConfig c;
    c.kind = media::TrackKind::kVideo;
    c.codec = media::Codec::kH264;
    c.extradata = base::SharedBuffer::Copy(std::string_view("\x01\x64\x00\x1f"));
    return c;
}

media::Packet Video(bool key, int64_t ms) {
    media::Packet p;
    p.kind = media::TrackKind::kVideo;
    p.codec = media::Codec::kH264;
    p.keyframe = key;
    p.dts = p.pts = media::MsToTicks(ms);
    p.payload = base::SharedBuffer::Adopt(std::vector<uint8_t>{0, 0, 0, 1, key ? uint8_t{0x65} : uint8_t{0x41}});
    return p;
}

struct Recorder : Subscriber {
    std::vector<StreamItem> items;
    void OnItem(const StreamItem& item) override { items.push_back(item); }
    std::vector<media::Packet> Packets() const {
        std::vector<media::Packet> out;
        for (const auto& i : items)
            if (i.kind == StreamItem::Kind::kPacket) out.push_back(i.packet);
        return out;
    }
};

TEST(StreamHub, TakeoverEvictsOldPublisherAndContinuesWithDiscontinuity) {
    StreamHub hub(BroadcastOptions{});
    int evicted = 0;
    const uint64_t a = hub.NextPublisherId();
    auto grant_a = hub.StartPublish("studio", a, [&] { ++evicted; });
    EXPECT_FALSE(grant_a.takeover);
    auto rec = std::make_shared<Recorder>();
    grant_a.broadcast->SetVideoConfig(a, H264Config());
    grant_a.broadcast->Subscribe(rec, true);
    for (int i = 0; i < 90; ++i) grant_a.broadcast->Push(a, Video(i % 30 == 0, i * 33));

    const uint64_t b = hub.NextPublisherId();
    auto grant_b = hub.StartPublish("studio", b, [] {});
    EXPECT_TRUE(grant_b.takeover);
    EXPECT_EQ(evicted, 1);
    EXPECT_EQ(grant_a.broadcast, grant_b.broadcast);
    // The old publisher's packets are ignored from now on.
    EXPECT_FALSE(grant_a.broadcast->Push(a, Video(false, 3000)).accepted);
    // The new publisher starts its clock at 0: the timeline continues.
    grant_b.broadcast->Push(b, Video(false, 0));  // not a start point: skipped
    grant_b.broadcast->Push(b, Video(true, 33));
    grant_b.broadcast->Push(b, Video(false, 66));
    auto packets = rec->Packets();
    ASSERT_EQ(packets.size(), 92u);
    EXPECT_TRUE(packets[90].discontinuity);
    EXPECT_TRUE(packets[90].keyframe);
    EXPECT_GT(packets[90].dts, packets[89].dts);
    EXPECT_EQ(packets[0].segment_start, 0);
    EXPECT_EQ(packets[90].segment_start, 1);  // a discontinuity starts a segment
}

TEST(StreamHub, LingeringBroadcastResumesAndEndsWhenIdle) {
    StreamHub hub(BroadcastOptions{});
    const uint64_t a = hub.NextPublisherId();
    auto g = hub.StartPublish("studio", a, [] {});
    hub.StopPublish(g.broadcast, a);
    EXPECT_EQ(hub.Find("studio"), g.broadcast);
    const uint64_t b = hub.NextPublisherId();
    auto g2 = hub.StartPublish("studio", b, [] {});
    EXPECT_TRUE(g2.resumed);
    EXPECT_FALSE(g2.takeover);
    EXPECT_FALSE(hub.EndIfIdle(g2.broadcast));  // still has a publisher
    hub.StopPublish(g2.broadcast, b);
    EXPECT_TRUE(hub.EndIfIdle(g2.broadcast));
    EXPECT_EQ(hub.Find("studio"), nullptr);
}

TEST(StreamHub, LatePlayerStartsAtGopCacheWithConfigFirst) {
    StreamHub hub(BroadcastOptions{});
    const uint64_t a = hub.NextPublisherId();
    auto g = hub.StartPublish("studio", a, [] {});
    g.broadcast->SetVideoConfig(a, H264Config());
    for (int i = 0; i < 45; ++i) g.broadcast->Push(a, Video(i % 30 == 0, i * 33));
    auto rec = std::make_shared<Recorder>();
    g.broadcast->Subscribe(rec, true);
    ASSERT_FALSE(rec->items.empty());
    EXPECT_EQ(rec->items[0].kind, StreamItem::Kind::kVideoConfig);
    auto packets = rec->Packets();
    ASSERT_EQ(packets.size(), 15u);
    EXPECT_TRUE(packets[0].keyframe);
}

TEST(StreamHub, PacketsAreDatedOnceWhenPushed) {
    StreamHub hub(BroadcastOptions{});
    const uint64_t a = hub.NextPublisherId();
    auto g = hub.StartPublish("studio", a, [] {});
    g.broadcast->SetVideoConfig(a, H264Config());
    auto live = std::make_shared<Recorder>();
    g.broadcast->Subscribe(live, false);
    const int64_t before = runtime::WallClockMs();
    for (int i = 0; i < 3; ++i) g.broadcast->Push(a, Video(i == 0, i * 33));
    const int64_t after = runtime::WallClockMs();
    auto dated = Video(false, 99);
    dated.wallclock_ms = 1234;  // dated upstream already: kept
    g.broadcast->Push(a, dated);
    const auto packets = live->Packets();
    ASSERT_EQ(packets.size(), 4u);
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_GE(packets[i].wallclock_ms, before);
        EXPECT_LE(packets[i].wallclock_ms, after);
    }
    EXPECT_EQ(packets[3].wallclock_ms, 1234);
    // A late subscriber gets the GOP cache with the same dates, not its own.
    auto late = std::make_shared<Recorder>();
    g.broadcast->Subscribe(late, true);
    const auto cached = late->Packets();
    ASSERT_EQ(cached.size(), 4u);
    for (size_t i = 0; i < cached.size(); ++i) EXPECT_EQ(cached[i].wallclock_ms, packets[i].wallclock_ms) << i;
}

TEST(StreamHub, ListenersSeeStartAndEnd) {
    struct L : HubListener {
        int started = 0, ended = 0;
        void OnBroadcastStarted(const std::shared_ptr<Broadcast>&) override { ++started; }
        void OnBroadcastEnded(const std::shared_ptr<Broadcast>&) override { ++ended; }
    } listener;
    StreamHub hub(BroadcastOptions{});
    hub.AddListener(&listener);
    auto g = hub.StartPublish("a", hub.NextPublisherId(), [] {});
    hub.StartPublish("a", hub.NextPublisherId(), [] {});  // takeover: same broadcast
    EXPECT_EQ(listener.started, 1);
    hub.EndAll();
    EXPECT_EQ(listener.ended, 1);
}

}  // namespace
}  // namespace onair::router

namespace onair::router {
namespace {

TEST(StreamHub, StatsCountPlayersAsViewersButNotOtherSubscribers) {
    StreamHub hub(BroadcastOptions{});
    auto g = hub.StartPublish("studio", 1, [] {});
    auto packager = std::make_shared<Recorder>();
    auto player = std::make_shared<PlayerQueue>(1 << 20, [] {});
    g.broadcast->Subscribe(packager, false);
    g.broadcast->Subscribe(player, true);
    EXPECT_EQ(g.broadcast->stats().subscribers, 2u);
    EXPECT_EQ(g.broadcast->stats().viewers, 1u);
    g.broadcast->Unsubscribe(packager.get());
    EXPECT_EQ(g.broadcast->stats().viewers, 1u);
    g.broadcast->Unsubscribe(player.get());
    g.broadcast->Unsubscribe(player.get());  // twice: no underflow
    EXPECT_EQ(g.broadcast->stats().viewers, 0u);
    g.broadcast->Subscribe(player, true);
    g.broadcast->End();
    EXPECT_EQ(g.broadcast->stats().viewers, 0u);
}

}  // namespace
}  // namespace onair::router
