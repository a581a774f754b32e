// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/webhook_dispatcher.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "onair/runtime/wall_clock.h"
#include "onair/server/http/url.h"

namespace onair::manager {

namespace {

bool Wants(const store::Webhook& hook, const store::Event& event) {
    if (!hook.enabled) return false;
    if (hook.channel_id != 0 && hook.channel_id != event.channel_id) return false;
    return hook.events.empty() || std::find(hook.events.begin(), hook.events.end(), event.type) != hook.events.end();
}

// scheme://host[:port] only: a webhook URL's path may be its secret (Slack's
// are), its query a token.
std::string UrlForLog(std::string_view url) {
    auto u = server::http::ParseUrl(url);
    return u.ok() ? u->scheme + "://" + u->authority() : "[invalid url]";
}

}  // namespace

std::string SignWebhook(std::string_view secret, int64_t unix_seconds, std::string_view body) {
    const std::string t = std::to_string(unix_seconds);
    std::string signed_text = t + "." + std::string(body);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &mac_len);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "t=" + t + ",v1=";
    for (unsigned i = 0; i < mac_len; ++i) {
        out.push_back(kHex[mac[i] >> 4]);
        out.push_back(kHex[mac[i] & 15]);
    }
    return out;
}

WebhookDispatcher::WebhookDispatcher(store::ManagerStore& store, WebhookTransport transport, WebhookOptions options,
                                     NowFn now)
    : store_(store),
      transport_(std::move(transport)),
      options_(options),
      now_(now ? std::move(now) : NowFn(runtime::WallClockMs)) {}

void WebhookDispatcher::OnEvent(const store::Event& event) {
    auto hooks = store_.ListWebhooks();
    if (!hooks.ok()) {
        log_.Error("cannot list webhooks", {{"error.message", hooks.error().message}});
        return;
    }
    const int64_t now_ms = now_();
    for (const auto& hook : hooks.value()) {
        if (!Wants(hook, event)) continue;
        store::WebhookDelivery d;
        d.webhook_id = hook.id;
        d.event_id = event.id;
        d.event_type = event.type;
        d.payload = event.payload;
        d.next_attempt_at_ms = now_ms;
        d.created_at_ms = d.updated_at_ms = now_ms;
        if (auto id = store_.InsertDelivery(d); !id.ok()) {
            log_.Error("cannot queue a webhook delivery",
                       {{"onair.webhook_id", hook.id}, {"error.message", id.error().message}});
        } else {
            wakeup_ = true;
        }
    }
}

size_t WebhookDispatcher::RunDue() {
    std::lock_guard run(run_mu_);
    auto due = store_.DueDeliveries(now_(), options_.batch);
    if (!due.ok()) {
        log_.Error("cannot read due webhook deliveries", {{"error.message", due.error().message}});
        return 0;
    }
    for (auto& d : due.value()) {
        auto hook = store_.GetWebhook(d.webhook_id);
        if (!hook.ok()) {  // deleted meanwhile
            d.state = store::DeliveryState::kFailed;
            d.last_error = "webhook deleted";
            d.updated_at_ms = now_();
            (void)store_.UpdateDelivery(d);
            continue;
        }
        const int64_t sent_ms = now_();
        WebhookRequest req;
        req.url = hook->url;
        req.body = d.payload;
        req.headers = {{"Content-Type", "application/json"},
                       {"User-Agent", "onair-webhook/1"},
                       {"X-Onair-Event", d.event_type},
                       {"X-Onair-Delivery", std::to_string(d.id)},
                       {"X-Onair-Event-Id", d.event_id},
                       {"X-Onair-Signature", SignWebhook(hook->secret, sent_ms / 1000, d.payload)}};
        const WebhookResult r = transport_(req);
        ++d.attempts;
        d.last_status = r.status;
        d.last_error = r.error;
        d.updated_at_ms = now_();
        if (r.status >= 200 && r.status < 300) {
            d.state = store::DeliveryState::kDelivered;
        } else if (d.attempts >= options_.max_attempts) {
            d.state = store::DeliveryState::kFailed;
            log_.Warn("webhook delivery failed for good", {{"url.domain", UrlForLog(hook->url)},
                                                            {"onair.delivery_id", d.id},
                                                            {"http.response.status_code", r.status},
                                                            {"error.message", r.error}});
        } else {
            const int64_t backoff =
                std::min(options_.max_retry_ms, options_.first_retry_ms << std::min(d.attempts - 1, 20));
            d.next_attempt_at_ms = d.updated_at_ms + backoff;
            log_.Info("webhook delivery will be retried", {{"url.domain", UrlForLog(hook->url)},
                                                            {"onair.delivery_id", d.id},
                                                            {"onair.attempt", d.attempts},
                                                            {"http.response.status_code", r.status},
                                                            {"error.message", r.error},
                                                            {"onair.retry_in_ms", backoff}});
        }
        if (auto st = store_.UpdateDelivery(d); !st.ok()) {
            log_.Error("cannot record a webhook attempt", {{"error.message", st.error().message}});
        }
    }
    return due->size();
}

}  // namespace onair::manager
