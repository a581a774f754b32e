// SPDX-License-Identifier: Apache-2.0
#include "onair/bus/in_process_bus.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace onair::bus {
namespace {

using format::record::MediaRecord;
using format::record::RecordType;

struct Collector : MediaSink {
    std::vector<uint64_t> sequences;
    std::vector<std::string> ids;
    std::vector<base::SharedBuffer> payloads;
    std::vector<std::string> renditions;
    void OnRecord(const MediaRecord& r) override {
        sequences.push_back(r.sequence);
        ids.emplace_back(r.broadcast_id);
        payloads.push_back(r.packet.payload);
        renditions.emplace_back(r.rendition);
    }
    std::set<std::string> Broadcasts() const { return {ids.begin(), ids.end()}; }
    /// The sequences received of one broadcast, in order.
    std::vector<uint64_t> SequencesOf(const std::string& id) const {
        std::vector<uint64_t> out;
        for (size_t i = 0; i < ids.size(); ++i)
            if (ids[i] == id) out.push_back(sequences[i]);
        return out;
    }
};

struct EventCollector : EventSink {
    std::vector<std::pair<std::string, std::string>> events;
    void OnEvent(std::string_view key, std::string_view json) override { events.emplace_back(key, json); }
};

MediaRecord Packet(uint64_t seq, int64_t at_ms, const base::SharedBuffer& payload) {
    MediaRecord r;
    r.type = RecordType::kPacket;
    r.sequence = seq;
    r.wallclock_ms = at_ms;
    r.broadcast_id = "b1";
    r.channel = "studio";
    r.packet.payload = payload;
    return r;
}

TEST(InProcessBus, HandsRecordsOverInOrderWithoutCopyingPayloads) {
    runtime::Metrics metrics;
    InProcessBus bus(metrics, {.retention_ms = 0, .retention_bytes = 0});
    Collector a, b;
    auto sa = bus.SubscribeMedia(0, a);
    auto sb = bus.SubscribeMedia(0, b);
    const auto payload = base::SharedBuffer::Copy(std::string_view("frame"));
    for (uint64_t i = 0; i < 5; ++i) bus.PublishMedia(Packet(i, 1000 + static_cast<int64_t>(i), payload));
    EXPECT_EQ(a.sequences, (std::vector<uint64_t>{0, 1, 2, 3, 4}));
    EXPECT_EQ(b.sequences, a.sequences);
    EXPECT_EQ(a.payloads[0].data(), payload.data());  // the same bytes, shared
    EXPECT_EQ(bus.stats().media_produced, 5u);
    EXPECT_EQ(bus.stats().records_consumed, 10u);
    sa.reset();  // unsubscribed: no more deliveries
    bus.PublishMedia(Packet(5, 1005, payload));
    EXPECT_EQ(a.sequences.size(), 5u);
    EXPECT_EQ(b.sequences.size(), 6u);
}

TEST(InProcessBus, ALateSubscriberReadsTheHistoryFromATime) {
    runtime::Metrics metrics;
    InProcessBus bus(metrics, {.retention_ms = 10000, .retention_bytes = size_t{1} << 20});
    const auto payload = base::SharedBuffer::Copy(std::string_view("x"));
    for (uint64_t i = 0; i < 10; ++i) bus.PublishMedia(Packet(i, 100000 + static_cast<int64_t>(i) * 1000, payload));
    Collector late;
    auto s = bus.SubscribeMedia(105000, late);
    EXPECT_EQ(late.sequences, (std::vector<uint64_t>{5, 6, 7, 8, 9}));
    EXPECT_EQ(late.ids.front(), "b1");  // the stored record's views outlive the publisher's strings
    bus.PublishMedia(Packet(10, 110000, payload));
    EXPECT_EQ(late.sequences.back(), 10u);
}

TEST(InProcessBus, HistoryIsBoundedByAgeAndBytes) {
    runtime::Metrics metrics;
    InProcessBus bus(metrics, {.retention_ms = 3000, .retention_bytes = size_t{1} << 20});
    const auto payload = base::SharedBuffer::Copy(std::string_view("x"));
    for (uint64_t i = 0; i < 10; ++i) bus.PublishMedia(Packet(i, static_cast<int64_t>(i) * 1000, payload));
    Collector all;
    auto s = bus.SubscribeMedia(0, all);
    EXPECT_EQ(all.sequences, (std::vector<uint64_t>{6, 7, 8, 9}));  // records younger than 3 s

    InProcessBus small(metrics, {.retention_ms = 1000000, .retention_bytes = 3 * (128 + 1000)});
    const auto big = base::SharedBuffer::Adopt(std::vector<uint8_t>(1000));
    for (uint64_t i = 0; i < 10; ++i) small.PublishMedia(Packet(i, static_cast<int64_t>(i), big));
    Collector some;
    auto s2 = small.SubscribeMedia(0, some);
    EXPECT_EQ(some.sequences, (std::vector<uint64_t>{7, 8, 9}));
}

TEST(InProcessBus, EventsReachEverySubscriber) {
    runtime::Metrics metrics;
    InProcessBus bus(metrics);
    EventCollector a;
    auto s = bus.SubscribeEvents(a);
    bus.PublishEvent("studio", R"({"type":"broadcast.started"})");
    ASSERT_EQ(a.events.size(), 1u);
    EXPECT_EQ(a.events[0].first, "studio");
    EXPECT_EQ(a.events[0].second, R"({"type":"broadcast.started"})");
    s.reset();
    bus.PublishEvent("studio", "{}");
    EXPECT_EQ(a.events.size(), 1u);
    EXPECT_NE(metrics.Render().find("onair_bus_records_produced_total{topic=\"events\"} 2"), std::string::npos);
}

/// Broadcast ids "b0".."b<n-1>".
std::vector<std::string> Ids(int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) ids.push_back("b" + std::to_string(i));
    return ids;
}

/// One packet record per broadcast with this sequence (and rendition).
void PublishRound(Bus& bus, const std::vector<std::string>& ids, uint64_t seq, const std::string& rendition = "") {
    const auto payload = base::SharedBuffer::Copy(std::string_view("p"));
    for (const auto& id : ids) {
        MediaRecord r = Packet(seq, 1000 + static_cast<int64_t>(seq), payload);
        r.broadcast_id = id;
        r.rendition = rendition;
        bus.PublishMedia(r);
    }
}

std::set<std::string> Intersection(const std::set<std::string>& a, const std::set<std::string>& b) {
    std::set<std::string> out;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
    return out;
}

/// A bus without history (live records only).
class InProcessBusGroup : public testing::Test {
protected:
    runtime::Metrics metrics;
    InProcessBus bus{metrics, {.retention_ms = 0, .retention_bytes = 0}};
};

TEST_F(InProcessBusGroup, MembersSplitTheBroadcastsAndAPlainSubscriberStillGetsAll) {
    Collector a, b, plain;
    auto sa = bus.SubscribeMediaGroup("transcoders", a);
    auto sb = bus.SubscribeMediaGroup("transcoders", b);
    auto sp = bus.SubscribeMedia(0, plain);
    const auto ids = Ids(20);
    for (uint64_t seq = 0; seq < 3; ++seq) PublishRound(bus, ids, seq);

    EXPECT_FALSE(a.Broadcasts().empty());
    EXPECT_FALSE(b.Broadcasts().empty());
    EXPECT_TRUE(Intersection(a.Broadcasts(), b.Broadcasts()).empty());
    std::set<std::string> all = a.Broadcasts();
    all.merge(b.Broadcasts());
    EXPECT_EQ(all, std::set<std::string>(ids.begin(), ids.end()));
    EXPECT_EQ(a.ids.size() + b.ids.size(), 60u);  // no record twice, none lost
    for (const auto* member : {&a, &b})
        for (const auto& id : member->Broadcasts())
            EXPECT_EQ(member->SequencesOf(id), (std::vector<uint64_t>{0, 1, 2})) << id;  // whole and in order
    EXPECT_EQ(plain.ids.size(), 60u);
    EXPECT_EQ(plain.Broadcasts(), all);
    EXPECT_EQ(bus.stats().records_consumed, 120u);
}

TEST_F(InProcessBusGroup, AMemberThatLeavesHandsItsBroadcastsToTheOthers) {
    Collector a, b;
    auto sa = bus.SubscribeMediaGroup("transcoders", a);
    auto sb = bus.SubscribeMediaGroup("transcoders", b);
    const auto ids = Ids(20);
    PublishRound(bus, ids, 0);
    const auto a_had = a.Broadcasts();
    ASSERT_FALSE(a_had.empty());
    ASSERT_LT(a_had.size(), ids.size());
    const size_t a_before = a.ids.size();

    sa.reset();
    PublishRound(bus, ids, 1);
    EXPECT_EQ(a.ids.size(), a_before);  // nothing after its subscription is gone
    EXPECT_EQ(b.Broadcasts(), std::set<std::string>(ids.begin(), ids.end()));
    for (const auto& id : a_had) EXPECT_EQ(b.SequencesOf(id), (std::vector<uint64_t>{1})) << id;

    // A member that joins again takes a share back.
    Collector c;
    auto sc = bus.SubscribeMediaGroup("transcoders", c);
    PublishRound(bus, ids, 2);
    EXPECT_FALSE(c.Broadcasts().empty());
    // b: its share of round 0, all of round 1; round 2 split between b and c.
    EXPECT_EQ(b.ids.size() + c.ids.size(), (ids.size() - a_had.size()) + 2 * ids.size());
}

TEST_F(InProcessBusGroup, EveryGroupGetsEveryBroadcast) {
    Collector x1, x2, y;
    auto s1 = bus.SubscribeMediaGroup("x", x1);
    auto s2 = bus.SubscribeMediaGroup("x", x2);
    auto s3 = bus.SubscribeMediaGroup("y", y);
    const auto ids = Ids(12);
    PublishRound(bus, ids, 0);
    EXPECT_EQ(y.Broadcasts(), std::set<std::string>(ids.begin(), ids.end()));
    EXPECT_EQ(y.ids.size(), 12u);
    EXPECT_EQ(x1.ids.size() + x2.ids.size(), 12u);
    s3.reset();  // the last member of y: the group is gone, x is untouched
    PublishRound(bus, ids, 1);
    EXPECT_EQ(y.ids.size(), 12u);
    EXPECT_EQ(x1.ids.size() + x2.ids.size(), 24u);
}

TEST_F(InProcessBusGroup, RenditionsGoOnlyToRenditionsSubscribers) {
    Collector source, renditions, member;
    auto s1 = bus.SubscribeMedia(0, source);
    auto s2 = bus.SubscribeMedia(0, renditions, MediaTopic::kRenditions);
    auto s3 = bus.SubscribeMediaGroup("transcoders", member);
    const auto ids = Ids(4);
    PublishRound(bus, ids, 0);
    PublishRound(bus, ids, 0, "720p");
    PublishRound(bus, ids, 1, "480p");
    PublishRound(bus, ids, 1);

    EXPECT_EQ(source.ids.size(), 8u);
    EXPECT_EQ(std::count(source.renditions.begin(), source.renditions.end(), ""), 8);
    EXPECT_EQ(member.ids.size(), 8u);  // the only member: every source record
    EXPECT_EQ(std::count(member.renditions.begin(), member.renditions.end(), ""), 8);
    EXPECT_EQ(renditions.ids.size(), 8u);
    EXPECT_EQ(std::count(renditions.renditions.begin(), renditions.renditions.end(), "720p"), 4);
    EXPECT_EQ(std::count(renditions.renditions.begin(), renditions.renditions.end(), "480p"), 4);
}

TEST(InProcessBusHistory, EachTopicHasItsOwnAndGroupMembersGetNone) {
    runtime::Metrics metrics;
    InProcessBus bus(metrics, {.retention_ms = 60000, .retention_bytes = size_t{1} << 20});
    const auto ids = Ids(1);
    for (uint64_t seq = 0; seq < 5; ++seq) {
        PublishRound(bus, ids, seq);
        PublishRound(bus, ids, seq, "720p");
    }
    Collector source, renditions, member;
    auto s1 = bus.SubscribeMedia(1002, source);  // records 2.. (wallclock 1000 + seq)
    auto s2 = bus.SubscribeMedia(1003, renditions, MediaTopic::kRenditions);
    auto s3 = bus.SubscribeMediaGroup("transcoders", member);
    EXPECT_EQ(source.sequences, (std::vector<uint64_t>{2, 3, 4}));
    EXPECT_EQ(std::count(source.renditions.begin(), source.renditions.end(), ""), 3);
    EXPECT_EQ(renditions.sequences, (std::vector<uint64_t>{3, 4}));
    EXPECT_EQ(std::count(renditions.renditions.begin(), renditions.renditions.end(), "720p"), 2);
    EXPECT_TRUE(member.ids.empty());  // live records only
    PublishRound(bus, ids, 5, "720p");
    PublishRound(bus, ids, 5);
    EXPECT_EQ(renditions.sequences.back(), 5u);
    EXPECT_EQ(source.sequences.back(), 5u);
    EXPECT_EQ(member.sequences, (std::vector<uint64_t>{5}));
}

}  // namespace
}  // namespace onair::bus
