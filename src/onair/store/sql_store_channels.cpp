// SPDX-License-Identifier: Apache-2.0
// SqlStore: channels and their stream keys.
#include <openssl/crypto.h>

#include "onair/store/sql_store.h"
#include "onair/store/sql_store_rows.h"
#include "onair/store/stream_key.h"

namespace onair::store {

using namespace sql_rows;

namespace {

constexpr size_t kMaxTitleBytes = 200;
constexpr size_t kMaxKeyBytes = 256;

#define ONAIR_CHANNEL_COLUMNS "id, name, title, enabled, created_at_ms, updated_at_ms, key_rotated_at_ms, ladder"
constexpr size_t kChannelColumns = 8;

Channel ChannelRow(const SqlRow& row) {
    Channel c{row.Int(0), row.Text(1), row.Text(2), row.Bool(3), row.Int(4), row.Int(5), row.Int(6), std::nullopt};
    if (!row.IsNull(7)) c.ladder = row.Text(7);
    return c;
}

base::Status CheckLadder(const std::optional<std::string>& ladder) {
    if (ladder && ladder->size() > kMaxLadderBytes) return Invalid("channel ladder longer than 16 KiB");
    return base::Status::Ok();
}

SqlParam LadderParam(const std::optional<std::string>& ladder) {
    return ladder ? SqlParam(std::string_view(*ladder)) : SqlParam(nullptr);
}

base::Error NoSuchChannel(std::string_view name) { return NotFound("no channel named '" + std::string(name) + "'"); }

base::Status CheckTitle(std::string_view title) {
    if (title.size() > kMaxTitleBytes) return Invalid("channel title longer than 200 bytes");
    return base::Status::Ok();
}

}  // namespace

base::Result<CreatedChannel> SqlStore::CreateChannel(const ChannelSpec& spec) {
    if (!IsValidChannelName(spec.name)) {
        return Invalid(
            "invalid channel name: use 1-64 characters a-z, 0-9, '_' or '-', starting with a letter or digit");
    }
    if (auto st = CheckTitle(spec.title); !st.ok()) return st.error();
    if (auto st = CheckLadder(spec.ladder); !st.ok()) return st.error();
    CreatedChannel created;
    created.stream_key = GenerateStreamKey();
    const std::string hash = HashStreamKey(created.stream_key);
    const int64_t now = NowMs();
    std::lock_guard lock(mu_);
    auto r = db_->Run(
        "INSERT INTO channels (name, title, enabled, key_hash, created_at_ms, updated_at_ms, "
        "key_rotated_at_ms, ladder) VALUES ($1, $2, $3, $4, $5, $5, $5, $6) RETURNING " ONAIR_CHANNEL_COLUMNS,
        {std::string_view(spec.name), std::string_view(spec.title), spec.enabled, std::string_view(hash), now,
         LadderParam(spec.ladder)});
    if (!r.ok() && r.error().code == base::ErrorCode::kAlreadyExists)
        return base::Error{base::ErrorCode::kAlreadyExists, "channel '" + spec.name + "' already exists"};
    auto channel = FirstRow<Channel>(r, ChannelRow, "create channel",
                                     base::Error{base::ErrorCode::kIo, "store: create channel: no row returned"});
    if (!channel.ok()) return channel.error();
    created.channel = std::move(channel.value());
    return created;
}

base::Result<std::vector<Channel>> SqlStore::ListChannels() {
    std::lock_guard lock(mu_);
    return AllRows<Channel>(db_->Run("SELECT " ONAIR_CHANNEL_COLUMNS " FROM channels ORDER BY name"), ChannelRow,
                            "list channels");
}

base::Result<Channel> SqlStore::GetChannel(std::string_view name) {
    std::lock_guard lock(mu_);
    return FirstRow<Channel>(db_->Run("SELECT " ONAIR_CHANNEL_COLUMNS " FROM channels WHERE name = $1", {name}),
                             ChannelRow, "get channel", NoSuchChannel(name));
}

base::Result<Channel> SqlStore::GetChannelById(int64_t id) {
    std::lock_guard lock(mu_);
    return FirstRow<Channel>(db_->Run("SELECT " ONAIR_CHANNEL_COLUMNS " FROM channels WHERE id = $1", {id}), ChannelRow,
                             "get channel", NotFound("no channel with id " + std::to_string(id)));
}

base::Result<Channel> SqlStore::UpdateChannel(std::string_view name, const ChannelUpdate& update) {
    if (!update.title && !update.enabled && !update.ladder) return GetChannel(name);
    if (update.title) {
        if (auto st = CheckTitle(*update.title); !st.ok()) return st.error();
    }
    if (update.ladder) {
        if (auto st = CheckLadder(*update.ladder); !st.ok()) return st.error();
    }
    const SqlParam title = update.title ? SqlParam(std::string_view(*update.title)) : SqlParam(nullptr);
    const SqlParam enabled = update.enabled ? SqlParam(*update.enabled) : SqlParam(nullptr);
    // The ladder can be set to NULL (back to the deployment's), so it is
    // not COALESCEd: $5 says whether to change it.
    const SqlParam set_ladder(update.ladder.has_value());
    const SqlParam ladder = update.ladder ? LadderParam(*update.ladder) : SqlParam(nullptr);
    std::lock_guard lock(mu_);
    return FirstRow<Channel>(
        db_->Run("UPDATE channels SET title = COALESCE($2, title), enabled = COALESCE($3, enabled), "
                 "ladder = CASE WHEN $5 THEN $6 ELSE ladder END, "
                 "updated_at_ms = $4 WHERE name = $1 RETURNING " ONAIR_CHANNEL_COLUMNS,
                 {name, title, enabled, NowMs(), set_ladder, ladder}),
        ChannelRow, "update channel", NoSuchChannel(name));
}

base::Result<std::string> SqlStore::RotateKey(std::string_view name) {
    std::string key = GenerateStreamKey();
    const std::string hash = HashStreamKey(key);
    std::lock_guard lock(mu_);
    auto st = Changed(db_->Run("UPDATE channels SET key_hash = $1, key_rotated_at_ms = $2, updated_at_ms = $2 "
                               "WHERE name = $3",
                               {std::string_view(hash), NowMs(), name}),
                      "rotate key", NoSuchChannel(name));
    if (!st.ok()) return st.error();
    return key;
}

base::Status SqlStore::DeleteChannel(std::string_view name) {
    std::lock_guard lock(mu_);
    // Broadcasts, webhooks and their deliveries go with it (ON DELETE CASCADE).
    return Changed(db_->Run("DELETE FROM channels WHERE name = $1", {name}), "delete channel", NoSuchChannel(name));
}

base::Result<std::optional<Channel>> SqlStore::FindChannelByKey(std::string_view presented_key) {
    if (presented_key.empty() || presented_key.size() > kMaxKeyBytes) return std::optional<Channel>{};
    // Looked up by hash: the database never holds a usable key, and the
    // lookup does not depend on how much of a guessed key matches. The stored
    // hash is compared again in constant time, so nothing rests on how the
    // database compares strings.
    const std::string hash = HashStreamKey(presented_key);
    std::lock_guard lock(mu_);
    auto r = db_->Run("SELECT " ONAIR_CHANNEL_COLUMNS ", key_hash FROM channels WHERE key_hash = $1",
                      {std::string_view(hash)});
    if (!r.ok()) return Failed(r.error(), "find channel by key");
    for (const SqlRow& row : r->rows) {
        const std::string stored = row.Text(kChannelColumns);
        if (stored.size() == hash.size() && CRYPTO_memcmp(stored.data(), hash.data(), hash.size()) == 0)
            return std::optional<Channel>(ChannelRow(row));
    }
    return std::optional<Channel>{};
}

}  // namespace onair::store
