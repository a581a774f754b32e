// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/json_body.h"

#include <gtest/gtest.h>

#include "onair/server/http/json_response.h"

namespace onair::server::http {
namespace {

std::string Header(const HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return "<absent>";
}

nlohmann::json Body(const HttpResponse& r) { return nlohmann::json::parse(r.body.view()); }

// A request with a Content-Type and a body.
struct JsonRequest {
    JsonRequest(std::string_view content_type, std::string_view body) {
        if (!content_type.empty()) fields.set(boost::beast::http::field::content_type, content_type);
        request.fields = &fields;
        request.body = body;
    }
    boost::beast::http::fields fields;
    HttpRequest request;
};

TEST(JsonResponse, IsUncachedJson) {
    const HttpResponse r = JsonResponse(201, {{"name", "news"}, {"live", false}});
    EXPECT_EQ(r.status, 201u);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.cache_control, "no-store");
    EXPECT_EQ(r.body.view(), R"({"live":false,"name":"news"})");
    // Invalid UTF-8 does not throw.
    EXPECT_NO_THROW(JsonResponse(200, {{"s", std::string("\xff")}}));
}

TEST(ApiErrorResponse, HasTheErrorShapeAndStatus) {
    const struct {
        ApiError error;
        unsigned status;
        const char* code;
    } kCases[] = {
        {ApiError::kInvalidJson, 400, "invalid_json"},
        {ApiError::kInvalidArgument, 400, "invalid_argument"},
        {ApiError::kUnauthorized, 401, "unauthorized"},
        {ApiError::kForbidden, 403, "forbidden"},
        {ApiError::kNotFound, 404, "not_found"},
        {ApiError::kMethodNotAllowed, 405, "method_not_allowed"},
        {ApiError::kConflict, 409, "conflict"},
        {ApiError::kPayloadTooLarge, 413, "payload_too_large"},
        {ApiError::kUnsupportedMediaType, 415, "unsupported_media_type"},
        {ApiError::kTooManyRequests, 429, "too_many_requests"},
        {ApiError::kInternal, 500, "internal"},
        {ApiError::kUnavailable, 503, "unavailable"},
        {ApiError::kTimeout, 504, "timeout"},
    };
    for (const auto& c : kCases) {
        const HttpResponse r = ApiErrorResponse(c.error, "what happened");
        EXPECT_EQ(r.status, c.status) << c.code;
        EXPECT_EQ(ApiErrorStatus(c.error), c.status);
        EXPECT_EQ(ApiErrorCode(c.error), c.code);
        EXPECT_EQ(Body(r), (nlohmann::json{{"error", {{"code", c.code}, {"message", "what happened"}}}})) << c.code;
        EXPECT_EQ(Header(r, "WWW-Authenticate") != "<absent>", c.error == ApiError::kUnauthorized) << c.code;
    }
    EXPECT_EQ(Header(ApiErrorResponse(ApiError::kUnauthorized, "x"), "WWW-Authenticate"), "Bearer realm=\"onair\"");
    EXPECT_EQ(
        Header(ApiErrorResponse(ApiError::kTooManyRequests, "slow down", std::chrono::seconds(30)), "Retry-After"),
        "30");
    EXPECT_EQ(Header(ApiErrorResponse(ApiError::kUnavailable, "busy", std::chrono::seconds(5)), "Retry-After"), "5");
}

TEST(ErrorResponse, MapsLowerLayerErrors) {
    EXPECT_EQ(ErrorResponse({base::ErrorCode::kNotFound, "no channel"}).status, 404u);
    EXPECT_EQ(ErrorResponse({base::ErrorCode::kAlreadyExists, "exists"}).status, 409u);
    const HttpResponse bad = ErrorResponse({base::ErrorCode::kInvalidData, "bad name"});
    EXPECT_EQ(bad.status, 400u);
    EXPECT_EQ(Body(bad)["error"]["message"], "bad name");
    const HttpResponse internal = ErrorResponse({base::ErrorCode::kIo, "sqlite: disk I/O error at /var/lib/x"});
    EXPECT_EQ(internal.status, 500u);
    EXPECT_EQ(internal.body.view().find("/var/lib"), std::string_view::npos);
}

TEST(ParseJsonBody, AcceptsAJsonObject) {
    JsonRequest r("application/json; charset=utf-8", R"({"name":"news","count":3})");
    auto body = ParseJsonBody(r.request);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ((*body)["name"], "news");
    JsonRequest upper(" Application/JSON ", "{}");
    EXPECT_TRUE(ParseJsonBody(upper.request).ok());
}

TEST(ParseJsonBody, WrongContentTypeIs415) {
    for (std::string_view type : {"", "text/plain", "application/jsonx", "application/x-www-form-urlencoded"}) {
        JsonRequest r(type, "{}");
        auto body = ParseJsonBody(r.request);
        ASSERT_FALSE(body.ok()) << type;
        EXPECT_EQ(body.error().status, 415u) << type;
        EXPECT_EQ(Body(body.error())["error"]["code"], "unsupported_media_type");
    }
}

TEST(ParseJsonBody, MalformedJsonIs400InvalidJson) {
    for (std::string_view text : {"", "{", "{\"a\":}", "{\"a\":1}x", "nul"}) {
        JsonRequest r("application/json", text);
        auto body = ParseJsonBody(r.request);
        ASSERT_FALSE(body.ok()) << text;
        EXPECT_EQ(body.error().status, 400u) << text;
        EXPECT_EQ(Body(body.error())["error"]["code"], "invalid_json") << text;
    }
    JsonRequest r("application/json", "{\"a\":tru}");
    EXPECT_NE(Body(ParseJsonBody(r.request).error())["error"]["message"].get<std::string>().find("at byte "),
              std::string::npos);
}

TEST(ParseJsonBody, JsonThatIsNotAnObjectIs400InvalidArgument) {
    for (std::string_view text : {"[]", "1", "\"s\"", "null"}) {
        JsonRequest r("application/json", text);
        auto body = ParseJsonBody(r.request);
        ASSERT_FALSE(body.ok()) << text;
        EXPECT_EQ(Body(body.error())["error"]["code"], "invalid_argument") << text;
    }
}

TEST(JsonFields, TypedGettersNameTheWrongField) {
    const auto obj = nlohmann::json::parse(
        R"({"name":"news","enabled":true,"count":3,"negative":-1,"big":5000000000,"ratio":0.5,"tags":["a"],"none":null})");
    EXPECT_EQ(*RequiredField<std::string>(obj, "name"), "news");
    EXPECT_TRUE(*RequiredField<bool>(obj, "enabled"));
    EXPECT_EQ(*RequiredField<uint32_t>(obj, "count"), 3u);
    EXPECT_EQ(*RequiredField<int64_t>(obj, "negative"), -1);
    EXPECT_EQ(*RequiredField<int64_t>(obj, "big"), 5000000000);
    EXPECT_DOUBLE_EQ(*RequiredField<double>(obj, "ratio"), 0.5);
    EXPECT_DOUBLE_EQ(*RequiredField<double>(obj, "count"), 3.0);
    EXPECT_TRUE(RequiredField<nlohmann::json>(obj, "tags")->is_array());

    auto message = [](const HttpResponse& r) { return Body(r)["error"]["message"].get<std::string>(); };
    auto wrong_type = RequiredField<std::string>(obj, "count");
    ASSERT_FALSE(wrong_type.ok());
    EXPECT_EQ(wrong_type.error().status, 400u);
    EXPECT_EQ(Body(wrong_type.error())["error"]["code"], "invalid_argument");
    EXPECT_EQ(message(wrong_type.error()), "field 'count' must be a string");
    EXPECT_EQ(message(RequiredField<std::string>(obj, "missing").error()), "field 'missing' is required");
    EXPECT_EQ(message(RequiredField<std::string>(obj, "none").error()), "field 'none' is required");
    EXPECT_EQ(message(RequiredField<uint32_t>(obj, "negative").error()),
              "field 'negative' must be an integer from 0 to 4294967295");
    EXPECT_FALSE(RequiredField<uint32_t>(obj, "big").ok());
    EXPECT_FALSE(RequiredField<int64_t>(obj, "ratio").ok());
    EXPECT_FALSE(RequiredField<bool>(obj, "count").ok());
    EXPECT_EQ(message(RequiredField<bool>(obj, "name").error()), "field 'name' must be a boolean");

    EXPECT_EQ(OptionalField<std::string>(obj, "missing")->has_value(), false);
    EXPECT_EQ(OptionalField<std::string>(obj, "none")->has_value(), false);
    EXPECT_EQ(OptionalField<std::string>(obj, "name")->value(), "news");
    EXPECT_EQ(message(OptionalField<std::string>(obj, "enabled").error()), "field 'enabled' must be a string");
}

}  // namespace
}  // namespace onair::server::http
