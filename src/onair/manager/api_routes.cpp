// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/api_routes.h"

#include <charconv>

#include "onair/base/form_urlencoded.h"
#include "onair/format/hls/date_time.h"
#include "onair/format/ladder/ladder.h"
#include "onair/manager/json_views.h"
#include "onair/server/http/bearer_auth.h"
#include "onair/server/http/json_body.h"
#include "onair/server/http/json_response.h"
#include "onair/store/stream_key.h"

namespace onair::manager {

namespace http = server::http;
using http::ApiError;
using http::ApiErrorResponse;
using http::HttpMethod;
using http::HttpRequest;
using http::HttpResponse;
using http::JsonResponse;
using http::PathParams;
using nlohmann::json;

namespace {

constexpr size_t kMaxTitle = 200;
constexpr size_t kMaxUrl = 2048;

struct Api {
    ManagerService& manager;
    const AdminToken& admin;
    ApiOptions options;
    runtime::Logger log{"api"};

    store::ManagerStore& store() { return manager.store(); }

    bool IsAdmin(const HttpRequest& req) const { return admin.Matches(http::BearerToken(req)); }
    bool IsHook(const HttpRequest& req) const {
        return IsAdmin(req) || http::BearerTokenMatches(req, options.hook_token);
    }

    json Channel(const store::Channel& c) {
        auto live = manager.LiveBroadcastOf(c.name);
        return ChannelJson(c, options.urls, live ? std::optional(live->broadcast) : std::nullopt,
                           live ? live->stats : std::nullopt, manager.NowMs());
    }

    json Webhook(const store::Webhook& w) {
        json channel;
        if (w.channel_id != 0) {
            auto c = store().GetChannelById(w.channel_id);
            channel = c.ok() ? json(c->name) : json();
        }
        return {{"id", w.id},
                {"url", w.url},
                {"channel", channel},
                {"events", w.events},
                {"enabled", w.enabled},
                {"created_at", Rfc3339(w.created_at_ms)}};
    }

    static json Delivery(const store::WebhookDelivery& d) {
        return {{"id", d.id},
                {"event_id", d.event_id},
                {"event_type", d.event_type},
                {"state", store::DeliveryStateName(d.state)},
                {"attempts", d.attempts},
                {"last_status", d.last_status},
                {"last_error", d.last_error},
                {"next_attempt_at",
                 d.state == store::DeliveryState::kPending ? json(Rfc3339(d.next_attempt_at_ms)) : json()},
                {"created_at", Rfc3339(d.created_at_ms)},
                {"updated_at", Rfc3339(d.updated_at_ms)}};
    }
};

/// The request's query string, decoded; 400 when it is malformed.
http::ApiResult<base::FormFields> Query(const HttpRequest& req) {
    auto q = base::ParseForm(req.query);
    if (!q.ok()) return ApiErrorResponse(ApiError::kInvalidArgument, "query string: " + q.error().message);
    return std::move(q.value());
}

bool ParseInt(std::string_view text, int64_t& out) {
    if (text.empty()) return false;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && p == text.data() + text.size();
}

/// Integer query parameter in [min, max], `fallback` when absent.
http::ApiResult<int64_t> IntParam(const base::FormFields& query, std::string_view name, int64_t fallback, int64_t min,
                                  int64_t max) {
    auto raw = base::FormValue(query, name);
    if (!raw) return fallback;
    int64_t v = 0;
    if (!ParseInt(*raw, v) || v < min || v > max) {
        return ApiErrorResponse(ApiError::kInvalidArgument, "query parameter '" + std::string(name) +
                                                                "' must be an integer from " + std::to_string(min) +
                                                                " to " + std::to_string(max));
    }
    return v;
}

/// The "before" query parameter (an RFC 3339 time, for paging back) in ms; 0 when absent.
http::ApiResult<int64_t> BeforeParam(const base::FormFields& query) {
    auto before = base::FormValue(query, "before");
    if (!before) return int64_t{0};
    auto t = format::hls::ParseDateTime(*before);
    if (!t) return ApiErrorResponse(ApiError::kInvalidArgument, "query parameter 'before' must be an RFC 3339 time");
    return *t;
}

/// A boolean query parameter ("true"/"false", "1"/"0"), `fallback` when absent.
http::ApiResult<bool> BoolParam(const base::FormFields& query, std::string_view name, bool fallback) {
    auto raw = base::FormValue(query, name);
    if (!raw) return fallback;
    if (*raw == "true" || *raw == "1") return true;
    if (*raw == "false" || *raw == "0") return false;
    return ApiErrorResponse(ApiError::kInvalidArgument, "query parameter '" + std::string(name) + "' must be true or false");
}

/// A channel's "ladder": null (the deployment's), or an array of renditions
/// that format::ladder::ParseLadder accepts, stored as WriteLadder writes
/// it. Unset: std::nullopt.
http::ApiResult<std::optional<std::optional<std::string>>> LadderField(const json& body) {
    auto it = body.find("ladder");
    if (it == body.end()) return std::optional<std::optional<std::string>>{};
    if (it->is_null()) return std::optional<std::optional<std::string>>{std::optional<std::string>{}};
    if (!it->is_array()) return ApiErrorResponse(ApiError::kInvalidArgument, "field 'ladder' must be an array or null");
    auto ladder = format::ladder::ParseLadder(it->dump());
    if (!ladder.ok()) return ApiErrorResponse(ApiError::kInvalidArgument, "field 'ladder': " + ladder.error().message);
    return std::optional<std::optional<std::string>>{format::ladder::WriteLadder(*ladder)};
}

http::ApiResult<store::ChannelSpec> ChannelSpecFrom(const json& body) {
    static const char* kKnown[] = {"name", "title", "enabled", "ladder"};
    for (const auto& [k, v] : body.items()) {
        if (std::find(std::begin(kKnown), std::end(kKnown), k) == std::end(kKnown))
            return ApiErrorResponse(ApiError::kInvalidArgument, "unknown field '" + k + "'");
    }
    auto name = http::RequiredField<std::string>(body, "name");
    if (!name) return std::move(name).error();
    auto title = http::OptionalField<std::string>(body, "title");
    if (!title) return std::move(title).error();
    auto enabled = http::OptionalField<bool>(body, "enabled");
    if (!enabled) return std::move(enabled).error();
    auto ladder = LadderField(body);
    if (!ladder) return std::move(ladder).error();
    store::ChannelSpec spec;
    spec.name = std::move(*name);
    spec.title = title->value_or("");
    spec.enabled = enabled->value_or(true);
    if (*ladder) spec.ladder = std::move(**ladder);
    if (!store::IsValidChannelName(spec.name)) {
        return ApiErrorResponse(ApiError::kInvalidArgument,
                                "field 'name' must be 1-64 characters a-z, 0-9, '_' or '-', starting with a letter "
                                "or digit");
    }
    if (spec.title.size() > kMaxTitle) {
        return ApiErrorResponse(ApiError::kInvalidArgument, "field 'title' must be at most 200 bytes");
    }
    return spec;
}

http::ApiResult<store::ChannelUpdate> ChannelUpdateFrom(const json& body) {
    for (const auto& [k, v] : body.items()) {
        if (k != "title" && k != "enabled" && k != "ladder")
            return ApiErrorResponse(ApiError::kInvalidArgument, "unknown field '" + k + "'");
    }
    auto title = http::OptionalField<std::string>(body, "title");
    if (!title) return std::move(title).error();
    auto enabled = http::OptionalField<bool>(body, "enabled");
    if (!enabled) return std::move(enabled).error();
    auto ladder = LadderField(body);
    if (!ladder) return std::move(ladder).error();
    if (*title && (*title)->size() > kMaxTitle) {
        return ApiErrorResponse(ApiError::kInvalidArgument, "field 'title' must be at most 200 bytes");
    }
    return store::ChannelUpdate{std::move(*title), *enabled, std::move(*ladder)};
}

/// A page of a channel's history (broadcasts, recordings): the channel
/// (404 if unknown), ?limit (1-200, 50) and ?before (RFC 3339).
struct HistoryPage {
    store::Channel channel;
    base::FormFields query;
    size_t limit = 50;
    int64_t before_ms = 0;
};

http::ApiResult<HistoryPage> HistoryPageOf(Api& api, const HttpRequest& req, const PathParams& p) {
    auto c = api.store().GetChannel(p["name"]);
    if (!c.ok()) return http::ErrorResponse(c.error());
    auto query = Query(req);
    if (!query) return std::move(query).error();
    auto limit = IntParam(*query, "limit", 50, 1, 200);
    if (!limit) return std::move(limit).error();
    auto before_ms = BeforeParam(*query);
    if (!before_ms) return std::move(before_ms).error();
    return HistoryPage{std::move(c.value()), std::move(*query), static_cast<size_t>(*limit), *before_ms};
}

HttpResponse NoContent() {
    HttpResponse r;
    r.status = 204;
    return r;
}

using Handler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

}  // namespace

void AddApiRoutes(http::Router& router, ManagerService& manager, const AdminToken& admin, const ApiOptions& options) {
    auto api = std::make_shared<Api>(Api{manager, admin, options});

    // Thrown errors become the API's 500 in the Router.
    auto admin_only = [api](Handler h) -> Handler {
        return [api, h = std::move(h)](const HttpRequest& req, const PathParams& params) {
            if (!api->IsAdmin(req)) return ApiErrorResponse(ApiError::kUnauthorized, "missing or wrong bearer token");
            return h(req, params);
        };
    };
    auto hook_only = [api](Handler h) -> Handler {
        return [api, h = std::move(h)](const HttpRequest& req, const PathParams& params) {
            if (!api->IsHook(req)) return ApiErrorResponse(ApiError::kUnauthorized, "missing or wrong bearer token");
            return h(req, params);
        };
    };

    // --- public -------------------------------------------------------------------
    router.Add(HttpMethod::kGet, "/api/v1/openapi.json", [](const HttpRequest&, const PathParams&) {
        HttpResponse r;
        r.content_type = "application/json";
        r.cache_control = "no-cache";
        r.body = base::SharedBuffer::Copy(OpenApiDocument());
        return r;
    });
    router.Add(HttpMethod::kGet, "/api/v1/public/channels/{name}",
               [api](const HttpRequest&, const PathParams& p) {
                   auto c = api->store().GetChannel(p["name"]);
                   if (!c.ok()) return http::ErrorResponse(c.error());
                   auto live = api->manager.LiveBroadcastOf(c->name);
                   return JsonResponse(
                       200, {{"name", c->name},
                             {"title", c->title},
                             {"live", live.has_value()},
                             {"playback_url", api->options.urls.playback(c->name)},
                             {"started_at", live ? json(Rfc3339(live->broadcast.started_at_ms)) : json()}});
               });

    // --- admin: channels ------------------------------------------------------------
    router.Add(HttpMethod::kGet, "/api/v1/auth/check",
               admin_only([](const HttpRequest&, const PathParams&) { return JsonResponse(200, {{"ok", true}}); }));
    router.Add(HttpMethod::kGet, "/api/v1/channels", admin_only([api](const HttpRequest&, const PathParams&) {
                   auto list = api->store().ListChannels();
                   if (!list.ok()) return http::ErrorResponse(list.error());
                   json out = json::array();
                   for (const auto& c : list.value()) out.push_back(api->Channel(c));
                   return JsonResponse(200, {{"channels", std::move(out)}});
               }));
    router.Add(HttpMethod::kPost, "/api/v1/channels", admin_only([api](const HttpRequest& req, const PathParams&) {
                   auto body = http::ParseJsonBody(req);
                   if (!body) return std::move(body).error();
                   auto spec = ChannelSpecFrom(*body);
                   if (!spec) return std::move(spec).error();
                   auto created = api->store().CreateChannel(*spec);
                   if (!created.ok()) return http::ErrorResponse(created.error());
                   json out = api->Channel(created->channel);
                   out["stream_key"] = created->stream_key;
                   api->log.Info("channel created", {{"onair.channel", created->channel.name},
                                                     {"client.ip", req.client_ip}});
                   auto r = JsonResponse(201, out);
                   r.headers.emplace_back("Location", "/api/v1/channels/" + created->channel.name);
                   return r;
               }));
    router.Add(HttpMethod::kGet, "/api/v1/channels/{name}", admin_only([api](const HttpRequest&, const PathParams& p) {
                   auto c = api->store().GetChannel(p["name"]);
                   if (!c.ok()) return http::ErrorResponse(c.error());
                   return JsonResponse(200, api->Channel(*c));
               }));
    router.Add(HttpMethod::kPatch, "/api/v1/channels/{name}",
               admin_only([api](const HttpRequest& req, const PathParams& p) {
                   auto body = http::ParseJsonBody(req);
                   if (!body) return std::move(body).error();
                   auto update = ChannelUpdateFrom(*body);
                   if (!update) return std::move(update).error();
                   auto c = api->manager.UpdateChannel(p["name"], *update);
                   if (!c.ok()) return http::ErrorResponse(c.error());
                   return JsonResponse(200, api->Channel(*c));
               }));
    router.Add(HttpMethod::kDelete, "/api/v1/channels/{name}",
               admin_only([api](const HttpRequest& req, const PathParams& p) {
                   if (auto st = api->manager.DeleteChannel(p["name"]); !st.ok()) return http::ErrorResponse(st.error());
                   api->log.Info("channel deleted", {{"onair.channel", std::string(p["name"])},
                                                     {"client.ip", req.client_ip}});
                   return NoContent();
               }));
    router.Add(HttpMethod::kPost, "/api/v1/channels/{name}/rotate-key",
               admin_only([api](const HttpRequest& req, const PathParams& p) {
                   auto key = api->store().RotateKey(p["name"]);
                   if (!key.ok()) return http::ErrorResponse(key.error());
                   auto c = api->store().GetChannel(p["name"]);
                   if (!c.ok()) return http::ErrorResponse(c.error());
                   json out = api->Channel(*c);
                   out["stream_key"] = key.value();
                   api->log.Info("stream key rotated", {{"onair.channel", c->name}, {"client.ip", req.client_ip}});
                   return JsonResponse(200, out);
               }));
    router.Add(HttpMethod::kPost, "/api/v1/channels/{name}/kick",
               admin_only([api](const HttpRequest& req, const PathParams& p) {
                   auto c = api->store().GetChannel(p["name"]);
                   if (!c.ok()) return http::ErrorResponse(c.error());
                   if (!api->manager.Kick(c->name).ok()) {
                       return ApiErrorResponse(ApiError::kConflict, "channel is not live");
                   }
                   api->log.Info("publisher kicked", {{"onair.channel", c->name}, {"client.ip", req.client_ip}});
                   return NoContent();
               }));
    router.Add(HttpMethod::kGet, "/api/v1/channels/{name}/broadcasts",
               admin_only([api](const HttpRequest& req, const PathParams& p) {
                   auto page = HistoryPageOf(*api, req, p);
                   if (!page) return std::move(page).error();
                   const store::Channel& c = page->channel;
                   auto list = api->store().ListBroadcasts(c.id, page->before_ms, page->limit);
                   if (!list.ok()) return http::ErrorResponse(list.error());
                   const int64_t now = api->manager.NowMs();
                   json out = json::array();
                   for (const auto& b : list.value()) {
                       std::optional<server::BroadcastStats> stats;
                       if (b.live()) {
                           if (auto live = api->manager.LiveBroadcastOf(c.name); live && live->broadcast.id == b.id)
                               stats = live->stats;
                       }
                       out.push_back(BroadcastJson(b, stats, now));
                   }
                   return JsonResponse(200, {{"broadcasts", std::move(out)}});
               }));

    // --- admin: recordings (the origins' catalog) ---------------------------------------
    router.Add(HttpMethod::kGet, "/api/v1/channels/{name}/recordings",
               admin_only([api](const HttpRequest& req, const PathParams& p) {
                   auto page = HistoryPageOf(*api, req, p);
                   if (!page) return std::move(page).error();
                   const store::Channel& c = page->channel;
                   auto include_deleted = BoolParam(page->query, "include_deleted", false);
                   if (!include_deleted) return std::move(include_deleted).error();
                   auto list = api->store().ListRecordings(c.name, page->before_ms, page->limit, *include_deleted);
                   if (!list.ok()) return http::ErrorResponse(list.error());
                   json out = json::array();
                   for (const auto& r : list.value()) out.push_back(RecordingJson(r));
                   // The retention of the origin that holds the newest recording.
                   auto retention = api->manager.Retention(list->empty() ? "" : list->front().node);
                   return JsonResponse(200, {{"recordings", std::move(out)},
                                             {"retention", retention ? RetentionJson(*retention) : json()}});
               }));
    router.Add(HttpMethod::kGet, "/api/v1/recordings/{id}", admin_only([api](const HttpRequest&, const PathParams& p) {
                   auto r = api->store().GetRecording(p["id"]);
                   if (!r.ok()) return http::ErrorResponse(r.error());
                   return JsonResponse(200, RecordingJson(*r));
               }));
    router.Add(HttpMethod::kDelete, "/api/v1/recordings/{id}",
               admin_only([api](const HttpRequest& req, const PathParams& p) {
                   auto r = api->manager.DeleteRecording(p["id"]);
                   if (!r.ok()) return http::ErrorResponse(r.error());
                   api->log.Info("recording delete requested", {{"onair.recording_id", r->id},
                                                                {"onair.channel", r->channel},
                                                                {"client.ip", req.client_ip}});
                   return JsonResponse(202, RecordingJson(*r));
               }));

    // --- admin: broadcasts and events ---------------------------------------------------
    router.Add(HttpMethod::kGet, "/api/v1/broadcasts/live", admin_only([api](const HttpRequest&, const PathParams&) {
                   const int64_t now = api->manager.NowMs();
                   json out = json::array();
                   for (const auto& l : api->manager.LiveBroadcasts()) out.push_back(BroadcastJson(l.broadcast, l.stats, now));
                   return JsonResponse(200, {{"broadcasts", std::move(out)}});
               }));
    router.Add(HttpMethod::kGet, "/api/v1/broadcasts/{id}", admin_only([api](const HttpRequest&, const PathParams& p) {
                   auto b = api->store().GetBroadcast(p["id"]);
                   if (!b.ok()) return http::ErrorResponse(b.error());
                   std::optional<server::BroadcastStats> stats;
                   if (auto live = api->manager.LiveBroadcastOf(b->channel); live && live->broadcast.id == b->id)
                       stats = live->stats;
                   return JsonResponse(200, BroadcastJson(*b, stats, api->manager.NowMs()));
               }));
    router.Add(HttpMethod::kGet, "/api/v1/events", admin_only([api](const HttpRequest& req, const PathParams&) {
                   auto query = Query(req);
                   if (!query) return std::move(query).error();
                   auto after = IntParam(*query, "after", 0, 0, INT64_MAX);
                   if (!after) return std::move(after).error();
                   auto limit = IntParam(*query, "limit", 100, 1, 500);
                   if (!limit) return std::move(limit).error();
                   auto events = api->store().ListEvents(*after, static_cast<size_t>(*limit));
                   if (!events.ok()) return http::ErrorResponse(events.error());
                   json out = json::array();
                   for (const auto& e : events.value()) {
                       out.push_back({{"seq", e.seq},
                                      {"id", e.id},
                                      {"type", e.type},
                                      {"at", Rfc3339(e.at_ms)},
                                      {"payload", json::parse(e.payload, nullptr, false)}});
                   }
                   return JsonResponse(200, {{"events", std::move(out)}});
               }));

    // --- admin: webhooks -------------------------------------------------------------------
    router.Add(HttpMethod::kGet, "/api/v1/webhooks", admin_only([api](const HttpRequest&, const PathParams&) {
                   auto list = api->store().ListWebhooks();
                   if (!list.ok()) return http::ErrorResponse(list.error());
                   json out = json::array();
                   for (const auto& w : list.value()) out.push_back(api->Webhook(w));
                   return JsonResponse(200, {{"webhooks", std::move(out)}});
               }));
    router.Add(HttpMethod::kPost, "/api/v1/webhooks", admin_only([api](const HttpRequest& req, const PathParams&) {
                   auto body = http::ParseJsonBody(req);
                   if (!body) return std::move(body).error();
                   for (const auto& [k, v] : body->items()) {
                       if (k != "url" && k != "channel" && k != "events" && k != "secret")
                           return ApiErrorResponse(ApiError::kInvalidArgument, "unknown field '" + k + "'");
                   }
                   auto url = http::RequiredField<std::string>(*body, "url");
                   if (!url) return std::move(url).error();
                   if (url->size() > kMaxUrl || !(url->starts_with("http://") || url->starts_with("https://"))) {
                       return ApiErrorResponse(ApiError::kInvalidArgument,
                                               "field 'url' must be an http:// or https:// URL of at most 2048 bytes");
                   }
                   auto channel = http::OptionalField<std::string>(*body, "channel");
                   if (!channel) return std::move(channel).error();
                   auto secret = http::OptionalField<std::string>(*body, "secret");
                   if (!secret) return std::move(secret).error();
                   store::WebhookSpec spec;
                   spec.url = std::move(*url);
                   if (*channel) {
                       auto c = api->store().GetChannel(**channel);
                       if (!c.ok()) return http::ErrorResponse(c.error());
                       spec.channel_id = c->id;
                   }
                   if (auto it = body->find("events"); it != body->end() && !it->is_null()) {
                       if (!it->is_array())
                           return ApiErrorResponse(ApiError::kInvalidArgument, "field 'events' must be an array of strings");
                       for (const auto& e : *it) {
                           if (!e.is_string() || e.get<std::string>().empty() || e.get<std::string>().size() > 64)
                               return ApiErrorResponse(ApiError::kInvalidArgument,
                                                       "field 'events' must be an array of event type strings");
                           spec.events.push_back(e.get<std::string>());
                       }
                   }
                   spec.secret = secret->value_or("");
                   if (spec.secret.empty()) spec.secret = "whsec_" + store::GenerateStreamKey().substr(3);
                   if (spec.secret.size() > 256)
                       return ApiErrorResponse(ApiError::kInvalidArgument, "field 'secret' must be at most 256 bytes");
                   auto hook = api->store().CreateWebhook(spec);
                   if (!hook.ok()) return http::ErrorResponse(hook.error());
                   json out = api->Webhook(*hook);
                   out["secret"] = hook->secret;
                   return JsonResponse(201, out);
               }));
    router.Add(HttpMethod::kGet, "/api/v1/webhooks/{id}", admin_only([api](const HttpRequest&, const PathParams& p) {
                   int64_t id = 0;
                   if (!ParseInt(p["id"], id)) return ApiErrorResponse(ApiError::kNotFound, "no such webhook");
                   auto w = api->store().GetWebhook(id);
                   if (!w.ok()) return http::ErrorResponse(w.error());
                   return JsonResponse(200, api->Webhook(*w));
               }));
    router.Add(HttpMethod::kDelete, "/api/v1/webhooks/{id}",
               admin_only([api](const HttpRequest&, const PathParams& p) {
                   int64_t id = 0;
                   if (!ParseInt(p["id"], id)) return ApiErrorResponse(ApiError::kNotFound, "no such webhook");
                   if (auto st = api->store().DeleteWebhook(id); !st.ok()) return http::ErrorResponse(st.error());
                   return NoContent();
               }));
    router.Add(HttpMethod::kGet, "/api/v1/webhooks/{id}/deliveries",
               admin_only([api](const HttpRequest& req, const PathParams& p) {
                   int64_t id = 0;
                   if (!ParseInt(p["id"], id)) return ApiErrorResponse(ApiError::kNotFound, "no such webhook");
                   auto w = api->store().GetWebhook(id);
                   if (!w.ok()) return http::ErrorResponse(w.error());
                   auto query = Query(req);
                   if (!query) return std::move(query).error();
                   auto limit = IntParam(*query, "limit", 50, 1, 200);
                   if (!limit) return std::move(limit).error();
                   auto list = api->store().ListDeliveries(id, static_cast<size_t>(*limit));
                   if (!list.ok()) return http::ErrorResponse(list.error());
                   json out = json::array();
                   for (const auto& d : list.value()) out.push_back(Api::Delivery(d));
                   return JsonResponse(200, {{"deliveries", std::move(out)}});
               }));

    // --- ingest hooks -------------------------------------------------------------------------
    router.Add(HttpMethod::kPost, "/api/v1/hooks/publish", hook_only([api](const HttpRequest& req, const PathParams&) {
                   auto body = http::ParseJsonBody(req);
                   if (!body) return std::move(body).error();
                   auto app = http::RequiredField<std::string>(*body, "app");
                   if (!app) return std::move(app).error();
                   auto key = http::RequiredField<std::string>(*body, "stream_key");
                   if (!key) return std::move(key).error();
                   auto ip = http::RequiredField<std::string>(*body, "client_ip");
                   if (!ip) return std::move(ip).error();
                   auto query = http::OptionalField<std::string>(*body, "query");
                   if (!query) return std::move(query).error();
                   auto port = http::OptionalField<uint16_t>(*body, "client_port");
                   if (!port) return std::move(port).error();
                   auto node = http::OptionalField<std::string>(*body, "node");
                   if (!node) return std::move(node).error();
                   server::PublishAttempt attempt;
                   attempt.app = std::move(*app);
                   attempt.stream_key = std::move(*key);
                   attempt.client_ip = std::move(*ip);
                   attempt.query = query->value_or("");
                   attempt.client_port = port->value_or(0);
                   attempt.node = node->value_or("ingest");
                   auto v = api->manager.AuthorizePublish(attempt);
                   if (v.retry_later) return ApiErrorResponse(ApiError::kUnavailable, v.reason);
                   json out = {{"allowed", v.allowed}};
                   if (v.allowed) {
                       out["channel"] = v.channel;
                       out["broadcast_id"] = v.broadcast_id;
                       // The channel's own ladder, for the ingest to carry in the log; null: none.
                       out["ladder"] = v.ladder.empty() ? json() : json::parse(v.ladder, nullptr, false);
                   } else {
                       out["reason"] = v.reason;
                   }
                   return JsonResponse(200, out);
               }));
    router.Add(HttpMethod::kPost, "/api/v1/hooks/unpublish",
               hook_only([api](const HttpRequest& req, const PathParams&) {
                   auto body = http::ParseJsonBody(req);
                   if (!body) return std::move(body).error();
                   auto id = http::RequiredField<std::string>(*body, "broadcast_id");
                   if (!id) return std::move(id).error();
                   auto reason_name = http::RequiredField<std::string>(*body, "reason");
                   if (!reason_name) return std::move(reason_name).error();
                   auto reason = store::ParseEndReason(*reason_name);
                   if (!reason) {
                       return ApiErrorResponse(ApiError::kInvalidArgument,
                                               "field 'reason' must be publisher_closed, taken_over, kicked, "
                                               "unexpected or server_shutdown");
                   }
                   api->manager.PublishEnded(*id, *reason);
                   return NoContent();
               }));
    router.Add(HttpMethod::kPost, "/api/v1/hooks/stats", hook_only([api](const HttpRequest& req, const PathParams&) {
                   auto body = http::ParseJsonBody(req);
                   if (!body) return std::move(body).error();
                   auto id = http::RequiredField<std::string>(*body, "broadcast_id");
                   if (!id) return std::move(id).error();
                   server::BroadcastStats stats;
                   try {
                       stats = StatsFromJson(*body);
                   } catch (const json::exception&) {
                       return ApiErrorResponse(ApiError::kInvalidArgument, "a stats field has the wrong type");
                   }
                   return JsonResponse(200, {{"kick", api->manager.ReportStats(stats)}});
               }));
}

}  // namespace onair::manager
