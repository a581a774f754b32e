// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "onair/base/result.h"
#include "onair/store/channel.h"

struct sqlite3;

namespace onair::store {

/// Channels and their (hashed) stream keys in SQLite: <data_dir>/onair.db,
/// WAL mode and a busy timeout, so `onair channel create` can run while
/// `onair serve` reads. Schema versions are applied in order at Open().
///
/// Thread safety: every method may be called from any thread.
class ChannelStore {
public:
    static base::Result<std::unique_ptr<ChannelStore>> Open(const std::string& path);
    ~ChannelStore();
    ChannelStore(const ChannelStore&) = delete;
    ChannelStore& operator=(const ChannelStore&) = delete;

    base::Result<CreatedChannel> Create(std::string_view name);
    base::Result<std::vector<Channel>> List();
    base::Result<Channel> Get(std::string_view name);
    /// Returns the new plaintext key; the old one stops working at once.
    base::Result<std::string> RotateKey(std::string_view name);
    base::Status Delete(std::string_view name);
    /// The channel whose key this is, or nullopt. The key is only hashed.
    base::Result<std::optional<Channel>> FindByKey(std::string_view presented_key);

    static constexpr int kSchemaVersion = 1;

private:
    explicit ChannelStore(sqlite3* db) : db_(db) {}
    base::Status Migrate();

    std::mutex mu_;
    sqlite3* db_;
};

}  // namespace onair::store
