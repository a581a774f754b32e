// SPDX-License-Identifier: Apache-2.0
// Recordings end to end inside the manager: an origin's recording.* events
// on a real in-process bus, BusEventConsumer, the store, and the REST routes
// through the Router as a client calls them; DELETE's recording.delete_requested
// back on the bus. Also the event parser's limits and the OpenAPI document
// against the routes.
#include <gtest/gtest.h>

#include <boost/beast/http/fields.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "onair/bus/in_process_bus.h"
#include "onair/manager/admin_token.h"
#include "onair/manager/api_routes.h"
#include "onair/manager/bus_events.h"
#include "onair/manager/recording_events.h"
#include "onair/runtime/metrics.h"
#include "onair/server/http/router.h"

namespace onair::manager {
namespace {

using nlohmann::json;
using server::http::HttpMethod;

constexpr int64_t kStart = 1'796'400'000'000;  // 2026-12-04T16:00:00Z
const std::string kToken = "oat_recordings_test_token";

// Every event the bus carries, as the origin (or kcat) would see it.
class EventLog : public bus::EventSink {
public:
    void OnEvent(std::string_view key, std::string_view value) override {
        events.emplace_back(std::string(key), json::parse(value, nullptr, /*allow_exceptions=*/false));
    }
    std::vector<std::pair<std::string, json>> events;
};

json OriginEvent(const std::string& type, const std::string& id, const std::string& state, int64_t duration_ms,
                 int64_t bytes) {
    json rec = {{"id", id},
                {"broadcast_id", id},
                {"channel", "studio"},
                {"state", state},
                {"started_at", "2026-12-04T16:00:00.000Z"},
                {"ended_at", nullptr},
                {"duration_ms", duration_ms},
                {"bytes", bytes},
                {"segments", duration_ms / 2000},
                {"discontinuities", 0},
                {"vod_url", "/vod/" + id + "/index.m3u8"},
                {"mp4_url", nullptr},
                {"expires_at", nullptr},
                {"error", nullptr}};
    if (state == "complete" || state == "deleted") {
        rec["ended_at"] = "2026-12-04T16:01:00.000Z";
        rec["mp4_url"] = "/vod/" + id + "/recording.mp4";
        rec["expires_at"] = "2027-01-03T16:01:00.000Z";
    }
    return {{"id", "ev_" + id + type},
            {"type", type},
            {"at", "2026-12-04T16:01:00.000Z"},
            {"version", 1},
            {"source", "origin"},
            {"node", "origin-1"},
            {"channel", {{"name", "studio"}}},
            {"recording", rec},
            {"retention", {{"max_age_s", 2592000}, {"max_bytes_per_channel", 0}}}};
}

class RecordingsTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("onair-recordings-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
        auto s = store::OpenStore((dir_ / "onair.db").string());
        ASSERT_TRUE(s.ok()) << s.error().message;
        store_ = std::move(s.value());
        ASSERT_TRUE(store_->CreateChannel({"studio", "Studio", true}).ok());
        ASSERT_TRUE(store_->CreateChannel({"other", "", true}).ok());
        bus_ = std::make_unique<bus::InProcessBus>(metrics_);
        StartManager();
        log_subscription_ = bus_->SubscribeEvents(log_);
    }
    void TearDown() override {
        StopManager();
        log_subscription_.reset();
        bus_.reset();
        store_.reset();
        std::filesystem::remove_all(dir_);
    }

    // The manager as ManagerStack wires it: events onto the bus, the bus's
    // events into the consumer, whose work is posted (here: queued and run
    // by RunPosted, as a worker would).
    void StartManager() {
        service_ = std::make_unique<ManagerService>(*store_, ManagerOptions{}, [this] { return now_; });
        publisher_ = std::make_unique<BusEventPublisher>(*bus_);
        service_->AddListener(publisher_.get());
        consumer_ = std::make_unique<BusEventConsumer>(
            *service_, [this](std::function<void()> work) { posted_.push_back(std::move(work)); });
        consumer_subscription_ = bus_->SubscribeEvents(*consumer_);
        auto token = AdminToken::Load(*store_, kToken);
        ASSERT_TRUE(token.ok());
        token_ = std::make_unique<AdminToken>(token->token);
        router_ = std::make_unique<server::http::Router>();
        ApiOptions options;
        options.urls.http_base = "http://test";
        options.urls.rtmp_base = "rtmp://test/live";
        options.urls.app = "live";
        AddApiRoutes(*router_, *service_, *token_, options);
    }
    void StopManager() {
        consumer_subscription_.reset();
        router_.reset();
        consumer_.reset();
        service_.reset();
        publisher_.reset();
    }

    void Publish(const json& event) { bus_->PublishEvent("studio", event.dump()); }
    size_t RunPosted() {
        auto work = std::move(posted_);
        posted_.clear();
        for (auto& w : work) w();
        return work.size();
    }

    struct Reply {
        unsigned status = 0;
        json body;
    };
    Reply Call(HttpMethod verb, const std::string& target, bool auth = true) {
        const size_t q = target.find('?');
        const std::string path = target.substr(0, q);
        const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
        boost::beast::http::fields fields;
        if (auth) fields.set(boost::beast::http::field::authorization, "Bearer " + kToken);
        server::http::HttpRequest req;
        req.method = server::http::HttpMethodName(verb);
        req.verb = verb;
        req.path = path;
        req.query = query;
        req.client_ip = "127.0.0.1";
        req.fields = &fields;
        auto r = router_->Handle(req);
        Reply out;
        out.status = r.status;
        out.body = r.body.empty() ? json() : json::parse(r.body.view(), nullptr, false);
        return out;
    }
    Reply Get(const std::string& target) { return Call(HttpMethod::kGet, target); }

    std::filesystem::path dir_;
    std::unique_ptr<store::ManagerStore> store_;
    runtime::Metrics metrics_;
    std::unique_ptr<bus::InProcessBus> bus_;
    std::unique_ptr<ManagerService> service_;
    std::unique_ptr<BusEventPublisher> publisher_;
    std::unique_ptr<BusEventConsumer> consumer_;
    std::unique_ptr<bus::Subscription> consumer_subscription_;
    std::unique_ptr<AdminToken> token_;
    std::unique_ptr<server::http::Router> router_;
    EventLog log_;
    std::unique_ptr<bus::Subscription> log_subscription_;
    std::vector<std::function<void()>> posted_;
    int64_t now_ = kStart + 120'000;
};

TEST_F(RecordingsTest, TheOriginsEventsFillTheCatalogThatTheApiShows) {
    auto empty = Get("/api/v1/channels/studio/recordings");
    ASSERT_EQ(empty.status, 200u) << empty.body.dump();
    EXPECT_EQ(empty.body, json({{"recordings", json::array()}, {"retention", nullptr}}));

    Publish(OriginEvent("recording.started", "br_one", "recording", 0, 0));
    Publish(OriginEvent("recording.updated", "br_one", "recording", 10000, 400000));
    // Nothing is stored on the bus's thread: the work waits for a worker.
    EXPECT_EQ(Get("/api/v1/recordings/br_one").status, 404u);
    EXPECT_EQ(RunPosted(), 2u);
    auto live = Get("/api/v1/recordings/br_one");
    ASSERT_EQ(live.status, 200u);
    EXPECT_EQ(live.body["state"], "recording");
    EXPECT_EQ(live.body["duration_ms"], 10000);
    EXPECT_EQ(live.body["mp4_url"], nullptr);
    EXPECT_EQ(live.body["ended_at"], nullptr);

    Publish(OriginEvent("recording.finalized", "br_one", "complete", 60000, 2400000));
    Publish(OriginEvent("recording.started", "br_two", "recording", 0, 0));
    RunPosted();
    auto list = Get("/api/v1/channels/studio/recordings");
    ASSERT_EQ(list.status, 200u);
    ASSERT_EQ(list.body["recordings"].size(), 2u);
    // Same start time: the later id first (ORDER BY started_at DESC, id DESC).
    EXPECT_EQ(list.body["recordings"][0]["id"], "br_two");
    EXPECT_EQ(list.body["recordings"][1],
              json({{"id", "br_one"},
                    {"channel", "studio"},
                    {"broadcast_id", "br_one"},
                    {"state", "complete"},
                    {"started_at", "2026-12-04T16:00:00.000Z"},
                    {"ended_at", "2026-12-04T16:01:00.000Z"},
                    {"duration_ms", 60000},
                    {"bytes", 2400000},
                    {"segments", 30},
                    {"discontinuities", 0},
                    {"vod_url", "/vod/br_one/index.m3u8"},
                    {"mp4_url", "/vod/br_one/recording.mp4"},
                    {"expires_at", "2027-01-03T16:01:00.000Z"},
                    {"error", nullptr}}));
    EXPECT_EQ(list.body["retention"], json({{"max_age_s", 2592000}, {"max_bytes_per_channel", 0}}));
    EXPECT_EQ(Get("/api/v1/channels/studio/recordings?limit=1").body["recordings"].size(), 1u);
    EXPECT_EQ(Get("/api/v1/channels/other/recordings").body["recordings"].size(), 0u);

    // A late update after finalized changes nothing.
    Publish(OriginEvent("recording.updated", "br_one", "recording", 70000, 2500000));
    RunPosted();
    auto after = Get("/api/v1/recordings/br_one");
    EXPECT_EQ(after.body["state"], "complete");
    EXPECT_EQ(after.body["duration_ms"], 60000);
}

TEST_F(RecordingsTest, DeleteAsksTheOriginOverTheBusAndItsAnswerHidesTheRecording) {
    Publish(OriginEvent("recording.finalized", "br_del", "complete", 60000, 1000));
    RunPosted();
    log_.events.clear();

    auto del = Call(HttpMethod::kDelete, "/api/v1/recordings/br_del");
    ASSERT_EQ(del.status, 202u) << del.body.dump();
    EXPECT_EQ(del.body["state"], "deleting");
    EXPECT_EQ(del.body["mp4_url"], "/vod/br_del/recording.mp4");
    // On the bus, keyed by channel, for the origin.
    ASSERT_EQ(log_.events.size(), 1u);
    const auto& [key, event] = log_.events[0];
    EXPECT_EQ(key, "studio");
    EXPECT_EQ(event["type"], "recording.delete_requested");
    EXPECT_EQ(event["source"], "manager");
    EXPECT_EQ(event["version"], 1);
    EXPECT_EQ(event["recording"]["id"], "br_del");
    EXPECT_EQ(event["recording"]["channel"], "studio");
    EXPECT_EQ(event["recording"]["node"], "origin-1");
    EXPECT_EQ(event["channel"]["name"], "studio");
    // An ordinary manager event: stored, listed, for webhooks too.
    auto events = Get("/api/v1/events");
    ASSERT_EQ(events.status, 200u);
    ASSERT_EQ(events.body["events"].size(), 1u);
    EXPECT_EQ(events.body["events"][0]["type"], "recording.delete_requested");
    EXPECT_EQ(events.body["events"][0]["payload"]["id"], event["id"]);
    // The manager does not read its own event back.
    EXPECT_EQ(RunPosted(), 0u);
    EXPECT_EQ(consumer_->skipped(), 0u);

    // Still listed while deleting; a late update does not undo it.
    Publish(OriginEvent("recording.finalized", "br_del", "complete", 60000, 1000));
    RunPosted();
    auto list = Get("/api/v1/channels/studio/recordings");
    ASSERT_EQ(list.body["recordings"].size(), 1u);
    EXPECT_EQ(list.body["recordings"][0]["state"], "deleting");
    // Asking again asks again.
    EXPECT_EQ(Call(HttpMethod::kDelete, "/api/v1/recordings/br_del").status, 202u);
    EXPECT_EQ(log_.events.size(), 3u);  // finalized, delete_requested again

    json deleted = OriginEvent("recording.deleted", "br_del", "deleted", 60000, 1000);
    deleted["reason"] = "api";
    Publish(deleted);
    RunPosted();
    EXPECT_EQ(Get("/api/v1/channels/studio/recordings").body["recordings"].size(), 0u);
    auto all = Get("/api/v1/channels/studio/recordings?include_deleted=true");
    ASSERT_EQ(all.body["recordings"].size(), 1u);
    EXPECT_EQ(all.body["recordings"][0]["state"], "deleted");
    EXPECT_EQ(Get("/api/v1/recordings/br_del").body["state"], "deleted");

    auto again = Call(HttpMethod::kDelete, "/api/v1/recordings/br_del");
    EXPECT_EQ(again.status, 409u);
    EXPECT_EQ(again.body["error"]["code"], "conflict");
    EXPECT_EQ(Call(HttpMethod::kDelete, "/api/v1/recordings/br_nosuch").status, 404u);
}

TEST_F(RecordingsTest, ErrorsAndTheToken) {
    EXPECT_EQ(Get("/api/v1/channels/nosuch/recordings").status, 404u);
    EXPECT_EQ(Get("/api/v1/recordings/br_nosuch").body["error"]["code"], "not_found");
    EXPECT_EQ(Get("/api/v1/channels/studio/recordings?limit=0").status, 400u);
    EXPECT_EQ(Get("/api/v1/channels/studio/recordings?include_deleted=maybe").status, 400u);
    EXPECT_EQ(Get("/api/v1/channels/studio/recordings?before=yesterday").status, 400u);
    EXPECT_EQ(Call(HttpMethod::kGet, "/api/v1/channels/studio/recordings", false).status, 401u);
    EXPECT_EQ(Call(HttpMethod::kGet, "/api/v1/recordings/x", false).status, 401u);
    EXPECT_EQ(Call(HttpMethod::kDelete, "/api/v1/recordings/x", false).status, 401u);
    EXPECT_EQ(Call(HttpMethod::kPost, "/api/v1/recordings/x").status, 405u);
}

TEST_F(RecordingsTest, MalformedEventsAreCountedAndSkipped) {
    std::vector<json> bad;
    auto with = [](json e, const std::string& field, json value) {
        e["recording"][field] = std::move(value);
        return e;
    };
    const json good = OriginEvent("recording.updated", "br_x", "recording", 1000, 10);
    bad.push_back(with(good, "id", nullptr));
    bad.push_back(with(good, "id", "br x"));
    bad.push_back(with(good, "id", std::string(129, 'a')));
    bad.push_back(with(good, "state", "deleting"));
    bad.push_back(with(good, "state", "paused"));
    bad.push_back(with(good, "started_at", "yesterday"));
    bad.push_back(with(good, "started_at", nullptr));
    bad.push_back(with(good, "bytes", -1));
    bad.push_back(with(good, "bytes", "10"));
    bad.push_back(with(good, "duration_ms", 1.5));
    bad.push_back(with(good, "vod_url", "javascript:alert(1)"));
    bad.push_back(with(good, "mp4_url", "//evil.example/x.mp4"));
    bad.push_back(with(good, "mp4_url", "/vod/a b.mp4"));
    bad.push_back(with(good, "channel", "Not A Channel"));
    json no_recording = good;
    no_recording.erase("recording");
    bad.push_back(no_recording);
    json bad_retention = good;
    bad_retention["retention"] = {{"max_age_s", -5}};
    bad.push_back(bad_retention);
    for (const auto& e : bad) Publish(e);
    // Not JSON, or too large to read: not known to be ours, not counted.
    bus_->PublishEvent("studio", R"({"type":"recording.updated","recording":)");
    bus_->PublishEvent("studio", std::string(kMaxRecordingEventBytes + 1, ' '));
    // A type the manager does not know is ignored (compatibility rule), not an error.
    json future = good;
    future["type"] = "recording.thumbnail";
    Publish(future);
    EXPECT_EQ(RunPosted(), 0u);
    EXPECT_EQ(consumer_->skipped(), bad.size());
    EXPECT_TRUE(store_->ListRecordings("studio", 0, 100, true)->empty());

    // The same consumer still takes a good one.
    Publish(good);
    EXPECT_EQ(RunPosted(), 1u);
    EXPECT_EQ(Get("/api/v1/recordings/br_x").status, 200u);
}

TEST_F(RecordingsTest, RetentionIsRememberedPerOriginAcrossARestart) {
    json a = OriginEvent("recording.started", "br_a", "recording", 0, 0);
    json b = OriginEvent("recording.started", "br_b", "recording", 0, 0);
    b["recording"]["started_at"] = "2026-12-04T15:00:00.000Z";  // older: br_a stays the newest
    b["node"] = "origin-2";
    b["retention"] = {{"max_age_s", 0}, {"max_bytes_per_channel", 5000000000}};
    Publish(a);
    Publish(b);
    RunPosted();
    EXPECT_EQ(service_->Retention("origin-2")->max_bytes_per_channel, 5000000000);
    EXPECT_EQ(service_->Retention("origin-1")->max_age_s, 2592000);
    EXPECT_EQ(service_->Retention("")->max_bytes_per_channel, 5000000000);  // the latest reported

    StopManager();
    StartManager();
    // The newest recording is origin-1's: its retention is shown.
    EXPECT_EQ(Get("/api/v1/channels/studio/recordings").body["retention"],
              json({{"max_age_s", 2592000}, {"max_bytes_per_channel", 0}}));
    EXPECT_EQ(service_->Retention("origin-2")->max_bytes_per_channel, 5000000000);
    // A channel without recordings shows the latest any origin reported.
    EXPECT_EQ(Get("/api/v1/channels/other/recordings").body["retention"]["max_bytes_per_channel"], 5000000000);
}

TEST_F(RecordingsTest, AStoredRetentionOfTheWrongShapeIsForgottenNotFatal) {
    StopManager();
    ASSERT_TRUE(store_->PutSetting("recording_retention", R"([{"node":"o","max_age_s":"long"},7,{"node":"p"}])").ok());
    StartManager();
    ASSERT_TRUE(service_->Retention("p"));
    EXPECT_EQ(service_->Retention("p")->max_age_s, 0);
    EXPECT_EQ(service_->Retention("o"), service_->Retention("p"));  // o forgotten: the latest, p's
}

TEST(RecordingEvents, ParsesEveryFieldAndTakesTheChannelFromTheEnvelope) {
    json e = OriginEvent("recording.failed", "br_f", "failed", 3000, 99);
    e["recording"].erase("channel");
    e["recording"].erase("broadcast_id");
    e["recording"]["vod_url"] = "https://cdn.example/vod/br_f/index.m3u8";
    // 1023 ASCII bytes and a 2-byte character: cut before the character.
    e["recording"]["error"] = std::string(1023, 'x') + "\xc3\xa9" + "tail";
    auto r = ParseRecordingEvent(std::string_view(e.dump()));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->type, "recording.failed");
    EXPECT_EQ(r->recording.id, "br_f");
    EXPECT_EQ(r->recording.broadcast_id, "br_f");
    EXPECT_EQ(r->recording.channel, "studio");
    EXPECT_EQ(r->recording.state, store::RecordingState::kFailed);
    EXPECT_EQ(r->recording.started_at_ms, kStart);
    EXPECT_EQ(r->recording.ended_at_ms, 0);
    EXPECT_EQ(r->recording.duration_ms, 3000);
    EXPECT_EQ(r->recording.bytes, 99);
    EXPECT_EQ(r->recording.vod_url, "https://cdn.example/vod/br_f/index.m3u8");
    EXPECT_EQ(r->recording.error, std::string(1023, 'x'));
    EXPECT_EQ(r->recording.node, "origin-1");
    ASSERT_TRUE(r->retention);
    EXPECT_EQ(r->retention->max_age_s, 2592000);

    e.erase("retention");
    e["channel"] = nullptr;
    auto no_channel = ParseRecordingEvent(e);
    ASSERT_FALSE(no_channel.ok());
    EXPECT_NE(no_channel.error().message.find("'channel'"), std::string::npos) << no_channel.error().message;
    e["recording"]["channel"] = "studio";
    auto no_retention = ParseRecordingEvent(e);
    ASSERT_TRUE(no_retention.ok());
    EXPECT_FALSE(no_retention->retention);

    EXPECT_EQ(ParseRecordingEvent(std::string_view("[1]")).error().code, base::ErrorCode::kInvalidData);
    EXPECT_EQ(ParseRecordingEvent(std::string_view(std::string(kMaxRecordingEventBytes + 1, ' '))).error().code,
              base::ErrorCode::kLimitExceeded);
    e["type"] = "recording.delete_requested";
    EXPECT_EQ(ParseRecordingEvent(e).error().code, base::ErrorCode::kUnsupported);
}

// Every operation docs/openapi.json documents is routed with that method
// (the router's own 404 and 405 would say otherwise), and the recording
// schemas are there.
TEST_F(RecordingsTest, EveryOperationOfTheOpenApiDocumentIsRouted) {
    auto doc = json::parse(OpenApiDocument());
    ASSERT_TRUE(doc.contains("paths"));
    size_t operations = 0;
    for (const auto& [path, item] : doc["paths"].items()) {
        if (!path.starts_with("/api/")) continue;  // the nginx-rtmp hooks have a router of their own
        std::string concrete = path;
        for (size_t open; (open = concrete.find('{')) != std::string::npos;)
            concrete.replace(open, concrete.find('}', open) - open + 1, "x");
        for (const auto& [method, op] : item.items()) {
            if (method == "parameters") continue;
            std::string upper = method;
            for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            server::http::HttpRequest req;
            req.method = upper;
            req.verb = server::http::ParseHttpMethod(upper);
            req.path = concrete;
            auto r = router_->Handle(req);  // no token: a routed admin operation is a 401
            EXPECT_NE(r.status, 405u) << upper << " " << path;
            if (r.status == 404) {
                EXPECT_EQ(r.body.view().find("no such resource"), std::string::npos) << upper << " " << path;
            }
            ++operations;
        }
    }
    EXPECT_GE(operations, 25u);
    for (const char* name : {"Recording", "RecordingList", "Retention"})
        EXPECT_TRUE(doc["components"]["schemas"].contains(name)) << name;
    EXPECT_TRUE(doc["paths"].contains("/api/v1/channels/{name}/recordings"));
    EXPECT_TRUE(doc["paths"]["/api/v1/recordings/{id}"].contains("delete"));
}

}  // namespace
}  // namespace onair::manager
