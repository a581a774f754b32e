// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "onair/base/result.h"
#include "onair/bus/bus.h"
#include "onair/manager/admin_token.h"
#include "onair/manager/bus_events.h"
#include "onair/manager/local_publish_gate.h"
#include "onair/manager/manager_service.h"
#include "onair/manager/webhook_dispatcher.h"
#include "onair/runtime/config.h"
#include "onair/server/http/http_dispatcher.h"
#include "onair/store/manager_store.h"

namespace onair::app {

/// The manager role, as `onair serve` and `onair manager` both run it: the
/// store, the admin token, the service, outgoing webhooks, the REST API and
/// dashboard routes, and the periodic work (heartbeat sweep, webhook
/// retries) on a worker pool of its own.
class ManagerStack {
public:
    /// Opens the store (config.database, or <data_dir>/onair.db) and loads or
    /// generates the admin token.
    static base::Result<std::unique_ptr<ManagerStack>> Open(const runtime::Config& config);
    ~ManagerStack();

    manager::ManagerService& service() { return *service_; }
    store::ManagerStore& store() { return *store_; }
    /// The in-process gate for this process's ingest.
    server::PublishGate& local_gate() { return *gate_; }
    /// The admin token if it was generated just now (to be shown once).
    const std::optional<std::string>& generated_token() const { return generated_token_; }

    /// /api/v1/..., /hooks/nginx-rtmp/... (on the worker pool) and the
    /// dashboard's pages and assets (inline).
    void AddRoutes(server::http::HttpDispatcher& routes);

    /// Puts every event on the bus (onair.events) and takes the other roles'
    /// events from it (media.gap). Before Start(); `bus` outlives the stack's Stop().
    void AttachBus(bus::Bus& bus);

    /// Starts the periodic work: timers on a thread of their own, the work
    /// itself on the worker pool.
    void Start();
    /// Stops the timers, then runs what is queued on the worker pool (the
    /// ends of broadcasts reported during shutdown) and joins it. Declare
    /// the stack before the IoPool whose connections use local_gate(): it
    /// must outlive them.
    void Stop();

private:
    explicit ManagerStack(const runtime::Config& config);
    void ScheduleSweep();
    void ScheduleWebhooks();

    const runtime::Config config_;
    std::unique_ptr<store::ManagerStore> store_;
    std::optional<manager::AdminToken> token_;
    std::optional<std::string> generated_token_;
    boost::asio::thread_pool workers_;
    std::unique_ptr<manager::ManagerService> service_;
    std::unique_ptr<manager::WebhookDispatcher> webhooks_;
    std::unique_ptr<manager::LocalPublishGate> gate_;
    std::unique_ptr<manager::BusEventPublisher> bus_publisher_;
    std::unique_ptr<manager::BusEventConsumer> bus_consumer_;
    std::unique_ptr<bus::Subscription> bus_subscription_;
    boost::asio::io_context timer_context_;
    boost::asio::steady_timer sweep_timer_{timer_context_};
    boost::asio::steady_timer webhook_timer_{timer_context_};
    std::thread timer_thread_;
    std::atomic<bool> webhooks_running_{false};
    std::atomic<bool> stopped_{false};
};

}  // namespace onair::app
