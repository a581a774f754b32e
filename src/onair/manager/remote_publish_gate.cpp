// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/remote_publish_gate.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "onair/manager/channel_urls.h"
#include "onair/manager/json_views.h"
#include "onair/server/http/http_client.h"

namespace onair::manager {

namespace asio = boost::asio;
using server::http::FetchRequest;
using server::http::HttpMethod;

RemotePublishGate::RemotePublishGate(asio::any_io_executor executor, std::string manager_url, std::string token,
                                     std::chrono::milliseconds timeout)
    : executor_(std::move(executor)),
      base_url_(WithoutTrailingSlash(std::move(manager_url))),
      token_(std::move(token)),
      timeout_(timeout) {}

namespace {

FetchRequest Post(const std::string& url, const std::string& token, std::string body, std::chrono::milliseconds timeout) {
    FetchRequest r;
    r.method = HttpMethod::kPost;
    r.url = url;
    r.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}};
    r.body = std::move(body);
    r.timeout = timeout;
    r.max_body_bytes = 64 * 1024;
    return r;
}

}  // namespace

void RemotePublishGate::Verify(server::PublishAttempt attempt, std::function<void(server::PublishVerdict)> done) {
    nlohmann::json body = {{"app", attempt.app},
                           {"stream_key", attempt.stream_key},
                           {"query", attempt.query},
                           {"client_ip", attempt.client_ip},
                           {"client_port", attempt.client_port},
                           {"node", attempt.node}};
    auto req = Post(base_url_ + "/api/v1/hooks/publish", token_, body.dump(), timeout_);
    asio::co_spawn(
        executor_,
        [this, req = std::move(req), done = std::move(done)]() mutable -> asio::awaitable<void> {
            server::PublishVerdict v;
            v.reason = "manager unavailable";
            v.retry_later = true;
            auto r = co_await server::http::Fetch(executor_, std::move(req));
            if (!r.ok()) {
                log_.Error("publish hook failed, refusing the publish", {{"error.message", r.error().message}});
            } else if (r->status != 200) {
                log_.Error("publish hook answered with an error, refusing the publish",
                           {{"http.response.status_code", r->status}});
            } else {
                auto j = nlohmann::json::parse(r->body, nullptr, false);
                if (j.is_object() && j.value("allowed", false) && j.contains("channel") && j["channel"].is_string() &&
                    j.contains("broadcast_id") && j["broadcast_id"].is_string()) {
                    v.allowed = true;
                    v.retry_later = false;
                    v.reason.clear();
                    v.channel = j["channel"].get<std::string>();
                    v.broadcast_id = j["broadcast_id"].get<std::string>();
                    // The transcoders check it again; only an array is a ladder.
                    if (auto l = j.find("ladder"); l != j.end() && l->is_array()) v.ladder = l->dump();
                } else if (j.is_object() && j.contains("allowed") && j["allowed"].is_boolean()) {
                    v.retry_later = false;
                    v.reason = j.value("reason", std::string("refused"));
                } else {
                    log_.Error("publish hook answered with something else than a verdict, refusing the publish", {});
                }
            }
            done(std::move(v));
        },
        asio::detached);
}

void RemotePublishGate::Ended(std::string broadcast_id, store::EndReason reason) {
    nlohmann::json body = {{"broadcast_id", broadcast_id}, {"reason", store::EndReasonName(reason)}};
    auto req = Post(base_url_ + "/api/v1/hooks/unpublish", token_, body.dump(), timeout_);
    ++in_flight_;
    asio::co_spawn(
        executor_,
        [this, req = std::move(req), id = std::move(broadcast_id)]() mutable -> asio::awaitable<void> {
            // The end of a broadcast matters (events, history): a few tries.
            // If all fail, the manager's heartbeat sweep ends it anyway.
            for (int attempt = 0; attempt < 3; ++attempt) {
                auto r = co_await server::http::Fetch(executor_, req);
                if (r.ok() && r->status < 300) break;
                log_.Warn("unpublish hook failed", {{"onair.broadcast_id", id},
                                                    {"onair.attempt", attempt + 1},
                                                    {"error.message", r.ok() ? "status " + std::to_string(r->status)
                                                                             : r.error().message}});
                asio::steady_timer t(executor_, std::chrono::milliseconds(500 << attempt));
                co_await t.async_wait(asio::use_awaitable);
            }
            --in_flight_;
        },
        asio::detached);
}

void RemotePublishGate::Report(server::BroadcastStats stats, std::function<void(bool kick)> kick) {
    if (in_flight_.load() >= kMaxInFlight) return;
    nlohmann::json body = StatsJson(stats);
    body["broadcast_id"] = stats.broadcast_id;
    body["channel"] = stats.channel;
    auto req = Post(base_url_ + "/api/v1/hooks/stats", token_, body.dump(), timeout_);
    ++in_flight_;
    asio::co_spawn(
        executor_,
        [this, req = std::move(req), kick = std::move(kick)]() mutable -> asio::awaitable<void> {
            auto r = co_await server::http::Fetch(executor_, std::move(req));
            --in_flight_;
            if (!r.ok() || r->status != 200) co_return;  // the manager's sweep decides if this lasts
            auto j = nlohmann::json::parse(r->body, nullptr, false);
            if (kick && j.is_object() && j.value("kick", false)) kick(true);
        },
        asio::detached);
}

}  // namespace onair::manager
