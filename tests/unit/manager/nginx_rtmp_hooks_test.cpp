// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/nginx_rtmp_hooks.h"

#include <gtest/gtest.h>

namespace onair::manager {
namespace {

// Bodies as Debian 12's nginx-rtmp 1.2.2 sent them for
// `ffmpeg -f flv 'rtmp://127.0.0.1:19350/live/<key>?foo=bar&x=a%20b+c'`.
constexpr std::string_view kCommon =
    "app=live&flashver=FMLE/3.0%20(compatible%3B%20Lavf59.27&swfurl=&tcurl=rtmp://127.0.0.1:19350/live&pageurl="
    "&addr=127.0.0.1&clientid=1";
const std::string kPublish = std::string(kCommon) + "&call=publish&name=sk_key1&type=live&foo=bar&x=a%20b+c";
const std::string kUpdate =
    std::string(kCommon) + "&call=update_publish&time=4&timestamp=4034&name=sk_key1&foo=bar&x=a%20b+c";
const std::string kDone = std::string(kCommon) + "&call=publish_done&name=sk_key1&foo=bar&x=a%20b+c";
constexpr std::string_view kRelayUpdate =
    "app=&flashver=ngx-local-relay&swfurl=&tcurl=&pageurl=&addr=127.0.0.1:19350/hls/studio&clientid=3"
    "&call=update_play&time=2&timestamp=2115&name=sk_key1";

NginxRtmpCall Parse(std::string_view body) {
    auto c = ParseNginxRtmpCall(body);
    EXPECT_TRUE(c.ok()) << c.error().message;
    return c.ok() ? *c : NginxRtmpCall{};
}

TEST(NginxRtmpHooks, ParsesOnPublish) {
    const NginxRtmpCall c = Parse(kPublish);
    EXPECT_EQ(c.call, "publish");
    EXPECT_EQ(c.app, "live");
    EXPECT_EQ(c.flashver, "FMLE/3.0 (compatible; Lavf59.27");
    EXPECT_EQ(c.swfurl, "");
    EXPECT_EQ(c.tcurl, "rtmp://127.0.0.1:19350/live");
    EXPECT_EQ(c.pageurl, "");
    EXPECT_EQ(c.addr, "127.0.0.1");
    EXPECT_EQ(c.clientid, "1");
    EXPECT_EQ(c.name, "sk_key1");
    EXPECT_EQ(c.type, "live");
    const base::FormFields args = {{"foo", "bar"}, {"x", "a b c"}};
    EXPECT_EQ(c.args, args);
}

TEST(NginxRtmpHooks, ParsesOnUpdateAndOnPublishDone) {
    const NginxRtmpCall u = Parse(kUpdate);
    EXPECT_EQ(u.call, "update_publish");
    EXPECT_EQ(u.time_s, 4);
    EXPECT_EQ(u.timestamp_ms, 4034);
    EXPECT_EQ(u.name, "sk_key1");
    EXPECT_EQ(u.args.size(), 2u);
    EXPECT_TRUE(IsPublisherUpdate(u));

    const NginxRtmpCall r = Parse(kRelayUpdate);
    EXPECT_EQ(r.app, "");
    EXPECT_EQ(r.addr, "127.0.0.1:19350/hls/studio");
    EXPECT_FALSE(IsPublisherUpdate(r));

    const NginxRtmpCall d = Parse(kDone);
    EXPECT_EQ(d.call, "publish_done");
    EXPECT_EQ(d.clientid, "1");
    EXPECT_EQ(d.name, "sk_key1");
    EXPECT_FALSE(IsPublisherUpdate(d));
}

TEST(NginxRtmpHooks, PublisherArgsCannotPoseAsNginxFields) {
    const NginxRtmpCall c = Parse(kPublish + "&name=sk_other&addr=10.0.0.1&call=done&clientid=9&time=5");
    EXPECT_EQ(c.call, "publish");
    EXPECT_EQ(c.name, "sk_key1");
    EXPECT_EQ(c.addr, "127.0.0.1");
    EXPECT_EQ(c.clientid, "1");
    const base::FormFields args = {{"foo", "bar"},  {"x", "a b c"},    {"name", "sk_other"}, {"addr", "10.0.0.1"},
                                   {"call", "done"}, {"clientid", "9"}, {"time", "5"}};
    EXPECT_EQ(c.args, args);
    // `time` is nginx's only in updates; in publish_done `type` is the publisher's.
    const NginxRtmpCall d = Parse(kDone + "&type=record");
    EXPECT_EQ(d.type, "");
    ASSERT_EQ(d.args.size(), 3u);
    EXPECT_EQ(d.args[2].first, "type");
}

TEST(NginxRtmpHooks, RejectsMissingFieldsAndBadCounts) {
    struct Case {
        std::string body;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"app=live&addr=1.2.3.4&clientid=1&name=k", "nginx-rtmp callback without 'call'"},
        {"call=publish&addr=1.2.3.4&clientid=1&name=k", "nginx-rtmp callback without 'app'"},
        {"call=publish&app=live&clientid=1&name=k", "nginx-rtmp callback without 'addr'"},
        {"call=publish&app=live&addr=1.2.3.4&name=k", "nginx-rtmp callback without 'clientid'"},
        {"call=publish&app=live&addr=1.2.3.4&clientid=1", "nginx-rtmp callback without 'name'"},
        {"call=update_publish&app=live&addr=a&clientid=1&name=k&time=x", "nginx-rtmp callback: 'time' is not a count"},
        {"call=update_publish&app=live&addr=a&clientid=1&name=k&timestamp=-1",
         "nginx-rtmp callback: 'timestamp' is not a count"},
        {"call=publish&app=live&addr=a&clientid=1&name=sk_x%G1",
         "nginx-rtmp callback: form field 5: '%' not followed by two hex digits"},
    };
    for (const auto& c : cases) {
        auto r = ParseNginxRtmpCall(c.body);
        ASSERT_FALSE(r.ok()) << c.body;
        EXPECT_EQ(r.error().code, base::ErrorCode::kInvalidData) << c.body;
        EXPECT_EQ(r.error().message, c.message);
    }
    std::string many = kPublish;
    for (int i = 0; i < 60; ++i) many += "&a=1";
    auto r = ParseNginxRtmpCall(many);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, base::ErrorCode::kLimitExceeded);
    EXPECT_EQ(MalformedResponse(r.error()).status, 400);
    EXPECT_EQ(MalformedResponse(r.error()).body, "nginx-rtmp callback: form has more than 64 fields\n");
}

TEST(NginxRtmpHooks, PublishAttemptFromOnPublish) {
    auto a = PublishAttemptFrom(Parse(kPublish));
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->app, "live");
    EXPECT_EQ(a->stream_key, "sk_key1");
    EXPECT_EQ(a->query, "foo=bar&x=a%20b%20c");
    EXPECT_EQ(a->client_ip, "127.0.0.1");
    EXPECT_EQ(a->client_port, 0);
    EXPECT_EQ(a->node, "nginx-rtmp");
    EXPECT_EQ(PublishAttemptFrom(Parse(kPublish), "nginx-rtmp:10.1.2.3")->node, "nginx-rtmp:10.1.2.3");
    auto not_publish = PublishAttemptFrom(Parse(kUpdate));
    ASSERT_FALSE(not_publish.ok());
    EXPECT_EQ(not_publish.error().message, "not an on_publish callback (call=update_publish)");
}

server::PublishVerdict Allowed() {
    server::PublishVerdict v;
    v.allowed = true;
    v.channel = "studio";
    v.broadcast_id = "br_0123456789abcdef";
    return v;
}

TEST(NginxRtmpHooks, AllowedIsARedirectNamingTheChannel) {
    const NginxHookResponse push = PublishResponse(Allowed(), NginxHookOptions{});
    EXPECT_EQ(push.status, 302);
    EXPECT_EQ(push.location, "rtmp://127.0.0.1:1935/hls/studio");
    NginxHookOptions rename;
    rename.redirect = NginxRedirect::kRename;
    const NginxHookResponse r = PublishResponse(Allowed(), rename);
    EXPECT_EQ(r.status, 302);
    EXPECT_EQ(r.location, "studio");
}

TEST(NginxRtmpHooks, RefusedIsForbiddenWithTheReason) {
    server::PublishVerdict v;
    v.reason = "invalid stream key";
    const NginxHookResponse r = PublishResponse(v, NginxHookOptions{});
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.location, "");
    EXPECT_EQ(r.body, "invalid stream key\n");
    v.reason.clear();
    v.retry_later = true;
    EXPECT_EQ(PublishResponse(v, NginxHookOptions{}).status, 403);
    EXPECT_EQ(PublishResponse(v, NginxHookOptions{}).body, "refused\n");
    EXPECT_EQ(AlreadyPublishingResponse().status, 403);
    EXPECT_EQ(AlreadyPublishingResponse().body, "already publishing\n");
}

TEST(NginxRtmpHooks, OptionsFromTheHookQuery) {
    auto q = [](std::string_view query) {
        auto f = base::ParseForm(query);
        EXPECT_TRUE(f.ok());
        return NginxHookOptionsFromQuery(*f);
    };
    auto d = q("token=t");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->redirect, NginxRedirect::kPush);
    EXPECT_EQ(d->push_to, "rtmp://127.0.0.1:1935/hls");
    auto rename = q("token=t&mode=rename");
    ASSERT_TRUE(rename.ok());
    EXPECT_EQ(rename->redirect, NginxRedirect::kRename);
    auto push = q("mode=push&push_to=rtmp%3A%2F%2F10.0.0.5%3A1936%2Fout%2F");
    ASSERT_TRUE(push.ok()) << push.error().message;
    EXPECT_EQ(push->push_to, "rtmp://10.0.0.5:1936/out");
    EXPECT_EQ(PublishResponse(Allowed(), *push).location, "rtmp://10.0.0.5:1936/out/studio");

    EXPECT_EQ(q("mode=relay").error().message, "mode must be push or rename");
    for (std::string_view bad : {"push_to=http://h/app", "push_to=rtmp://h", "push_to=rtmp://h/", "push_to=rtmp:///app",
                                 "push_to=rtmp://h/app?x=1", "push_to=rtmp://h/a+b", "push_to="}) {
        auto o = q(bad);
        ASSERT_FALSE(o.ok()) << bad;
        EXPECT_EQ(o.error().message, "push_to must be rtmp://host[:port]/app, without a query") << bad;
    }
    EXPECT_TRUE(q("mode=rename&push_to=").ok());  // unused when renaming
}

TEST(NginxRtmpHooks, Updates) {
    const server::BroadcastStats s = HeartbeatStats(Parse(kUpdate), "br_1", "studio");
    EXPECT_EQ(s.broadcast_id, "br_1");
    EXPECT_EQ(s.channel, "studio");
    EXPECT_EQ(s.uptime_ms, 4000);
    EXPECT_EQ(s.bytes_in, 0u);
    EXPECT_EQ(UpdateResponse(false).status, 200);
    EXPECT_EQ(UpdateResponse(true).status, 403);
}

}  // namespace
}  // namespace onair::manager
