// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <memory>
#include <mutex>

#include "onair/store/manager_store.h"
#include "onair/store/sql_connection.h"

namespace onair::store {

/// ManagerStore over one SqlConnection: the same statements on SQLite and
/// PostgreSQL (placeholders $1..$N, RETURNING, ON CONFLICT), so both backends
/// behave alike by construction; what differs lives in the connections and in
/// migrations.cpp. One mutex serializes the connection.
class SqlStore final : public ManagerStore {
public:
    /// Migrates the database (migrations.h) and returns the store over it.
    static base::Result<std::unique_ptr<SqlStore>> Open(std::unique_ptr<SqlConnection> db);

    std::string_view backend() const override;
    base::Result<int> SchemaVersion() override;

    base::Result<CreatedChannel> CreateChannel(const ChannelSpec& spec) override;
    base::Result<std::vector<Channel>> ListChannels() override;
    base::Result<Channel> GetChannel(std::string_view name) override;
    base::Result<Channel> GetChannelById(int64_t id) override;
    base::Result<Channel> UpdateChannel(std::string_view name, const ChannelUpdate& update) override;
    base::Result<std::string> RotateKey(std::string_view name) override;
    base::Status DeleteChannel(std::string_view name) override;
    base::Result<std::optional<Channel>> FindChannelByKey(std::string_view presented_key) override;

    base::Status InsertBroadcast(const Broadcast& broadcast) override;
    base::Status UpdateBroadcastStats(std::string_view broadcast_id, std::string_view stats_json,
                                      int64_t seen_at_ms) override;
    base::Status EndBroadcast(std::string_view broadcast_id, EndReason reason, int64_t ended_at_ms) override;
    base::Result<Broadcast> GetBroadcast(std::string_view broadcast_id) override;
    base::Result<std::vector<Broadcast>> ListLiveBroadcasts() override;
    base::Result<std::vector<Broadcast>> ListBroadcasts(int64_t channel_id, int64_t before_ms, size_t limit) override;

    base::Result<int64_t> AppendEvent(const Event& event) override;
    base::Result<std::vector<Event>> ListEvents(int64_t after_seq, size_t limit) override;

    base::Result<Webhook> CreateWebhook(const WebhookSpec& spec) override;
    base::Result<std::vector<Webhook>> ListWebhooks() override;
    base::Result<Webhook> GetWebhook(int64_t id) override;
    base::Status DeleteWebhook(int64_t id) override;
    base::Result<int64_t> InsertDelivery(const WebhookDelivery& delivery) override;
    base::Status UpdateDelivery(const WebhookDelivery& delivery) override;
    base::Result<std::vector<WebhookDelivery>> DueDeliveries(int64_t now_ms, size_t limit) override;
    base::Result<std::vector<WebhookDelivery>> ListDeliveries(int64_t webhook_id, size_t limit) override;

    base::Result<bool> UpsertRecording(const Recording& recording) override;
    base::Result<Recording> GetRecording(std::string_view id) override;
    base::Result<std::vector<Recording>> ListRecordings(std::string_view channel, int64_t before_ms, size_t limit,
                                                        bool include_deleted) override;
    base::Result<Recording> MarkRecordingDeleting(std::string_view id) override;

    base::Result<std::optional<std::string>> GetSetting(std::string_view key) override;
    base::Status PutSetting(std::string_view key, std::string_view value) override;

private:
    explicit SqlStore(std::unique_ptr<SqlConnection> db) : db_(std::move(db)) {}
    /// A live broadcast's row updated; else ok if it exists (ended), else kNotFound.
    base::Status UpdateLiveBroadcast(std::string_view what, std::string_view sql, std::span<const SqlParam> params);

    std::mutex mu_;
    std::unique_ptr<SqlConnection> db_;
};

}  // namespace onair::store
