// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "onair/server/http/http_client.h"
#include "unit/server/http/http_test_server.h"

namespace onair::server::http {
namespace {

HttpRequest Request(HttpMethod verb, std::string_view path) {
    HttpRequest r;
    r.verb = verb;
    r.method = HttpMethodName(verb);
    r.path = path;
    return r;
}

std::string Header(const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return "<absent>";
}

std::string ErrorCode(const HttpResponse& r) {
    return nlohmann::json::parse(r.body.view())["error"]["code"].get<std::string>();
}

// Each handler answers with its name and its parameters.
RouteHandler Named(std::string name) {
    return [name](const HttpRequest&, const PathParams& p) {
        std::string text = name;
        for (const char* key : {"name", "id"})
            if (!p[key].empty()) text += std::string(" ") + key + "=" + std::string(p[key]);
        return HttpResponse::Text(200, text);
    };
}

Router ChannelsRouter() {
    Router r;
    r.Add(HttpMethod::kGet, "/api/v1/channels", Named("list"))
        .Add(HttpMethod::kPost, "/api/v1/channels", Named("create"))
        .Add(HttpMethod::kGet, "/api/v1/channels/{name}", Named("get"))
        .Add(HttpMethod::kDelete, "/api/v1/channels/{name}", Named("delete"))
        .Add(HttpMethod::kPost, "/api/v1/channels/{name}/rotate-key", Named("rotate"))
        .Add(HttpMethod::kGet, "/api/v1/channels/{name}/broadcasts/{id}", Named("broadcast"))
        .Add(HttpMethod::kPost, "/api/v1/channels/{name}/broadcasts/{id}", Named("broadcast-update"))
        .Add(HttpMethod::kGet, "/api/v1/channels/default", Named("default"));
    return r;
}

TEST(Router, MatchesMethodAndPatternWithParameters) {
    const Router r = ChannelsRouter();
    EXPECT_EQ(r.Handle(Request(HttpMethod::kGet, "/api/v1/channels")).body.view(), "list");
    EXPECT_EQ(r.Handle(Request(HttpMethod::kPost, "/api/v1/channels")).body.view(), "create");
    EXPECT_EQ(r.Handle(Request(HttpMethod::kGet, "/api/v1/channels/news")).body.view(), "get name=news");
    EXPECT_EQ(r.Handle(Request(HttpMethod::kDelete, "/api/v1/channels/news")).body.view(), "delete name=news");
    EXPECT_EQ(r.Handle(Request(HttpMethod::kPost, "/api/v1/channels/news/rotate-key")).body.view(), "rotate name=news");
    EXPECT_EQ(r.Handle(Request(HttpMethod::kGet, "/api/v1/channels/a/broadcasts/42")).body.view(),
              "broadcast name=a id=42");
    // A literal segment wins over a parameter, whatever the order of registration.
    EXPECT_EQ(r.Handle(Request(HttpMethod::kGet, "/api/v1/channels/default")).body.view(), "default");
    // ... but only for its own methods.
    EXPECT_EQ(r.Handle(Request(HttpMethod::kDelete, "/api/v1/channels/default")).body.view(), "delete name=default");
    // Parameters are percent-decoded.
    EXPECT_EQ(r.Handle(Request(HttpMethod::kGet, "/api/v1/channels/a%20b%2Fc")).body.view(), "get name=a b/c");
}

TEST(Router, UnknownPathIs404) {
    const Router r = ChannelsRouter();
    for (std::string_view path : {"/api/v1/channel", "/api/v1/channels/", "/api/v1/channels//rotate-key",
                                  "/api/v1/channels/news/unknown", "/", "", "api/v1/channels"}) {
        const HttpResponse res = r.Handle(Request(HttpMethod::kGet, path));
        EXPECT_EQ(res.status, 404u) << path;
        EXPECT_EQ(ErrorCode(res), "not_found") << path;
        EXPECT_EQ(res.content_type, "application/json");
    }
}

TEST(Router, AThrowingHandlerIsA500InTheApiShape) {
    Router r;
    r.Add(HttpMethod::kGet, "/boom", [](const HttpRequest&, const PathParams&) -> HttpResponse {
        throw std::runtime_error("inside detail");
    });
    const auto res = r.Handle(Request(HttpMethod::kGet, "/boom"));
    EXPECT_EQ(res.status, 500u);
    EXPECT_EQ(ErrorCode(res), "internal");
    EXPECT_EQ(res.body.view().find("inside detail"), std::string_view::npos);
}

TEST(Router, WrongMethodIs405WithAllow) {
    const Router r = ChannelsRouter();
    HttpResponse res = r.Handle(Request(HttpMethod::kPut, "/api/v1/channels/news"));
    EXPECT_EQ(res.status, 405u);
    EXPECT_EQ(ErrorCode(res), "method_not_allowed");
    EXPECT_EQ(Header(res, "Allow"), "GET, HEAD, DELETE, OPTIONS");
    res = r.Handle(Request(HttpMethod::kGet, "/api/v1/channels/news/rotate-key"));
    EXPECT_EQ(res.status, 405u);
    EXPECT_EQ(Header(res, "Allow"), "POST, OPTIONS");
    HttpRequest other = Request(HttpMethod::kOther, "/api/v1/channels");
    other.method = "BREW";
    res = r.Handle(other);
    EXPECT_EQ(res.status, 405u);
    EXPECT_EQ(Header(res, "Allow"), "GET, HEAD, POST, OPTIONS");
}

TEST(Router, OptionsIsACorsPreflightForTheMethodsOfThePath) {
    const Router r = ChannelsRouter();
    HttpResponse res = r.Handle(Request(HttpMethod::kOptions, "/api/v1/channels/news"));
    EXPECT_EQ(res.status, 204u);
    EXPECT_EQ(Header(res, "Access-Control-Allow-Methods"), "GET, HEAD, DELETE, OPTIONS");
    EXPECT_EQ(Header(res, "Allow"), "GET, HEAD, DELETE, OPTIONS");
    EXPECT_EQ(Header(res, "Access-Control-Allow-Headers"), "Authorization, Content-Type");
    EXPECT_NE(Header(res, "Access-Control-Max-Age"), "<absent>");
    EXPECT_EQ(r.Handle(Request(HttpMethod::kOptions, "/api/v1/nothing")).status, 404u);
}

TEST(Router, HeadUsesTheGetHandler) {
    const Router r = ChannelsRouter();
    EXPECT_EQ(r.Handle(Request(HttpMethod::kHead, "/api/v1/channels/x")).body.view(), "get name=x");
    EXPECT_EQ(r.Handle(Request(HttpMethod::kHead, "/api/v1/channels/x/rotate-key")).status, 405u);
}

TEST(Router, BrokenPercentEncodingIs400) {
    const Router r = ChannelsRouter();
    for (std::string_view path : {"/api/v1/channels/a%2", "/api/v1/channels/a%zz", "/api/v1/channels/%"}) {
        const HttpResponse res = r.Handle(Request(HttpMethod::kGet, path));
        EXPECT_EQ(res.status, 400u) << path;
        EXPECT_EQ(ErrorCode(res), "invalid_argument") << path;
    }
}

TEST(Router, MalformedPatternsAreRefused) {
    Router r;
    for (std::string_view bad : {"", "api", "/a//b", "/a/", "/{}", "/{name", "/name}", "/a{b}c"})
        EXPECT_THROW(r.Add(HttpMethod::kGet, bad, Named("x")), std::invalid_argument) << bad;
    EXPECT_THROW(r.Add(HttpMethod::kOther, "/a", Named("x")), std::invalid_argument);
    EXPECT_NO_THROW(r.Add(HttpMethod::kGet, "/", Named("root")));
    EXPECT_EQ(r.Handle(Request(HttpMethod::kGet, "/")).body.view(), "root");
}

TEST(Router, ServesOverTheWireOnTheWorkerPool) {
    Router router = ChannelsRouter();
    HttpDispatcher d;
    d.HandleBlocking("/api", [router](const HttpRequest& req) { return router.Handle(req); });
    testing::TestHttpServer server(std::move(d));
    FetchRequest req;
    req.url = server.url("/api/v1/channels/news?x=1");
    auto res = FetchBlocking(req);
    ASSERT_TRUE(res.ok()) << res.error().message;
    EXPECT_EQ(res->body, "get name=news");
    req.method = HttpMethod::kOptions;
    auto pre = FetchBlocking(req);
    ASSERT_TRUE(pre.ok()) << pre.error().message;
    EXPECT_EQ(pre->status, 204u);
    EXPECT_EQ(pre->header("access-control-allow-methods"), "GET, HEAD, DELETE, OPTIONS");
    EXPECT_EQ(pre->header("access-control-allow-origin"), "*");
    req.method = HttpMethod::kPatch;
    auto wrong = FetchBlocking(req);
    ASSERT_TRUE(wrong.ok()) << wrong.error().message;
    EXPECT_EQ(wrong->status, 405u);
    EXPECT_EQ(wrong->header("Allow"), "GET, HEAD, DELETE, OPTIONS");
}

}  // namespace
}  // namespace onair::server::http
