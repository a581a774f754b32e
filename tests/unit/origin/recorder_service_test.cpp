// SPDX-License-Identifier: Apache-2.0
#include "onair/origin/recorder_service.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "onair/bus/in_process_bus.h"
#include "onair/format/hls/date_time.h"
#include "onair/runtime/wall_clock.h"
#include "onair/origin/vod_routes.h"
#include "unit/origin/origin_stream.h"

namespace onair::origin {
namespace {

/// The events the origin announced, in order.
class EventLog final : public bus::EventSink {
public:
    void OnEvent(std::string_view, std::string_view json) override {
        std::lock_guard lock(mu_);
        events_.push_back(nlohmann::json::parse(json));
    }
    std::vector<nlohmann::json> OfType(const std::string& type) {
        std::lock_guard lock(mu_);
        std::vector<nlohmann::json> out;
        for (const auto& e : events_)
            if (e["type"] == type) out.push_back(e);
        return out;
    }

private:
    std::mutex mu_;
    std::vector<nlohmann::json> events_;
};

template <typename F>
bool WaitFor(F f) {
    for (int i = 0; i < 500; ++i) {
        if (f()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

RecorderOptions In(std::filesystem::path dir) {
    RecorderOptions o;
    o.dir = std::move(dir);
    return o;
}

struct Rig {
    explicit Rig(const std::string& name, RecorderOptions o = {}) {
        o.dir = o.dir.empty() ? test::TempDir(name) : o.dir;
        o.node_id = "origin-1";
        dir = o.dir;
        recorder = std::make_unique<RecorderService>(bus, metrics, o);
        events_sub = bus.SubscribeEvents(events);
        deletes_sub = bus.SubscribeEvents(*recorder);
        recorder->Start();
        media_sub = bus.SubscribeMediaGroup("origins", *recorder, bus::GroupOptions{.manual_commit = true});
    }
    void Publish(const std::vector<format::record::MediaRecord>& records) {
        for (const auto& r : records) bus.PublishMedia(r);
    }
    bool Finished(const std::string& id) {
        auto v = recorder->Find(id);
        return v && v->header.state == RecordingState::kComplete;
    }
    runtime::Metrics metrics;
    bus::InProcessBus bus{metrics};
    EventLog events;
    std::filesystem::path dir;
    std::unique_ptr<RecorderService> recorder;
    std::unique_ptr<bus::Subscription> events_sub, deletes_sub, media_sub;
};

server::http::HttpResponse Get(const server::http::HttpHandler& h, const std::string& path) {
    server::http::HttpRequest req;
    req.method = "GET";
    req.verb = server::http::HttpMethod::kGet;
    req.path = path;
    return h(req);
}

/// The response's bytes, from memory or from its file.
std::string BodyOf(const server::http::HttpResponse& r) {
    if (!r.file) return std::string(r.body.view());
    std::string out(r.file->size(), '\0');
    EXPECT_EQ(::pread(r.file->fd(), out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
    return out;
}

TEST(RecorderServiceTest, RecordsABroadcastFinalizesItAndServesIt) {
    Rig rig("service");
    test::SourceStream s("br_one");
    rig.Publish(s.Next(4));
    ASSERT_TRUE(WaitFor([&] { return rig.events.OfType("recording.started").size() == 1; }));
    auto routes = MakeVodRoutes(*rig.recorder);
    // While recording: an EVENT playlist of what is on disk.
    ASSERT_TRUE(WaitFor([&] { auto v = rig.recorder->Find("br_one"); return v && v->segments == 3; }));
    auto live = Get(routes, "/vod/br_one/index.m3u8");
    EXPECT_EQ(live.status, 200u);
    EXPECT_NE(std::string(live.body.view()).find("#EXT-X-PLAYLIST-TYPE:EVENT"), std::string::npos);
    EXPECT_EQ(std::string(live.body.view()).find("#EXT-X-ENDLIST"), std::string::npos);

    rig.bus.PublishMedia(s.End());
    ASSERT_TRUE(WaitFor([&] { return rig.Finished("br_one"); }));
    ASSERT_TRUE(WaitFor([&] { return rig.events.OfType("recording.finalized").size() == 1; }));
    const auto done = rig.events.OfType("recording.finalized")[0];
    EXPECT_EQ(done["source"], "origin");
    EXPECT_EQ(done["node"], "origin-1");
    EXPECT_EQ(done["channel"]["name"], "studio");
    EXPECT_EQ(done["recording"]["state"], "complete");
    EXPECT_EQ(done["recording"]["segments"], 4);
    EXPECT_EQ(done["recording"]["duration_ms"], 4000);
    EXPECT_EQ(done["recording"]["vod_url"], "/vod/br_one/index.m3u8");
    EXPECT_EQ(done["recording"]["mp4_url"], "/vod/br_one/recording.mp4");
    EXPECT_GT(done["recording"]["bytes"].get<uint64_t>(), 4u * 30 * 400);

    auto vod = Get(routes, "/vod/br_one/index.m3u8");
    EXPECT_EQ(vod.status, 200u);
    EXPECT_NE(BodyOf(vod).find("#EXT-X-ENDLIST"), std::string::npos);
    EXPECT_EQ(Get(routes, "/vod/br_one/init-1.mp4").status, 200u);
    auto seg = Get(routes, "/vod/br_one/2.m4s");
    EXPECT_EQ(seg.status, 200u);
    EXPECT_EQ(seg.cache_control, "public, max-age=31536000, immutable");
    auto mp4 = Get(routes, "/vod/br_one/recording.mp4");
    EXPECT_EQ(mp4.status, 200u);
    EXPECT_EQ(BodyOf(mp4).substr(4, 4), "ftyp");
    EXPECT_EQ(Get(routes, "/vod/br_one/9.m4s").status, 404u);
    EXPECT_EQ(Get(routes, "/vod/br_one/../x").status, 404u);
    EXPECT_EQ(Get(routes, "/vod/nope/index.m3u8").status, 404u);

    // Records read again (a restart's replay) do not start it over.
    test::SourceStream replay("br_one");
    rig.Publish(replay.Next(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(rig.events.OfType("recording.started").size(), 1u);

    // Deleted on the manager's request.
    rig.bus.PublishEvent("studio", R"({"type":"recording.delete_requested","source":"manager","recording":{"id":"br_one"}})");
    ASSERT_TRUE(WaitFor([&] { return rig.events.OfType("recording.deleted").size() == 1; }));
    EXPECT_EQ(rig.events.OfType("recording.deleted")[0]["reason"], "api");
    EXPECT_FALSE(std::filesystem::exists(rig.dir / "br_one"));
    EXPECT_EQ(Get(routes, "/vod/br_one/index.m3u8").status, 404u);
    EXPECT_TRUE(rig.recorder->List().empty());
}

TEST(RecorderServiceTest, ARecordingDeletedWhileLiveStopsAndStaysDeleted) {
    Rig rig("delete-live");
    test::SourceStream s("br_live");
    rig.Publish(s.Next(3));
    ASSERT_TRUE(WaitFor([&] { auto v = rig.recorder->Find("br_live"); return v && v->segments >= 2; }));
    rig.bus.PublishEvent("studio", R"({"type":"recording.delete_requested","source":"manager","recording":{"id":"br_live"}})");
    rig.Publish(s.Next(2));  // the broadcast goes on
    ASSERT_TRUE(WaitFor([&] { return rig.events.OfType("recording.deleted").size() == 1; }));
    rig.Publish(s.Next(2));
    rig.bus.PublishMedia(s.End());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_FALSE(std::filesystem::exists(rig.dir / "br_live"));
    EXPECT_EQ(rig.events.OfType("recording.started").size(), 1u);
    EXPECT_TRUE(rig.events.OfType("recording.finalized").empty());
    EXPECT_TRUE(rig.recorder->List().empty());
}

TEST(RecorderServiceTest, ARestartedOriginResumesTheRecordingAndFinishesOne) {
    const auto dir = test::TempDir("restart");
    test::SourceStream s("br_two");
    const auto a = s.Next(2), b = s.Next(2);
    {
        Rig rig("restart", In(dir));
        rig.Publish(a);
        ASSERT_TRUE(WaitFor([&] { auto v = rig.recorder->Find("br_two"); return v && v->segments == 1; }));
    }  // stopped mid-broadcast: segment 1 was in memory only
    Rig rig("restart", In(dir));
    ASSERT_TRUE(rig.recorder->Find("br_two").has_value());
    // The log delivers again from the commit point: segment 1's records on.
    rig.Publish(std::vector(a.begin() + 30, a.end()));
    rig.Publish(b);
    rig.bus.PublishMedia(s.End());
    ASSERT_TRUE(WaitFor([&] { return rig.Finished("br_two"); }));
    const auto v = *rig.recorder->Find("br_two");
    EXPECT_EQ(v.segments, 4u);
    EXPECT_EQ(v.duration, s.video_frames() * test::kFrameTicks);
    EXPECT_EQ(v.discontinuities, 0u);
    EXPECT_TRUE(rig.events.OfType("recording.started").empty());  // resumed, not started
}

TEST(RecorderServiceTest, RetentionByBytesDeletesAChannelsOldestFinishedRecordings) {
    RecorderOptions o;
    o.retention_max_bytes_per_channel = 150 * 1000;  // about one 4 s recording
    o.retention_interval = std::chrono::milliseconds(50);
    Rig rig("retention", o);
    for (const char* id : {"br_r1", "br_r2", "br_r3"}) {
        test::SourceStream s(id);
        rig.Publish(s.Next(4));
        rig.bus.PublishMedia(s.End());
        ASSERT_TRUE(WaitFor([&] { return rig.Finished(id) || rig.events.OfType("recording.deleted").size() > 0; }));
    }
    ASSERT_TRUE(WaitFor([&] { return rig.events.OfType("recording.deleted").size() == 2; }));
    for (const auto& e : rig.events.OfType("recording.deleted")) EXPECT_EQ(e["reason"], "retention");
    EXPECT_FALSE(std::filesystem::exists(rig.dir / "br_r1"));
    EXPECT_FALSE(std::filesystem::exists(rig.dir / "br_r2"));
    EXPECT_TRUE(std::filesystem::exists(rig.dir / "br_r3" / "recording.mp4"));
    EXPECT_EQ(rig.events.OfType("recording.finalized")[0]["retention"]["max_bytes_per_channel"], 150000);
}

TEST(RecorderServiceTest, RetentionByAgeDeletesRecordingsThatEndedLongerAgo) {
    RecorderOptions o;
    o.retention_max_age_ms = 60 * 1000;
    o.retention_interval = std::chrono::milliseconds(50);
    Rig rig("retention-age", o);
    const int64_t now = runtime::WallClockMs();
    for (const auto& [id, ended] : {std::pair{"br_old", now - 120 * 1000}, std::pair{"br_new", now}}) {
        test::SourceStream s(id);
        rig.Publish(s.Next(2));
        auto end = s.End();
        end.wallclock_ms = ended;
        rig.bus.PublishMedia(end);
    }
    ASSERT_TRUE(WaitFor([&] { return rig.events.OfType("recording.deleted").size() == 1; }));
    const auto deleted = rig.events.OfType("recording.deleted")[0];
    EXPECT_EQ(deleted["recording"]["id"], "br_old");
    EXPECT_EQ(deleted["reason"], "retention");
    EXPECT_FALSE(std::filesystem::exists(rig.dir / "br_old"));
    ASSERT_TRUE(WaitFor([&] { return rig.Finished("br_new"); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a few more sweeps
    EXPECT_TRUE(std::filesystem::exists(rig.dir / "br_new" / "recording.mp4"));
    EXPECT_EQ(rig.events.OfType("recording.deleted").size(), 1u);
    for (const auto& e : rig.events.OfType("recording.finalized")) {
        if (e["recording"]["id"] == "br_new") {
            EXPECT_EQ(e["recording"]["expires_at"], format::hls::FormatDateTime(now + 60 * 1000));
        }
    }
}

TEST(RecorderServiceTest, AnUnwritableDirectoryFailsTheRecordingWithAnEventAndAMetric) {
    const auto root = test::TempDir("unwritable-service");
    { std::FILE* f = std::fopen((root / "file").c_str(), "w"); std::fclose(f); }
    Rig rig("unwritable-service", In(root / "file"));
    test::SourceStream s("br_bad");
    rig.Publish(s.Next(2));
    ASSERT_TRUE(WaitFor([&] { return rig.events.OfType("recording.failed").size() == 1; }));
    const auto e = rig.events.OfType("recording.failed")[0];
    EXPECT_EQ(e["recording"]["state"], "failed");
    EXPECT_NE(e["recording"]["error"].get<std::string>().find("ENOTDIR"), std::string::npos) << e.dump();
    EXPECT_NE(rig.metrics.Render().find("onair_origin_write_errors_total 2"), std::string::npos);  // the scan, the recording
    rig.Publish(s.Next(2));  // the rest is ignored, once
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(rig.events.OfType("recording.failed").size(), 1u);
}

}  // namespace
}  // namespace onair::origin
