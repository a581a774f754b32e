// SPDX-License-Identifier: Apache-2.0
#include "onair/app/manager_stack.h"

#include <boost/asio/post.hpp>
#include <unordered_map>

#include "onair/manager/api_routes.h"
#include "onair/manager/channel_urls.h"
#include "onair/manager/nginx_rtmp_routes.h"
#include "onair/manager/web_assets.h"
#include "onair/server/http/http_client.h"
#include "onair/server/http/router.h"

namespace onair::app {

namespace asio = boost::asio;

namespace {

manager::WebhookResult SendWebhook(const manager::WebhookRequest& req) {
    server::http::FetchRequest f;
    f.method = server::http::HttpMethod::kPost;
    f.url = req.url;
    f.headers = req.headers;
    f.body = req.body;
    f.timeout = std::chrono::seconds(5);
    f.max_body_bytes = 64 * 1024;  // the receiver's answer is not read beyond its status
    auto r = server::http::FetchBlocking(std::move(f));
    if (!r.ok()) return {0, r.error().message};
    return {static_cast<int>(r->status), ""};
}

}  // namespace

ManagerStack::ManagerStack(const runtime::Config& config) : config_(config), workers_(config.manager.workers) {}

ManagerStack::~ManagerStack() { Stop(); }

base::Result<std::unique_ptr<ManagerStack>> ManagerStack::Open(const runtime::Config& config) {
    std::unique_ptr<ManagerStack> m(new ManagerStack(config));
    auto store = store::OpenStore(runtime::DatabaseLocation(config));
    if (!store.ok()) return store.error();
    m->store_ = std::move(store.value());
    auto token = manager::AdminToken::Load(*m->store_, config.manager.admin_token);
    if (!token.ok()) return token.error();
    m->token_ = std::move(token->token);
    m->generated_token_ = std::move(token->generated);

    manager::ManagerOptions options;
    options.heartbeat_timeout_ms = config.manager.heartbeat_timeout_ms;
    options.max_failed_publishes = config.manager.max_failed_publishes;
    options.failed_publish_window_ms = config.manager.failed_publish_window_ms;
    m->service_ = std::make_unique<manager::ManagerService>(*m->store_, options);
    m->webhooks_ = std::make_unique<manager::WebhookDispatcher>(*m->store_, SendWebhook);
    m->service_->AddListener(m->webhooks_.get());
    m->gate_ = std::make_unique<manager::LocalPublishGate>(*m->service_, m->workers_);
    return m;
}

void ManagerStack::AddRoutes(server::http::HttpDispatcher& routes) {
    auto router = std::make_shared<server::http::Router>();
    manager::ApiOptions api;
    api.urls = manager::ChannelUrls::FromConfig(config_);
    api.hook_token = config_.manager.hook_token;
    manager::AddApiRoutes(*router, *service_, *token_, api);
    manager::AddNginxRtmpRoutes(*router, *service_, *token_, config_.manager.hook_token);
    auto handler = [router](const server::http::HttpRequest& req) { return router->Handle(req); };
    routes.HandleBlocking("/api", handler);
    routes.HandleBlocking("/hooks", handler);
    // The dashboard and the player page: static, embedded, answered inline.
    // Each file's bytes once as a SharedBuffer, so a response shares them.
    auto bodies = std::make_shared<std::unordered_map<const char*, base::SharedBuffer>>();
    for (auto path : manager::WebAssetPaths()) {
        if (auto a = manager::FindWebAsset(path)) bodies->emplace(a->bytes.data(), base::SharedBuffer::Copy(a->bytes));
    }
    auto web = [bodies](const server::http::HttpRequest& req) -> server::http::HttpResponse {
        if (req.verb != server::http::HttpMethod::kGet && req.verb != server::http::HttpMethod::kHead) {
            auto r = server::http::HttpResponse::Text(405, "method not allowed\n");
            r.headers = {{"Allow", "GET, HEAD"}};
            return r;
        }
        auto asset = manager::FindWebAsset(req.path);
        if (!asset) return server::http::HttpResponse::NotFound();
        server::http::HttpResponse r;
        r.content_type = std::string(asset->content_type);
        r.cache_control = std::string(asset->cache_control);
        r.etag = std::string(asset->etag);
        if (!asset->content_security_policy.empty()) {
            r.headers.emplace_back("Content-Security-Policy", std::string(asset->content_security_policy));
        }
        if (req.header("If-None-Match") == asset->etag) {
            r.status = 304;
            return r;
        }
        auto it = bodies->find(asset->bytes.data());
        r.body = it != bodies->end() ? it->second : base::SharedBuffer::Copy(asset->bytes);
        return r;
    };
    routes.Handle("/dashboard", web);
    routes.Handle("/watch", web);
    routes.Handle("/assets", web);
}

void ManagerStack::AttachBus(bus::Bus& bus) {
    bus_publisher_ = std::make_unique<manager::BusEventPublisher>(bus);
    service_->AddListener(bus_publisher_.get());
    bus_consumer_ = std::make_unique<manager::BusEventConsumer>(
        *service_, [this](std::function<void()> work) {
            if (!stopped_) asio::post(workers_, std::move(work));
        });
    bus_subscription_ = bus.SubscribeEvents(*bus_consumer_);
}

void ManagerStack::Start() {
    ScheduleSweep();
    ScheduleWebhooks();
    timer_thread_ = std::thread([this] { timer_context_.run(); });
}

void ManagerStack::ScheduleSweep() {
    sweep_timer_.expires_after(std::chrono::seconds(1));
    sweep_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || stopped_) return;
        asio::post(workers_, [this] { service_->Sweep(); });
        ScheduleSweep();
    });
}

void ManagerStack::ScheduleWebhooks() {
    webhook_timer_.expires_after(std::chrono::milliseconds(250));
    webhook_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec || stopped_) return;
        // One pass at a time: a slow receiver delays the next pass, it does
        // not pile passes up on the workers.
        if (!webhooks_running_.exchange(true)) {
            asio::post(workers_, [this] {
                while (webhooks_->RunDue() > 0 && !stopped_) {
                }
                webhooks_running_ = false;
            });
        }
        ScheduleWebhooks();
    });
}

void ManagerStack::Stop() {
    if (stopped_.exchange(true)) return;
    bus_subscription_.reset();
    timer_context_.stop();
    if (timer_thread_.joinable()) timer_thread_.join();
    workers_.join();
}

}  // namespace onair::app
