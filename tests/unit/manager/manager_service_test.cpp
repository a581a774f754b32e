// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/manager_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "onair/manager/webhook_dispatcher.h"

namespace onair::manager {
namespace {

using store::EndReason;

class Recorder : public EventListener {
public:
    void OnEvent(const store::Event& e) override { events.push_back(e); }
    std::vector<std::string> Types() const {
        std::vector<std::string> t;
        for (const auto& e : events) t.push_back(e.type);
        return t;
    }
    std::vector<store::Event> events;
};

class ManagerServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("onair-manager-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
        auto s = store::OpenStore((dir_ / "onair.db").string());
        ASSERT_TRUE(s.ok()) << s.error().message;
        store_ = std::move(s.value());
        auto c = store_->CreateChannel({"studio", "Studio", true});
        ASSERT_TRUE(c.ok());
        key_ = c->stream_key;
        Restart();
    }
    void TearDown() override {
        service_.reset();
        store_.reset();
        std::filesystem::remove_all(dir_);
    }
    void Restart() {
        service_ = std::make_unique<ManagerService>(*store_, options_, [this] { return now_; });
        recorder_ = std::make_unique<Recorder>();
        service_->AddListener(recorder_.get());
    }
    server::PublishAttempt Attempt(std::string key, std::string ip = "192.0.2.10") {
        server::PublishAttempt a;
        a.app = "live";
        a.stream_key = std::move(key);
        a.client_ip = std::move(ip);
        a.node = "local";
        return a;
    }
    server::BroadcastStats Stats(const std::string& id) {
        server::BroadcastStats s;
        s.broadcast_id = id;
        s.channel = "studio";
        s.fps = 30;
        s.width = 1280;
        s.height = 720;
        s.video_kbps = 2500;
        return s;
    }

    std::filesystem::path dir_;
    std::unique_ptr<store::ManagerStore> store_;
    ManagerOptions options_;
    int64_t now_ = 1'700'000'000'000;
    std::unique_ptr<ManagerService> service_;
    std::unique_ptr<Recorder> recorder_;
    std::string key_;
};

TEST_F(ManagerServiceTest, GoodKeyStartsABroadcastAndAnnouncesIt) {
    auto v = service_->AuthorizePublish(Attempt(key_));
    ASSERT_TRUE(v.allowed) << v.reason;
    EXPECT_EQ(v.channel, "studio");
    EXPECT_EQ(v.broadcast_id.rfind("br_", 0), 0u);
    ASSERT_EQ(recorder_->Types(), std::vector<std::string>{"broadcast.started"});
    auto payload = nlohmann::json::parse(recorder_->events[0].payload);
    EXPECT_EQ(payload["channel"]["name"], "studio");
    EXPECT_EQ(payload["broadcast"]["id"], v.broadcast_id);
    EXPECT_EQ(payload["type"], "broadcast.started");
    auto live = service_->LiveBroadcastOf("studio");
    ASSERT_TRUE(live.has_value());
    EXPECT_EQ(live->broadcast.id, v.broadcast_id);
    auto stored = store_->GetBroadcast(v.broadcast_id);
    ASSERT_TRUE(stored.ok());
    EXPECT_TRUE(stored->live());
}

TEST_F(ManagerServiceTest, WrongKeyIsRejectedWithAnEventThatHoldsNoKey) {
    auto v = service_->AuthorizePublish(Attempt("sk_wrong_guess"));
    EXPECT_FALSE(v.allowed);
    EXPECT_FALSE(v.retry_later);
    EXPECT_EQ(v.reason, "invalid stream key");
    ASSERT_EQ(recorder_->Types(), std::vector<std::string>{"publish.rejected"});
    EXPECT_EQ(recorder_->events[0].payload.find("sk_wrong_guess"), std::string::npos);
    auto payload = nlohmann::json::parse(recorder_->events[0].payload);
    EXPECT_TRUE(payload["channel"].is_null());
    EXPECT_EQ(payload["client_ip"], "192.0.2.10");
    EXPECT_FALSE(service_->AuthorizePublish(Attempt("")).allowed);
}

TEST_F(ManagerServiceTest, RepeatedFailuresFromOneAddressAreRateLimited) {
    for (uint32_t i = 0; i < options_.max_failed_publishes; ++i) {
        EXPECT_EQ(service_->AuthorizePublish(Attempt("sk_guess" + std::to_string(i))).reason, "invalid stream key");
    }
    const size_t events = recorder_->events.size();
    // Now even the right key is refused from that address, without events...
    auto limited = service_->AuthorizePublish(Attempt(key_));
    EXPECT_FALSE(limited.allowed);
    EXPECT_NE(limited.reason.find("too many failed attempts"), std::string::npos);
    EXPECT_EQ(recorder_->events.size(), events);
    // ...but not from another address,
    EXPECT_TRUE(service_->AuthorizePublish(Attempt(key_, "192.0.2.99")).allowed);
    // and the address may try again once the window has passed.
    now_ += options_.failed_publish_window_ms;
    EXPECT_TRUE(service_->AuthorizePublish(Attempt(key_)).allowed);
}

TEST_F(ManagerServiceTest, DisabledChannelRefusesAndDisablingKicks) {
    auto v = service_->AuthorizePublish(Attempt(key_));
    ASSERT_TRUE(v.allowed);
    ASSERT_TRUE(service_->UpdateChannel("studio", {std::nullopt, false}).ok());
    EXPECT_FALSE(service_->LiveBroadcastOf("studio").has_value());
    EXPECT_TRUE(service_->ReportStats(Stats(v.broadcast_id)));  // the ingest must drop it
    EXPECT_EQ(store_->GetBroadcast(v.broadcast_id)->end_reason, EndReason::kKicked);
    auto refused = service_->AuthorizePublish(Attempt(key_));
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.reason, "channel disabled");
}

TEST_F(ManagerServiceTest, SameKeyAgainTakesOver) {
    auto first = service_->AuthorizePublish(Attempt(key_));
    auto second = service_->AuthorizePublish(Attempt(key_, "192.0.2.11"));
    ASSERT_TRUE(first.allowed && second.allowed);
    EXPECT_NE(first.broadcast_id, second.broadcast_id);
    EXPECT_EQ(recorder_->Types(),
              (std::vector<std::string>{"broadcast.started", "broadcast.ended", "broadcast.started"}));
    EXPECT_EQ(nlohmann::json::parse(recorder_->events[1].payload)["reason"], "taken_over");
    // The old session's own report of its end does not change the reason.
    service_->PublishEnded(first.broadcast_id, EndReason::kUnexpected);
    EXPECT_EQ(store_->GetBroadcast(first.broadcast_id)->end_reason, EndReason::kTakenOver);
    EXPECT_EQ(recorder_->events.size(), 3u);
    EXPECT_EQ(service_->LiveBroadcastOf("studio")->broadcast.id, second.broadcast_id);
}

TEST_F(ManagerServiceTest, PublisherClosingEndsOnceWithItsReason) {
    auto v = service_->AuthorizePublish(Attempt(key_));
    now_ += 42'000;
    EXPECT_FALSE(service_->ReportStats(Stats(v.broadcast_id)));
    service_->PublishEnded(v.broadcast_id, EndReason::kPublisherClosed);
    service_->PublishEnded(v.broadcast_id, EndReason::kUnexpected);
    auto b = store_->GetBroadcast(v.broadcast_id);
    ASSERT_TRUE(b.ok());
    EXPECT_FALSE(b->live());
    EXPECT_EQ(b->end_reason, EndReason::kPublisherClosed);
    EXPECT_EQ(b->ended_at_ms, now_);
    auto ended = nlohmann::json::parse(recorder_->events.back().payload);
    EXPECT_EQ(ended["type"], "broadcast.ended");
    EXPECT_EQ(ended["reason"], "publisher_closed");
    EXPECT_EQ(ended["broadcast"]["duration_ms"], 42'000);
    EXPECT_EQ(ended["broadcast"]["stats"]["fps"], 30);  // the last stats travel with the end
    EXPECT_NE(b->stats_json.find("\"width\":1280"), std::string::npos);
}

TEST_F(ManagerServiceTest, KickEndsTheBroadcastAndTellsTheIngestAtItsNextReport) {
    EXPECT_EQ(service_->Kick("studio").error().code, base::ErrorCode::kNotFound);
    auto v = service_->AuthorizePublish(Attempt(key_));
    EXPECT_FALSE(service_->ReportStats(Stats(v.broadcast_id)));
    ASSERT_TRUE(service_->Kick("studio").ok());
    EXPECT_TRUE(service_->ReportStats(Stats(v.broadcast_id)));
    EXPECT_EQ(store_->GetBroadcast(v.broadcast_id)->end_reason, EndReason::kKicked);
    EXPECT_TRUE(service_->ReportStats(Stats("br_unknown")));
}

TEST_F(ManagerServiceTest, SilentIngestEndsTheBroadcastAsUnexpectedWithinTheHeartbeatTimeout) {
    auto v = service_->AuthorizePublish(Attempt(key_));
    for (int i = 0; i < 10; ++i) {  // reported every second: stays live
        now_ += 1000;
        EXPECT_FALSE(service_->ReportStats(Stats(v.broadcast_id)));
        EXPECT_EQ(service_->Sweep(), 0u);
    }
    now_ += options_.heartbeat_timeout_ms - 1;
    EXPECT_EQ(service_->Sweep(), 0u);
    now_ += 1;
    EXPECT_EQ(service_->Sweep(), 1u);
    EXPECT_EQ(store_->GetBroadcast(v.broadcast_id)->end_reason, EndReason::kUnexpected);
    EXPECT_EQ(nlohmann::json::parse(recorder_->events.back().payload)["reason"], "unexpected");
}

TEST_F(ManagerServiceTest, LiveBroadcastsSurviveARestartOnlyIfTheirIngestKeepsReporting) {
    auto a = service_->AuthorizePublish(Attempt(key_));
    auto other = store_->CreateChannel({"news", "", true});
    auto b = service_->AuthorizePublish(Attempt(other->stream_key));
    ASSERT_TRUE(a.allowed && b.allowed);
    Restart();
    EXPECT_EQ(service_->LiveBroadcasts().size(), 2u);
    now_ += 2000;
    EXPECT_FALSE(service_->ReportStats(Stats(a.broadcast_id)));
    now_ += options_.heartbeat_timeout_ms - 2000;
    EXPECT_EQ(service_->Sweep(), 1u);
    EXPECT_TRUE(store_->GetBroadcast(a.broadcast_id)->live());
    EXPECT_FALSE(store_->GetBroadcast(b.broadcast_id)->live());
}

TEST_F(ManagerServiceTest, DeletingALiveChannelKicksItFirst) {
    auto v = service_->AuthorizePublish(Attempt(key_));
    ASSERT_TRUE(service_->DeleteChannel("studio").ok());
    EXPECT_TRUE(service_->ReportStats(Stats(v.broadcast_id)));
    EXPECT_EQ(service_->DeleteChannel("studio").error().code, base::ErrorCode::kNotFound);
    EXPECT_EQ(recorder_->Types().back(), "broadcast.ended");
}

TEST(WebhookSignature, MatchesAnIndependentHmacSha256) {
    // python3: hmac.new(b'whsec_test', b'1700000000.{"type":"broadcast.started"}', hashlib.sha256).hexdigest()
    EXPECT_EQ(SignWebhook("whsec_test", 1700000000, R"({"type":"broadcast.started"})"),
              "t=1700000000,v1=b78b5db980bf99cf6a41fbfba0eb277ec3bb28fef7da0c07a61627207cc932f1");
}

TEST_F(ManagerServiceTest, WebhooksAreSignedRetriedWithBackoffAndRecorded) {
    store::WebhookSpec global;
    global.url = "http://hooks.example/all";
    global.secret = "s1";
    auto g = store_->CreateWebhook(global);
    store::WebhookSpec only_ended;
    only_ended.url = "http://hooks.example/ended";
    only_ended.secret = "s2";
    only_ended.channel_id = store_->GetChannel("studio")->id;
    only_ended.events = {"broadcast.ended"};
    auto e = store_->CreateWebhook(only_ended);
    ASSERT_TRUE(g.ok() && e.ok());

    std::vector<WebhookRequest> sent;
    int fail_first = 2;
    WebhookDispatcher dispatcher(
        *store_,
        [&](const WebhookRequest& r) {
            sent.push_back(r);
            if (r.url.ends_with("/all") && fail_first-- > 0) return WebhookResult{503, ""};
            return WebhookResult{204, ""};
        },
        WebhookOptions{}, [this] { return now_; });
    service_->AddListener(&dispatcher);

    auto v = service_->AuthorizePublish(Attempt(key_));
    service_->PublishEnded(v.broadcast_id, EndReason::kPublisherClosed);
    EXPECT_EQ(dispatcher.RunDue(), 3u);  // started → all, ended → all, ended → ended-only
    ASSERT_EQ(sent.size(), 3u);
    for (const auto& r : sent) {
        auto header = [&](std::string_view name) {
            for (const auto& [k, val] : r.headers)
                if (k == name) return val;
            return std::string();
        };
        const std::string secret = r.url.ends_with("/all") ? "s1" : "s2";
        EXPECT_EQ(header("X-Onair-Signature"), SignWebhook(secret, now_ / 1000, r.body));
        EXPECT_EQ(header("Content-Type"), "application/json");
        EXPECT_EQ(nlohmann::json::parse(r.body)["type"], header("X-Onair-Event"));
    }
    // Both deliveries to /all failed once: nothing is due before their
    // first retry, 1 s later, which succeeds.
    EXPECT_EQ(dispatcher.RunDue(), 0u);
    now_ += 1000;
    EXPECT_EQ(dispatcher.RunDue(), 2u);
    now_ += 2000;
    EXPECT_EQ(dispatcher.RunDue(), 0u);  // delivered: nothing left to retry
    auto deliveries = store_->ListDeliveries(g->id, 10);
    ASSERT_TRUE(deliveries.ok());
    ASSERT_EQ(deliveries->size(), 2u);
    for (const auto& d : deliveries.value()) {
        EXPECT_EQ(d.state, store::DeliveryState::kDelivered);
        EXPECT_EQ(d.attempts, 2);
        EXPECT_EQ(d.last_status, 204);
    }
}

TEST_F(ManagerServiceTest, AWebhookThatNeverAnswersFailsAfterMaxAttempts) {
    store::WebhookSpec spec;
    spec.url = "http://hooks.example/down";
    spec.secret = "s";
    auto hook = store_->CreateWebhook(spec);
    WebhookOptions opts;
    opts.max_attempts = 4;
    int calls = 0;
    WebhookDispatcher dispatcher(
        *store_, [&](const WebhookRequest&) { ++calls; return WebhookResult{0, "connection refused"}; }, opts,
        [this] { return now_; });
    service_->AddListener(&dispatcher);
    (void)service_->AuthorizePublish(Attempt("sk_bad"));  // one publish.rejected event
    for (int i = 0; i < 20; ++i) {
        dispatcher.RunDue();
        now_ += 60'000;
    }
    EXPECT_EQ(calls, 4);
    auto d = store_->ListDeliveries(hook->id, 10);
    ASSERT_EQ(d->size(), 1u);
    EXPECT_EQ((*d)[0].state, store::DeliveryState::kFailed);
    EXPECT_EQ((*d)[0].last_error, "connection refused");
}

}  // namespace
}  // namespace onair::manager
