// SPDX-License-Identifier: Apache-2.0
// The ManagerStore contract, run against both backends: SQLite and a real
// PostgreSQL server (tests/support/postgres.sh).
#include "onair/store/manager_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "onair/store/migrations.h"
#include "onair/store/stream_key.h"
#include "test_databases.h"

namespace onair::store {
namespace {

using base::ErrorCode;
using test::Backend;
using test::TestDatabase;

class ManagerStoreTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        auto db = TestDatabase::Create(GetParam());
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(db.value());
        store_ = Open();
        ASSERT_TRUE(store_);
    }
    void TearDown() override {
        store_.reset();
        db_.reset();
    }

    std::unique_ptr<ManagerStore> Open() {
        auto s = OpenStore(db_->location());
        EXPECT_TRUE(s.ok()) << s.error().message;
        return s.ok() ? std::move(s.value()) : nullptr;
    }
    ManagerStore& s() { return *store_; }

    CreatedChannel Create(const std::string& name, const std::string& title = "") {
        auto c = s().CreateChannel(ChannelSpec{name, title, true});
        EXPECT_TRUE(c.ok()) << c.error().message;
        return c.ok() ? c.value() : CreatedChannel{};
    }

    static Broadcast MakeBroadcast(const std::string& id, const Channel& c, int64_t started_at_ms) {
        Broadcast b;
        b.id = id;
        b.channel_id = c.id;
        b.channel = c.name;
        b.node = "local";
        b.client_ip = "127.0.0.1";
        b.started_at_ms = started_at_ms;
        return b;
    }

    static Event MakeEvent(const std::string& id, int64_t channel_id, int64_t at_ms) {
        return Event{0, id, "broadcast.started", channel_id, at_ms, R"({"id":")" + id + R"("})"};
    }

    WebhookDelivery MakeDelivery(int64_t webhook_id, const std::string& event_id, int64_t next_attempt_at_ms) {
        WebhookDelivery d;
        d.webhook_id = webhook_id;
        d.event_id = event_id;
        d.event_type = "broadcast.started";
        d.payload = "{}";
        d.next_attempt_at_ms = next_attempt_at_ms;
        d.created_at_ms = 1000;
        return d;
    }

    static Recording MakeRecording(const std::string& id, const std::string& channel, int64_t started_at_ms) {
        Recording r;
        r.id = id;
        r.channel = channel;
        r.broadcast_id = id;
        r.state = RecordingState::kRecording;
        r.started_at_ms = started_at_ms;
        r.vod_url = "/vod/" + id + "/index.m3u8";
        r.node = "origin-1";
        return r;
    }

    int64_t CountRows(const std::string& table) {
        auto raw = db_->Connect();
        EXPECT_TRUE(raw.ok()) << raw.error().message;
        if (!raw.ok()) return -1;
        auto r = (*raw)->Run("SELECT COUNT(*) FROM " + table);
        EXPECT_TRUE(r.ok()) << r.error().message;
        return r.ok() ? r->rows.at(0).Int(0) : -1;
    }

    std::unique_ptr<TestDatabase> db_;
    std::unique_ptr<ManagerStore> store_;
};

TEST_P(ManagerStoreTest, OpensAtTheCurrentSchemaOnceAndNamesItsBackend) {
    EXPECT_EQ(s().backend(), test::BackendName(GetParam()));
    EXPECT_EQ(s().SchemaVersion().value(), kSchemaVersion);
    auto again = Open();  // a second open migrates nothing
    ASSERT_TRUE(again);
    EXPECT_EQ(again->SchemaVersion().value(), kSchemaVersion);
    EXPECT_EQ(CountRows("schema_version"), kSchemaVersion);
}

TEST_P(ManagerStoreTest, ChannelCrud) {
    auto created = s().CreateChannel(ChannelSpec{"studio", "The Studio", false});
    ASSERT_TRUE(created.ok()) << created.error().message;
    const Channel& c = created->channel;
    EXPECT_GT(c.id, 0);
    EXPECT_EQ(c.name, "studio");
    EXPECT_EQ(c.title, "The Studio");
    EXPECT_FALSE(c.enabled);
    EXPECT_GT(c.created_at_ms, 1600000000000);
    EXPECT_EQ(c.updated_at_ms, c.created_at_ms);
    EXPECT_EQ(c.key_rotated_at_ms, c.created_at_ms);
    EXPECT_EQ(created->stream_key.rfind("sk_", 0), 0u);
    EXPECT_EQ(created->stream_key.size(), 43u);

    auto got = s().GetChannel("studio");
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->id, c.id);
    EXPECT_EQ(got->title, "The Studio");
    EXPECT_FALSE(got->enabled);
    EXPECT_EQ(got->created_at_ms, c.created_at_ms);
    EXPECT_EQ(s().GetChannelById(c.id)->name, "studio");

    Create("alpha");
    Create("zulu");
    auto list = s().ListChannels();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 3u);
    EXPECT_EQ((*list)[0].name, "alpha");
    EXPECT_EQ((*list)[1].name, "studio");
    EXPECT_EQ((*list)[2].name, "zulu");
    EXPECT_TRUE((*list)[0].enabled);

    auto dup = s().CreateChannel(ChannelSpec{"studio", "", true});
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(dup.error().message, "channel 'studio' already exists");

    EXPECT_EQ(s().GetChannel("nope").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(s().GetChannel("nope").error().message, "no channel named 'nope'");
    EXPECT_EQ(s().GetChannelById(c.id + 100).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(s().RotateKey("nope").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(s().UpdateChannel("nope", ChannelUpdate{"x", std::nullopt}).error().code, ErrorCode::kNotFound);

    EXPECT_TRUE(s().DeleteChannel("studio").ok());
    EXPECT_EQ(s().DeleteChannel("studio").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(s().GetChannel("studio").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(s().ListChannels()->size(), 2u);
}

TEST_P(ManagerStoreTest, InvalidNamesAndTitlesAreRefused) {
    for (const std::string& bad :
         std::vector<std::string>{"", "Bad Name", "-x", "_x", "a.b", "UPPER", "a/b", std::string(65, 'a')}) {
        auto r = s().CreateChannel(ChannelSpec{bad, "", true});
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidData) << bad;
    }
    EXPECT_TRUE(s().CreateChannel(ChannelSpec{std::string(64, 'a'), "", true}).ok());
    EXPECT_TRUE(s().CreateChannel(ChannelSpec{"a_b-1", std::string(200, 't'), true}).ok());
    EXPECT_EQ(s().CreateChannel(ChannelSpec{"long", std::string(201, 't'), true}).error().code,
              ErrorCode::kInvalidData);
    EXPECT_EQ(s().UpdateChannel("a_b-1", ChannelUpdate{std::string(201, 't'), std::nullopt}).error().code,
              ErrorCode::kInvalidData);
    EXPECT_EQ(s().ListChannels()->size(), 2u);
}

TEST_P(ManagerStoreTest, UpdateAppliesOnlyTheFieldsSet) {
    const Channel c = Create("news", "News").channel;
    auto t = s().UpdateChannel("news", ChannelUpdate{"Evening News", std::nullopt});
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ(t->title, "Evening News");
    EXPECT_TRUE(t->enabled);
    EXPECT_GE(t->updated_at_ms, c.updated_at_ms);
    auto e = s().UpdateChannel("news", ChannelUpdate{std::nullopt, false});
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->title, "Evening News");
    EXPECT_FALSE(e->enabled);
    auto none = s().UpdateChannel("news", ChannelUpdate{});
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->title, "Evening News");
    EXPECT_FALSE(none->enabled);
    auto both = s().UpdateChannel("news", ChannelUpdate{"", true});
    ASSERT_TRUE(both.ok());
    EXPECT_EQ(both->title, "");
    EXPECT_TRUE(both->enabled);
    auto stored = s().GetChannel("news");
    EXPECT_EQ(stored->title, "");
    EXPECT_TRUE(stored->enabled);
    EXPECT_EQ(stored->created_at_ms, c.created_at_ms);
    EXPECT_EQ(stored->key_rotated_at_ms, c.key_rotated_at_ms);
}

TEST_P(ManagerStoreTest, AChannelKeepsItsOwnLadderUntilItIsReset) {
    const std::string ladder = R"([{"name":"360p","height":360,"video_kbps":800}])";
    auto c = s().CreateChannel(ChannelSpec{"ladder", "", true, ladder});
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->channel.ladder, ladder);
    EXPECT_EQ(Create("plain").channel.ladder, std::nullopt);
    // Other fields change, the ladder stays.
    auto t = s().UpdateChannel("ladder", ChannelUpdate{"Titled", std::nullopt});
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->ladder, ladder);
    // Replaced, then back to the deployment's (NULL).
    ChannelUpdate u;
    u.ladder = std::optional<std::string>("[]");
    EXPECT_EQ(s().UpdateChannel("ladder", u)->ladder, "[]");
    EXPECT_EQ(s().GetChannel("ladder")->ladder, "[]");
    u.ladder = std::optional<std::string>();
    auto reset = s().UpdateChannel("ladder", u);
    ASSERT_TRUE(reset.ok()) << reset.error().message;
    EXPECT_EQ(reset->ladder, std::nullopt);
    EXPECT_EQ(s().GetChannel("ladder")->ladder, std::nullopt);
    EXPECT_EQ(s().GetChannel("ladder")->title, "Titled");
    // The key lookup reads it too (the publish decision carries it).
    u.ladder = std::optional<std::string>(ladder);
    ASSERT_TRUE(s().UpdateChannel("ladder", u).ok());
    auto found = s().FindChannelByKey(c->stream_key);
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->ladder, ladder);
    // The size limit.
    u.ladder = std::optional<std::string>(std::string(kMaxLadderBytes + 1, ' '));
    EXPECT_EQ(s().UpdateChannel("ladder", u).error().code, ErrorCode::kInvalidData);
}

TEST_P(ManagerStoreTest, KeysFindTheirChannelAndRotationRetiresTheOldOne) {
    const auto a = Create("a1");
    const auto b = Create("b1");
    EXPECT_NE(a.stream_key, b.stream_key);
    auto found = s().FindChannelByKey(a.stream_key);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->name, "a1");
    EXPECT_EQ((*found)->id, a.channel.id);
    EXPECT_EQ((*s().FindChannelByKey(b.stream_key))->name, "b1");
    for (const std::string& wrong :
         {std::string(), std::string("sk_wrong"), a.stream_key + "x", a.stream_key.substr(0, 42), std::string("a1"),
          std::string(300, 'k'), HashStreamKey(a.stream_key)}) {
        auto r = s().FindChannelByKey(wrong);
        ASSERT_TRUE(r.ok());
        EXPECT_FALSE(r->has_value()) << wrong;
    }

    auto rotated = s().RotateKey("a1");
    ASSERT_TRUE(rotated.ok());
    EXPECT_NE(rotated.value(), a.stream_key);
    EXPECT_EQ(rotated->size(), 43u);
    EXPECT_FALSE(s().FindChannelByKey(a.stream_key)->has_value());
    EXPECT_EQ((*s().FindChannelByKey(rotated.value()))->name, "a1");
    EXPECT_EQ((*s().FindChannelByKey(b.stream_key))->name, "b1");
    EXPECT_GE(s().GetChannel("a1")->key_rotated_at_ms, a.channel.key_rotated_at_ms);

    ASSERT_TRUE(s().DeleteChannel("a1").ok());
    EXPECT_FALSE(s().FindChannelByKey(rotated.value())->has_value());
}

TEST_P(ManagerStoreTest, OnlyTheKeysHashIsStored) {
    const auto c = Create("secretive");
    auto raw = db_->Connect();
    ASSERT_TRUE(raw.ok()) << raw.error().message;
    auto rows = (*raw)->Run("SELECT * FROM channels");
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->rows.size(), 1u);
    auto hash = (*raw)->Run("SELECT key_hash FROM channels");
    EXPECT_EQ(hash->rows.at(0).Text(0), HashStreamKey(c.stream_key));
    ASSERT_GE(rows->rows[0].size(), 8u);
    for (size_t col = 0; col < rows->rows[0].size(); ++col) {
        EXPECT_EQ(rows->rows[0].Text(col).find(c.stream_key.substr(3)), std::string::npos) << col;
    }
}

TEST_P(ManagerStoreTest, BroadcastsLifecycle) {
    const Channel c = Create("live").channel;
    Broadcast b = MakeBroadcast("br_0000000000000001", c, 5000);
    ASSERT_TRUE(s().InsertBroadcast(b).ok());
    auto got = s().GetBroadcast(b.id);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->channel_id, c.id);
    EXPECT_EQ(got->channel, "live");
    EXPECT_EQ(got->node, "local");
    EXPECT_EQ(got->client_ip, "127.0.0.1");
    EXPECT_EQ(got->started_at_ms, 5000);
    EXPECT_EQ(got->last_seen_at_ms, 5000);
    EXPECT_EQ(got->stats_json, "{}");
    EXPECT_TRUE(got->live());
    EXPECT_FALSE(got->end_reason.has_value());

    EXPECT_EQ(s().InsertBroadcast(b).error().code, ErrorCode::kAlreadyExists);
    Broadcast orphan = MakeBroadcast("br_orphan", c, 5000);
    orphan.channel_id = c.id + 1000;
    EXPECT_EQ(s().InsertBroadcast(orphan).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(s().InsertBroadcast(MakeBroadcast("", c, 5000)).error().code, ErrorCode::kInvalidData);

    ASSERT_TRUE(s().UpdateBroadcastStats(b.id, R"({"bitrate":2500})", 7000).ok());
    got = s().GetBroadcast(b.id);
    EXPECT_EQ(got->stats_json, R"({"bitrate":2500})");
    EXPECT_EQ(got->last_seen_at_ms, 7000);
    EXPECT_EQ(s().UpdateBroadcastStats("br_unknown", "{}", 7000).error().code, ErrorCode::kNotFound);

    ASSERT_TRUE(s().EndBroadcast(b.id, EndReason::kTakenOver, 9000).ok());
    // The first reason wins; later ends and stats change nothing.
    EXPECT_TRUE(s().EndBroadcast(b.id, EndReason::kKicked, 9500).ok());
    EXPECT_TRUE(s().UpdateBroadcastStats(b.id, R"({"late":true})", 9900).ok());
    got = s().GetBroadcast(b.id);
    EXPECT_FALSE(got->live());
    EXPECT_EQ(got->ended_at_ms, 9000);
    EXPECT_EQ(got->end_reason, EndReason::kTakenOver);
    EXPECT_EQ(got->stats_json, R"({"bitrate":2500})");
    EXPECT_EQ(got->last_seen_at_ms, 7000);
    EXPECT_EQ(s().EndBroadcast("br_unknown", EndReason::kKicked, 9000).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(s().EndBroadcast(b.id, EndReason::kKicked, 0).error().code, ErrorCode::kInvalidData);
    EXPECT_EQ(s().GetBroadcast("br_unknown").error().code, ErrorCode::kNotFound);

    for (EndReason r : {EndReason::kPublisherClosed, EndReason::kTakenOver, EndReason::kKicked, EndReason::kUnexpected,
                        EndReason::kServerShutdown}) {
        const std::string id = "br_reason_" + std::string(EndReasonName(r));
        ASSERT_TRUE(s().InsertBroadcast(MakeBroadcast(id, c, 6000)).ok());
        ASSERT_TRUE(s().EndBroadcast(id, r, 6500).ok());
        EXPECT_EQ(s().GetBroadcast(id)->end_reason, r);
    }
}

TEST_P(ManagerStoreTest, LiveBroadcastsOldestFirst) {
    const Channel a = Create("a").channel;
    const Channel b = Create("b").channel;
    ASSERT_TRUE(s().InsertBroadcast(MakeBroadcast("br_3", a, 3000)).ok());
    ASSERT_TRUE(s().InsertBroadcast(MakeBroadcast("br_1", b, 1000)).ok());
    ASSERT_TRUE(s().InsertBroadcast(MakeBroadcast("br_2", a, 2000)).ok());
    ASSERT_TRUE(s().EndBroadcast("br_2", EndReason::kPublisherClosed, 2500).ok());
    auto live = s().ListLiveBroadcasts();
    ASSERT_TRUE(live.ok());
    ASSERT_EQ(live->size(), 2u);
    EXPECT_EQ((*live)[0].id, "br_1");
    EXPECT_EQ((*live)[1].id, "br_3");
}

TEST_P(ManagerStoreTest, HistoryPagesNewestFirst) {
    const Channel c = Create("history").channel;
    const Channel other = Create("other").channel;
    for (int i = 1; i <= 5; ++i)
        ASSERT_TRUE(s().InsertBroadcast(MakeBroadcast("br_h" + std::to_string(i), c, i * 1000)).ok());
    ASSERT_TRUE(s().InsertBroadcast(MakeBroadcast("br_other", other, 4500)).ok());
    auto ids = [&](int64_t before, size_t limit) {
        std::vector<std::string> out;
        auto page = s().ListBroadcasts(c.id, before, limit);
        EXPECT_TRUE(page.ok());
        if (page.ok())
            for (const auto& b : page.value()) out.push_back(b.id);
        return out;
    };
    EXPECT_EQ(ids(0, 2), (std::vector<std::string>{"br_h5", "br_h4"}));
    EXPECT_EQ(ids(4000, 2), (std::vector<std::string>{"br_h3", "br_h2"}));
    EXPECT_EQ(ids(2000, 2), (std::vector<std::string>{"br_h1"}));
    EXPECT_EQ(ids(1000, 2), (std::vector<std::string>{}));
    EXPECT_EQ(ids(0, 0), (std::vector<std::string>{}));
    EXPECT_EQ(ids(0, 100).size(), 5u);
    EXPECT_TRUE(s().ListBroadcasts(other.id + 100, 0, 10)->empty());
}

TEST_P(ManagerStoreTest, EventsGetIncreasingSeqsAndPageAfterOne) {
    const Channel c = Create("ev").channel;
    auto s1 = s().AppendEvent(MakeEvent("ev_1", c.id, 100));
    auto s2 = s().AppendEvent(MakeEvent("ev_2", 0, 200));
    auto s3 = s().AppendEvent(MakeEvent("ev_3", c.id, 300));
    ASSERT_TRUE(s1.ok() && s2.ok() && s3.ok()) << (s1.ok() ? "" : s1.error().message);
    EXPECT_LT(*s1, *s2);
    EXPECT_LT(*s2, *s3);
    EXPECT_EQ(s().AppendEvent(MakeEvent("ev_2", c.id, 400)).error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(s().AppendEvent(Event{0, "ev_x", "", 0, 1, "{}"}).error().code, ErrorCode::kInvalidData);

    auto all = s().ListEvents(0, 10);
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ((*all)[0].seq, *s1);
    EXPECT_EQ((*all)[0].id, "ev_1");
    EXPECT_EQ((*all)[0].type, "broadcast.started");
    EXPECT_EQ((*all)[0].channel_id, c.id);
    EXPECT_EQ((*all)[0].at_ms, 100);
    EXPECT_EQ((*all)[0].payload, R"({"id":"ev_1"})");
    EXPECT_EQ((*all)[1].channel_id, 0);
    auto after = s().ListEvents(*s1, 10);
    ASSERT_EQ(after->size(), 2u);
    EXPECT_EQ((*after)[0].id, "ev_2");
    auto one = s().ListEvents(*s1, 1);
    ASSERT_EQ(one->size(), 1u);
    EXPECT_EQ((*one)[0].id, "ev_2");
    EXPECT_TRUE(s().ListEvents(*s3, 10)->empty());
}

TEST_P(ManagerStoreTest, Webhooks) {
    const Channel c = Create("hooked").channel;
    auto global = s().CreateWebhook(WebhookSpec{0, "https://example.org/hook", "s3cret", {}});
    ASSERT_TRUE(global.ok()) << global.error().message;
    EXPECT_GT(global->id, 0);
    EXPECT_EQ(global->channel_id, 0);
    EXPECT_TRUE(global->events.empty());
    EXPECT_TRUE(global->enabled);
    EXPECT_GT(global->created_at_ms, 0);
    auto own =
        s().CreateWebhook(WebhookSpec{c.id, "http://127.0.0.1:9/h?x=1", "k", {"broadcast.started", "broadcast.ended"}});
    ASSERT_TRUE(own.ok()) << own.error().message;
    EXPECT_EQ(own->channel_id, c.id);
    EXPECT_EQ(own->events, (std::vector<std::string>{"broadcast.started", "broadcast.ended"}));

    auto list = s().ListWebhooks();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].id, global->id);
    EXPECT_EQ((*list)[1].url, "http://127.0.0.1:9/h?x=1");
    EXPECT_EQ((*list)[1].secret, "k");
    auto got = s().GetWebhook(own->id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->events, own->events);
    EXPECT_EQ(s().GetWebhook(own->id + 100).error().code, ErrorCode::kNotFound);

    for (const WebhookSpec& bad :
         {WebhookSpec{0, "ftp://x/", "k", {}}, WebhookSpec{0, "", "k", {}}, WebhookSpec{0, "http://a b/", "k", {}},
          WebhookSpec{0, "https://x/", "", {}}, WebhookSpec{0, "https://x/", "k", {"a,b"}},
          WebhookSpec{0, "https://x/", "k", {""}}, WebhookSpec{0, "https://x/" + std::string(2048, 'p'), "k", {}}}) {
        auto r = s().CreateWebhook(bad);
        ASSERT_FALSE(r.ok()) << bad.url;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidData) << bad.url;
    }
    EXPECT_EQ(s().CreateWebhook(WebhookSpec{c.id + 100, "https://x/", "k", {}}).error().code, ErrorCode::kNotFound);

    EXPECT_TRUE(s().DeleteWebhook(global->id).ok());
    EXPECT_EQ(s().DeleteWebhook(global->id).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(s().ListWebhooks()->size(), 1u);
}

TEST_P(ManagerStoreTest, DeliveriesAreDueInOrder) {
    auto hook = s().CreateWebhook(WebhookSpec{0, "https://example.org/hook", "s", {}});
    ASSERT_TRUE(hook.ok());
    auto d1 = s().InsertDelivery(MakeDelivery(hook->id, "ev_1", 300));
    auto d2 = s().InsertDelivery(MakeDelivery(hook->id, "ev_2", 100));
    auto d3 = s().InsertDelivery(MakeDelivery(hook->id, "ev_3", 200));
    ASSERT_TRUE(d1.ok() && d2.ok() && d3.ok()) << (d1.ok() ? "" : d1.error().message);
    EXPECT_EQ(s().InsertDelivery(MakeDelivery(hook->id, "ev_1", 400)).error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(s().InsertDelivery(MakeDelivery(hook->id + 100, "ev_1", 400)).error().code, ErrorCode::kNotFound);

    auto due_ids = [&](int64_t now, size_t limit) {
        std::vector<int64_t> out;
        auto due = s().DueDeliveries(now, limit);
        EXPECT_TRUE(due.ok());
        if (due.ok())
            for (const auto& d : due.value()) out.push_back(d.id);
        return out;
    };
    EXPECT_EQ(due_ids(99, 10), (std::vector<int64_t>{}));
    EXPECT_EQ(due_ids(150, 10), (std::vector<int64_t>{*d2}));
    EXPECT_EQ(due_ids(1000, 10), (std::vector<int64_t>{*d2, *d3, *d1}));
    EXPECT_EQ(due_ids(1000, 1), (std::vector<int64_t>{*d2}));

    auto first = s().DueDeliveries(150, 1)->at(0);
    EXPECT_EQ(first.webhook_id, hook->id);
    EXPECT_EQ(first.event_id, "ev_2");
    EXPECT_EQ(first.event_type, "broadcast.started");
    EXPECT_EQ(first.payload, "{}");
    EXPECT_EQ(first.state, DeliveryState::kPending);
    EXPECT_EQ(first.created_at_ms, 1000);
    EXPECT_EQ(first.updated_at_ms, 1000);

    first.state = DeliveryState::kDelivered;
    first.attempts = 1;
    first.last_status = 204;
    first.updated_at_ms = 1100;
    ASSERT_TRUE(s().UpdateDelivery(first).ok());
    WebhookDelivery retry = s().DueDeliveries(1000, 1)->at(0);
    EXPECT_EQ(retry.id, *d3);
    retry.attempts = 1;
    retry.last_status = 0;
    retry.last_error = "connection refused";
    retry.next_attempt_at_ms = 5000;
    ASSERT_TRUE(s().UpdateDelivery(retry).ok());
    EXPECT_EQ(due_ids(1000, 10), (std::vector<int64_t>{*d1}));
    EXPECT_EQ(due_ids(5000, 10), (std::vector<int64_t>{*d1, *d3}));

    WebhookDelivery unknown = retry;
    unknown.id = *d3 + 100;
    EXPECT_EQ(s().UpdateDelivery(unknown).error().code, ErrorCode::kNotFound);

    auto history = s().ListDeliveries(hook->id, 10);
    ASSERT_TRUE(history.ok());
    ASSERT_EQ(history->size(), 3u);
    EXPECT_EQ((*history)[0].id, *d3);  // newest first
    EXPECT_EQ((*history)[0].last_error, "connection refused");
    EXPECT_EQ((*history)[0].attempts, 1);
    EXPECT_EQ((*history)[0].next_attempt_at_ms, 5000);
    EXPECT_EQ((*history)[1].id, *d2);
    EXPECT_EQ((*history)[1].state, DeliveryState::kDelivered);
    EXPECT_EQ((*history)[1].last_status, 204);
    EXPECT_EQ((*history)[1].updated_at_ms, 1100);
    EXPECT_EQ(s().ListDeliveries(hook->id, 1)->size(), 1u);

    ASSERT_TRUE(s().DeleteWebhook(hook->id).ok());
    EXPECT_TRUE(s().ListDeliveries(hook->id, 10)->empty());
    EXPECT_EQ(CountRows("webhook_deliveries"), 0);
}

TEST_P(ManagerStoreTest, DeletingAChannelDeletesItsBroadcastsAndWebhooks) {
    const Channel gone = Create("gone").channel;
    const Channel kept = Create("kept").channel;
    ASSERT_TRUE(s().InsertBroadcast(MakeBroadcast("br_g1", gone, 1000)).ok());
    ASSERT_TRUE(s().InsertBroadcast(MakeBroadcast("br_g2", gone, 2000)).ok());
    ASSERT_TRUE(s().InsertBroadcast(MakeBroadcast("br_k1", kept, 1500)).ok());
    auto gone_hook = s().CreateWebhook(WebhookSpec{gone.id, "https://x/gone", "s", {}});
    auto kept_hook = s().CreateWebhook(WebhookSpec{kept.id, "https://x/kept", "s", {}});
    auto global_hook = s().CreateWebhook(WebhookSpec{0, "https://x/all", "s", {}});
    ASSERT_TRUE(gone_hook.ok() && kept_hook.ok() && global_hook.ok());
    ASSERT_TRUE(s().InsertDelivery(MakeDelivery(gone_hook->id, "ev_1", 1)).ok());
    ASSERT_TRUE(s().InsertDelivery(MakeDelivery(global_hook->id, "ev_1", 1)).ok());
    ASSERT_TRUE(s().AppendEvent(MakeEvent("ev_1", gone.id, 1000)).ok());

    ASSERT_TRUE(s().DeleteChannel("gone").ok());
    EXPECT_EQ(s().GetBroadcast("br_g1").error().code, ErrorCode::kNotFound);
    EXPECT_EQ(s().GetBroadcast("br_g2").error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(s().GetBroadcast("br_k1").ok());
    EXPECT_TRUE(s().ListBroadcasts(gone.id, 0, 10)->empty());
    EXPECT_EQ(s().GetWebhook(gone_hook->id).error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(s().GetWebhook(kept_hook->id).ok());
    EXPECT_TRUE(s().GetWebhook(global_hook->id).ok());
    EXPECT_EQ(CountRows("webhook_deliveries"), 1);
    EXPECT_EQ(s().ListEvents(0, 10)->size(), 1u);  // the history stays
}

TEST_P(ManagerStoreTest, RecordingsAreUpsertedAndListedNewestFirst) {
    const Channel studio = Create("studio").channel;
    Recording a = MakeRecording("br_a", "studio", 1000);
    auto stored = s().UpsertRecording(a);
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    EXPECT_TRUE(*stored);
    auto got = s().GetRecording("br_a");
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->channel, "studio");
    EXPECT_EQ(got->channel_id, studio.id);
    EXPECT_EQ(got->state, RecordingState::kRecording);
    EXPECT_EQ(got->vod_url, "/vod/br_a/index.m3u8");
    EXPECT_EQ(got->mp4_url, "");
    EXPECT_EQ(got->error, "");
    EXPECT_EQ(got->node, "origin-1");
    EXPECT_GT(got->updated_at_ms, 0);

    // Progress, then finalized with every field.
    a.duration_ms = 10000;
    a.bytes = 5000;
    a.segments = 5;
    EXPECT_TRUE(s().UpsertRecording(a).value());
    a.state = RecordingState::kComplete;
    a.ended_at_ms = 21000;
    a.duration_ms = 20000;
    a.bytes = 9000;
    a.segments = 10;
    a.discontinuities = 1;
    a.mp4_url = "https://cdn.example/vod/br_a/recording.mp4";
    a.expires_at_ms = 99000;
    EXPECT_TRUE(s().UpsertRecording(a).value());
    got = s().GetRecording("br_a");
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->state, RecordingState::kComplete);
    EXPECT_EQ(got->ended_at_ms, 21000);
    EXPECT_EQ(got->duration_ms, 20000);
    EXPECT_EQ(got->bytes, 9000);
    EXPECT_EQ(got->segments, 10);
    EXPECT_EQ(got->discontinuities, 1);
    EXPECT_EQ(got->mp4_url, "https://cdn.example/vod/br_a/recording.mp4");
    EXPECT_EQ(got->expires_at_ms, 99000);

    // A channel that does not exist (any more) keeps its recordings by name.
    ASSERT_TRUE(s().UpsertRecording(MakeRecording("br_b", "studio", 3000)).ok());
    ASSERT_TRUE(s().UpsertRecording(MakeRecording("br_c", "studio", 2000)).ok());
    ASSERT_TRUE(s().UpsertRecording(MakeRecording("br_x", "elsewhere", 2500)).ok());
    EXPECT_EQ(s().GetRecording("br_x")->channel_id, 0);
    auto list = s().ListRecordings("studio", 0, 10, false);
    ASSERT_TRUE(list.ok()) << list.error().message;
    ASSERT_EQ(list->size(), 3u);
    EXPECT_EQ((*list)[0].id, "br_b");
    EXPECT_EQ((*list)[1].id, "br_c");
    EXPECT_EQ((*list)[2].id, "br_a");
    auto page = s().ListRecordings("studio", 3000, 1, false);
    ASSERT_EQ(page->size(), 1u);
    EXPECT_EQ((*page)[0].id, "br_c");
    EXPECT_EQ(s().ListRecordings("elsewhere", 0, 10, false)->size(), 1u);
    EXPECT_TRUE(s().ListRecordings("nosuch", 0, 10, false)->empty());

    ASSERT_TRUE(s().DeleteChannel("studio").ok());
    got = s().GetRecording("br_a");
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->channel_id, 0);
    EXPECT_EQ(s().ListRecordings("studio", 0, 10, false)->size(), 3u);
    EXPECT_EQ(s().GetRecording("br_nosuch").error().code, ErrorCode::kNotFound);
}

TEST_P(ManagerStoreTest, ARecordingNeverMovesBackwards) {
    Recording r = MakeRecording("br_r", "studio", 1000);
    r.duration_ms = 20000;
    r.bytes = 800;
    ASSERT_TRUE(s().UpsertRecording(r).value());
    // An older update (shorter) is ignored; the same one again is harmless.
    Recording older = r;
    older.duration_ms = 10000;
    older.bytes = 900;
    EXPECT_FALSE(s().UpsertRecording(older).value());
    Recording fewer_bytes = r;
    fewer_bytes.bytes = 700;
    EXPECT_FALSE(s().UpsertRecording(fewer_bytes).value());
    EXPECT_TRUE(s().UpsertRecording(r).value());
    EXPECT_EQ(s().GetRecording("br_r")->duration_ms, 20000);

    Recording done = r;
    done.state = RecordingState::kComplete;
    done.mp4_url = "/vod/br_r/recording.mp4";
    ASSERT_TRUE(s().UpsertRecording(done).value());
    // A late recording.updated, even a longer one, does not resurrect it.
    Recording late = r;
    late.duration_ms = 30000;
    EXPECT_FALSE(s().UpsertRecording(late).value());
    auto got = s().GetRecording("br_r");
    EXPECT_EQ(got->state, RecordingState::kComplete);
    EXPECT_EQ(got->duration_ms, 20000);
    EXPECT_EQ(got->mp4_url, "/vod/br_r/recording.mp4");

    // Asked to delete: repeated asks return it again; updates of a lower
    // state do not undo it; the origin's deleted does; then nothing else.
    auto deleting = s().MarkRecordingDeleting("br_r");
    ASSERT_TRUE(deleting.ok()) << deleting.error().message;
    EXPECT_EQ(deleting->state, RecordingState::kDeleting);
    EXPECT_EQ(deleting->mp4_url, "/vod/br_r/recording.mp4");
    EXPECT_EQ(s().MarkRecordingDeleting("br_r")->state, RecordingState::kDeleting);
    done.duration_ms = 40000;
    EXPECT_FALSE(s().UpsertRecording(done).value());
    EXPECT_EQ(s().GetRecording("br_r")->state, RecordingState::kDeleting);
    EXPECT_EQ(s().ListRecordings("studio", 0, 10, false)->size(), 1u);  // deleting is still listed

    Recording deleted = done;
    deleted.state = RecordingState::kDeleted;
    deleted.duration_ms = 20000;
    ASSERT_TRUE(s().UpsertRecording(deleted).value());
    EXPECT_FALSE(s().UpsertRecording(late).value());
    EXPECT_FALSE(s().UpsertRecording(done).value());
    EXPECT_EQ(s().GetRecording("br_r")->state, RecordingState::kDeleted);
    EXPECT_EQ(s().MarkRecordingDeleting("br_r").error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(s().MarkRecordingDeleting("br_nosuch").error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(s().ListRecordings("studio", 0, 10, false)->empty());
    auto all = s().ListRecordings("studio", 0, 10, true);
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ((*all)[0].state, RecordingState::kDeleted);

    // Failed ranks with complete: a recording that failed after some
    // progress is shown failed with its error.
    Recording failing = MakeRecording("br_f", "studio", 5000);
    failing.duration_ms = 4000;
    ASSERT_TRUE(s().UpsertRecording(failing).value());
    failing.state = RecordingState::kFailed;
    failing.error = "disk full (ENOSPC)";
    ASSERT_TRUE(s().UpsertRecording(failing).value());
    EXPECT_EQ(s().GetRecording("br_f")->error, "disk full (ENOSPC)");
    EXPECT_EQ(s().GetRecording("br_f")->state, RecordingState::kFailed);
}

TEST_P(ManagerStoreTest, InvalidRecordingsAreRefused) {
    auto code = [&](const Recording& r) {
        auto st = s().UpsertRecording(r);
        return st.ok() ? ErrorCode::kInternal : st.error().code;
    };
    Recording r = MakeRecording("", "studio", 1000);
    EXPECT_EQ(code(r), ErrorCode::kInvalidData);
    r = MakeRecording("br_1", "Bad Name", 1000);
    EXPECT_EQ(code(r), ErrorCode::kInvalidData);
    r = MakeRecording("br_1", "studio", 0);
    EXPECT_EQ(code(r), ErrorCode::kInvalidData);
    r = MakeRecording(std::string(129, 'a'), "studio", 1000);
    EXPECT_EQ(code(r), ErrorCode::kInvalidData);
    r = MakeRecording("br_1", "studio", 1000);
    r.bytes = -1;
    EXPECT_EQ(code(r), ErrorCode::kInvalidData);
    r.bytes = 0;
    r.vod_url = std::string(2049, 'a');
    EXPECT_EQ(code(r), ErrorCode::kInvalidData);
    EXPECT_EQ(CountRows("recordings"), 0);
}

TEST_P(ManagerStoreTest, Settings) {
    EXPECT_FALSE(s().GetSetting("admin_token_hash")->has_value());
    ASSERT_TRUE(s().PutSetting("admin_token_hash", "aa").ok());
    EXPECT_EQ(s().GetSetting("admin_token_hash")->value_or(""), "aa");
    ASSERT_TRUE(s().PutSetting("admin_token_hash", "bb").ok());
    EXPECT_EQ(s().GetSetting("admin_token_hash")->value_or(""), "bb");
    ASSERT_TRUE(s().PutSetting("empty", "").ok());
    EXPECT_EQ(s().GetSetting("empty")->value_or("unset"), "");
    EXPECT_EQ(s().PutSetting("", "x").error().code, ErrorCode::kInvalidData);
    EXPECT_EQ(CountRows("settings"), 2);
}

TEST_P(ManagerStoreTest, RefusesANewerSchema) {
    store_.reset();
    {
        auto raw = db_->Connect();
        ASSERT_TRUE(raw.ok());
        ASSERT_TRUE((*raw)->Run("INSERT INTO schema_version (version) VALUES (99)").ok());
    }
    auto s = OpenStore(db_->location());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kUnsupported);
    EXPECT_NE(s.error().message.find("newer"), std::string::npos) << s.error().message;
}

TEST_P(ManagerStoreTest, TwoStoresShareTheDatabase) {
    auto other = Open();
    ASSERT_TRUE(other);
    const auto c = Create("shared");
    auto found = other->FindChannelByKey(c.stream_key);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ((*found)->name, "shared");
    auto key = other->RotateKey("shared");
    ASSERT_TRUE(key.ok());
    EXPECT_FALSE(s().FindChannelByKey(c.stream_key)->has_value());
    EXPECT_TRUE(s().FindChannelByKey(key.value())->has_value());
}

// Four threads over two stores (two connections): every write lands once and
// every thread sees its own events in increasing seq order.
TEST_P(ManagerStoreTest, ConcurrentUseFromFourThreads) {
    auto second = Open();
    ASSERT_TRUE(second);
    constexpr int kThreads = 4;
    constexpr int kRounds = 20;
    std::vector<std::vector<int64_t>> seqs(kThreads);
    std::vector<std::string> errors(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            ManagerStore& store = t % 2 ? *second : s();
            auto fail = [&](const std::string& what) {
                if (errors[t].empty()) errors[t] = what;
            };
            auto created = store.CreateChannel(ChannelSpec{"t" + std::to_string(t), "", true});
            if (!created.ok()) return fail("create: " + created.error().message);
            for (int i = 0; i < kRounds; ++i) {
                const std::string id = std::to_string(t) + "_" + std::to_string(i);
                auto seq = store.AppendEvent(MakeEvent("ev_" + id, created->channel.id, i));
                if (!seq.ok()) return fail("event: " + seq.error().message);
                seqs[t].push_back(seq.value());
                if (auto st = store.InsertBroadcast(MakeBroadcast("br_" + id, created->channel, 1000 + i)); !st.ok())
                    return fail("broadcast: " + st.error().message);
                auto found = store.FindChannelByKey(created->stream_key);
                if (!found.ok() || !found->has_value()) return fail("find by key");
                if (auto st = store.PutSetting("last", id); !st.ok()) return fail("setting: " + st.error().message);
            }
        });
    }
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) EXPECT_EQ(errors[t], "") << "thread " << t;
    std::set<int64_t> all;
    for (const auto& v : seqs) {
        EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
        all.insert(v.begin(), v.end());
    }
    EXPECT_EQ(all.size(), size_t{kThreads * kRounds});
    auto events = s().ListEvents(0, 1000);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), size_t{kThreads * kRounds});
    for (size_t i = 1; i < events->size(); ++i) EXPECT_LT((*events)[i - 1].seq, (*events)[i].seq);
    EXPECT_EQ(s().ListChannels()->size(), size_t{kThreads});
    EXPECT_EQ(CountRows("broadcasts"), kThreads * kRounds);
    EXPECT_EQ(s().ListLiveBroadcasts()->size(), size_t{kThreads * kRounds});
}

INSTANTIATE_TEST_SUITE_P(Backends, ManagerStoreTest, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& p) { return test::BackendName(p.param); });

}  // namespace
}  // namespace onair::store
