// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/nginx_rtmp_routes.h"

#include "onair/base/form_urlencoded.h"
#include "onair/manager/nginx_rtmp_hooks.h"
#include "onair/manager/nginx_sessions.h"
#include "onair/server/http/bearer_auth.h"

namespace onair::manager {

namespace http = server::http;
using http::HttpMethod;
using http::HttpRequest;
using http::HttpResponse;
using http::PathParams;

namespace {

HttpResponse Answer(const NginxHookResponse& r) {
    auto out = HttpResponse::Text(static_cast<unsigned>(r.status), r.body);
    if (!r.location.empty()) out.headers.emplace_back("Location", r.location);
    return out;
}

struct NginxHooks {
    NginxHooks(ManagerService& m, const AdminToken& a, std::string token)
        : manager(m), admin(a), hook_token(std::move(token)) {}
    ManagerService& manager;
    const AdminToken& admin;
    std::string hook_token;
    NginxSessions sessions;
    runtime::Logger log{"nginx-rtmp"};

    /// The hook URL's query (token, mode, push_to), or the answer to send.
    std::optional<HttpResponse> Check(const HttpRequest& req, base::FormFields& query) const {
        auto q = base::ParseForm(req.query);
        if (!q.ok()) return Answer(MalformedResponse(q.error()));
        query = std::move(q.value());
        const std::string_view token = base::FormValue(query, "token").value_or("");
        const bool ok = admin.Matches(token) || (!hook_token.empty() && http::ConstantTimeEquals(token, hook_token));
        if (!ok) return HttpResponse::Text(401, "missing or wrong token\n");
        return std::nullopt;
    }
};

}  // namespace

void AddNginxRtmpRoutes(http::Router& router, ManagerService& manager, const AdminToken& admin,
                        std::string hook_token) {
    auto hooks = std::make_shared<NginxHooks>(manager, admin, std::move(hook_token));

    router.Add(HttpMethod::kPost, "/hooks/nginx-rtmp/on_publish", [hooks](const HttpRequest& req, const PathParams&) {
        base::FormFields query;
        if (auto refused = hooks->Check(req, query)) return *refused;
        auto options = NginxHookOptionsFromQuery(query);
        if (!options.ok()) return Answer(MalformedResponse(options.error()));
        auto call = ParseNginxRtmpCall(req.body);
        if (!call.ok()) return Answer(MalformedResponse(call.error()));
        auto attempt = PublishAttemptFrom(*call, "nginx-rtmp:" + std::string(req.client_ip));
        if (!attempt.ok()) return Answer(MalformedResponse(attempt.error()));
        const int64_t now = hooks->manager.NowMs();
        // nginx-rtmp refuses a second publisher of a live name itself: a
        // takeover here would end the first one too.
        if (hooks->sessions.Publishing(*call, now)) return Answer(AlreadyPublishingResponse());
        const auto verdict = hooks->manager.AuthorizePublish(*attempt);
        if (verdict.allowed) {
            if (auto displaced = hooks->sessions.Add(*call, {verdict.broadcast_id, verdict.channel}, now)) {
                hooks->manager.PublishEnded(*displaced, store::EndReason::kUnexpected);
            }
        }
        return Answer(PublishResponse(verdict, *options));
    });
    router.Add(HttpMethod::kPost, "/hooks/nginx-rtmp/on_update", [hooks](const HttpRequest& req, const PathParams&) {
        base::FormFields query;
        if (auto refused = hooks->Check(req, query)) return *refused;
        auto call = ParseNginxRtmpCall(req.body);
        if (!call.ok()) return Answer(MalformedResponse(call.error()));
        // nginx's own push into the HLS application reports as update_play.
        if (!IsPublisherUpdate(*call)) return Answer(UpdateResponse(false));
        auto session = hooks->sessions.Touch(*call, hooks->manager.NowMs());
        if (!session) return Answer(UpdateResponse(true));
        return Answer(UpdateResponse(
            hooks->manager.ReportStats(HeartbeatStats(*call, session->broadcast_id, session->channel))));
    });
    router.Add(HttpMethod::kPost, "/hooks/nginx-rtmp/on_publish_done",
               [hooks](const HttpRequest& req, const PathParams&) {
                   base::FormFields query;
                   if (auto refused = hooks->Check(req, query)) return *refused;
                   auto call = ParseNginxRtmpCall(req.body);
                   if (!call.ok()) return Answer(MalformedResponse(call.error()));
                   if (call->call == "publish_done") {
                       if (auto s = hooks->sessions.Take(*call)) {
                           hooks->manager.PublishEnded(s->broadcast_id, store::EndReason::kPublisherClosed);
                       }
                   }
                   return HttpResponse::Text(200, "ok\n");
               });
}

}  // namespace onair::manager
