// SPDX-License-Identifier: Apache-2.0
// SqlStore: outgoing webhooks and their deliveries.
#include "onair/store/sql_store.h"
#include "onair/store/sql_store_rows.h"

namespace onair::store {

using namespace sql_rows;

namespace {

constexpr size_t kMaxUrlBytes = 2048;
constexpr size_t kMaxSecretBytes = 256;
constexpr size_t kMaxEventTypeBytes = 64;

#define ONAIR_WEBHOOK_COLUMNS "id, channel_id, url, secret, events, enabled, created_at_ms"
#define ONAIR_DELIVERY_COLUMNS                                                                                      \
    "id, webhook_id, event_id, event_type, payload, state, attempts, last_status, last_error, next_attempt_at_ms, " \
    "created_at_ms, updated_at_ms"

// The events column: the types joined by ','; '' for all.
std::string JoinEvents(const std::vector<std::string>& events) {
    std::string out;
    for (const auto& e : events) out += (out.empty() ? "" : ",") + e;
    return out;
}

std::vector<std::string> SplitEvents(const std::string& joined) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < joined.size()) {
        size_t comma = joined.find(',', start);
        if (comma == std::string::npos) comma = joined.size();
        out.push_back(joined.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

bool IsValidEventType(std::string_view type) {
    if (type.empty() || type.size() > kMaxEventTypeBytes) return false;
    for (char c : type)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
    return true;
}

base::Status CheckWebhook(const WebhookSpec& spec) {
    const std::string_view url = spec.url;
    if (!(url.starts_with("http://") || url.starts_with("https://")) || url.size() > kMaxUrlBytes)
        return Invalid("webhook url must be http:// or https:// and at most 2048 bytes");
    for (char c : url)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
            return Invalid("webhook url holds a space or control character");
    if (spec.secret.empty() || spec.secret.size() > kMaxSecretBytes)
        return Invalid("webhook secret must be 1-256 bytes");
    for (const auto& e : spec.events)
        if (!IsValidEventType(e)) return Invalid("webhook event types are 1-64 characters a-z, 0-9, '.', '_' or '-'");
    return base::Status::Ok();
}

Webhook WebhookRow(const SqlRow& row) {
    return Webhook{row.Int(0), row.Int(1), row.Text(2), row.Text(3), SplitEvents(row.Text(4)), row.Bool(5), row.Int(6)};
}

WebhookDelivery DeliveryRow(const SqlRow& row) {
    WebhookDelivery d;
    d.id = row.Int(0);
    d.webhook_id = row.Int(1);
    d.event_id = row.Text(2);
    d.event_type = row.Text(3);
    d.payload = row.Text(4);
    d.state = ParseDeliveryState(row.Text(5)).value_or(DeliveryState::kFailed);
    d.attempts = static_cast<int>(row.Int(6));
    d.last_status = static_cast<int>(row.Int(7));
    d.last_error = row.Text(8);
    d.next_attempt_at_ms = row.Int(9);
    d.created_at_ms = row.Int(10);
    d.updated_at_ms = row.Int(11);
    return d;
}

base::Error NoSuchWebhook(int64_t id) { return NotFound("no webhook with id " + std::to_string(id)); }

}  // namespace

base::Result<Webhook> SqlStore::CreateWebhook(const WebhookSpec& spec) {
    if (auto st = CheckWebhook(spec); !st.ok()) return st.error();
    const std::string events = JoinEvents(spec.events);
    const SqlParam channel = spec.channel_id ? SqlParam(spec.channel_id) : SqlParam(nullptr);  // NULL: every channel
    std::lock_guard lock(mu_);
    auto r = db_->Run(
        "INSERT INTO webhooks (channel_id, url, secret, events, enabled, created_at_ms) "
        "VALUES ($1, $2, $3, $4, TRUE, $5) RETURNING " ONAIR_WEBHOOK_COLUMNS,
        {channel, std::string_view(spec.url), std::string_view(spec.secret), std::string_view(events), NowMs()});
    if (!r.ok() && r.error().code == base::ErrorCode::kNotFound)
        return NotFound("no channel with id " + std::to_string(spec.channel_id));
    return FirstRow<Webhook>(r, WebhookRow, "create webhook",
                             base::Error{base::ErrorCode::kIo, "store: create webhook: no row returned"});
}

base::Result<std::vector<Webhook>> SqlStore::ListWebhooks() {
    std::lock_guard lock(mu_);
    return AllRows<Webhook>(db_->Run("SELECT " ONAIR_WEBHOOK_COLUMNS " FROM webhooks ORDER BY id"), WebhookRow,
                            "list webhooks");
}

base::Result<Webhook> SqlStore::GetWebhook(int64_t id) {
    std::lock_guard lock(mu_);
    return FirstRow<Webhook>(db_->Run("SELECT " ONAIR_WEBHOOK_COLUMNS " FROM webhooks WHERE id = $1", {id}), WebhookRow,
                             "get webhook", NoSuchWebhook(id));
}

base::Status SqlStore::DeleteWebhook(int64_t id) {
    std::lock_guard lock(mu_);
    return Changed(db_->Run("DELETE FROM webhooks WHERE id = $1", {id}), "delete webhook", NoSuchWebhook(id));
}

base::Result<int64_t> SqlStore::InsertDelivery(const WebhookDelivery& d) {
    if (d.event_id.empty()) return Invalid("delivery event_id is empty");
    const int64_t created = d.created_at_ms ? d.created_at_ms : NowMs();
    const int64_t updated = d.updated_at_ms ? d.updated_at_ms : created;
    std::lock_guard lock(mu_);
    auto r = db_->Run(
        "INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload, state, attempts, "
        "last_status, last_error, next_attempt_at_ms, created_at_ms, updated_at_ms) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        {d.webhook_id, std::string_view(d.event_id), std::string_view(d.event_type), std::string_view(d.payload),
         DeliveryStateName(d.state), int64_t{d.attempts}, int64_t{d.last_status}, std::string_view(d.last_error),
         d.next_attempt_at_ms, created, updated});
    if (!r.ok() && r.error().code == base::ErrorCode::kAlreadyExists) {
        return base::Error{base::ErrorCode::kAlreadyExists,
                           "webhook " + std::to_string(d.webhook_id) + " has a delivery of event '" + d.event_id + "'"};
    }
    if (!r.ok() && r.error().code == base::ErrorCode::kNotFound) return NoSuchWebhook(d.webhook_id);
    return FirstRow<int64_t>(
        r, [](const SqlRow& row) { return row.Int(0); }, "insert delivery",
        base::Error{base::ErrorCode::kIo, "store: insert delivery: no id returned"});
}

base::Status SqlStore::UpdateDelivery(const WebhookDelivery& d) {
    const int64_t updated = d.updated_at_ms ? d.updated_at_ms : NowMs();
    std::lock_guard lock(mu_);
    return Changed(db_->Run("UPDATE webhook_deliveries SET state = $2, attempts = $3, last_status = $4, "
                            "last_error = $5, next_attempt_at_ms = $6, updated_at_ms = $7 WHERE id = $1",
                            {d.id, DeliveryStateName(d.state), int64_t{d.attempts}, int64_t{d.last_status},
                             std::string_view(d.last_error), d.next_attempt_at_ms, updated}),
                   "update delivery", NotFound("no delivery with id " + std::to_string(d.id)));
}

base::Result<std::vector<WebhookDelivery>> SqlStore::DueDeliveries(int64_t now_ms, size_t limit) {
    std::lock_guard lock(mu_);
    return AllRows<WebhookDelivery>(
        db_->Run("SELECT " ONAIR_DELIVERY_COLUMNS " FROM webhook_deliveries "
                 "WHERE state = 'pending' AND next_attempt_at_ms <= $1 ORDER BY next_attempt_at_ms, id LIMIT $2",
                 {now_ms, Limit(limit)}),
        DeliveryRow, "due deliveries");
}

base::Result<std::vector<WebhookDelivery>> SqlStore::ListDeliveries(int64_t webhook_id, size_t limit) {
    std::lock_guard lock(mu_);
    return AllRows<WebhookDelivery>(
        db_->Run("SELECT " ONAIR_DELIVERY_COLUMNS " FROM webhook_deliveries WHERE webhook_id = $1 "
                 "ORDER BY id DESC LIMIT $2",
                 {webhook_id, Limit(limit)}),
        DeliveryRow, "list deliveries");
}

}  // namespace onair::store
