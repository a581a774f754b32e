// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "onair/manager/manager_service.h"
#include "onair/store/manager_store.h"

namespace onair::manager {

struct WebhookRequest {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};
struct WebhookResult {
    int status = 0;     // HTTP status; 0 when the request did not complete
    std::string error;  // why it did not complete
};
/// Sends one request and blocks until it completes or times out (it runs on
/// a worker thread). The HTTP client behind it is the app's choice.
using WebhookTransport = std::function<WebhookResult(const WebhookRequest&)>;

struct WebhookOptions {
    int max_attempts = 8;              // then the delivery is failed
    int64_t first_retry_ms = 1000;     // doubled after each failed attempt...
    int64_t max_retry_ms = 5 * 60000;  // ...up to this
    size_t batch = 32;                 // deliveries per RunDue()
};

/// `X-Onair-Signature` value: "t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
/// "<t>.<body>")>". Receivers recompute it and reject old timestamps, so a
/// captured delivery cannot be replayed later.
std::string SignWebhook(std::string_view secret, int64_t unix_seconds, std::string_view body);

/// Outgoing webhooks: every stored event becomes one delivery per matching
/// webhook (global ones and the event's channel's), sent with a signature,
/// retried with exponential backoff until a 2xx or max_attempts. Every
/// attempt's outcome is kept in the store, so the API shows deliveries.
///
/// Thread-safe; RunDue() calls are serialised internally.
class WebhookDispatcher final : public EventListener {
public:
    using NowFn = std::function<int64_t()>;
    WebhookDispatcher(store::ManagerStore& store, WebhookTransport transport, WebhookOptions options = {},
                      NowFn now = {});

    void OnEvent(const store::Event& event) override;

    /// Sends the deliveries that are due. Returns how many were attempted.
    size_t RunDue();

    /// Set by OnEvent: work is waiting (lets a loop run RunDue at once).
    bool TakeWakeup() { return wakeup_.exchange(false); }

private:
    store::ManagerStore& store_;
    WebhookTransport transport_;
    const WebhookOptions options_;
    const NowFn now_;
    const runtime::Logger log_{"webhook"};
    std::mutex run_mu_;
    std::atomic<bool> wakeup_{false};
};

}  // namespace onair::manager
