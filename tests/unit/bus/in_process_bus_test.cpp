// SPDX-License-Identifier: Apache-2.0
#include "onair/bus/in_process_bus.h"

#include <gtest/gtest.h>

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
    void OnRecord(const MediaRecord& r) override {
        sequences.push_back(r.sequence);
        ids.emplace_back(r.broadcast_id);
        payloads.push_back(r.packet.payload);
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

}  // namespace
}  // namespace onair::bus
