// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "onair/server/hls/hls_channel.h"

namespace onair::server::hls {

/// The live HLS of every broadcast, in memory, by channel. A broadcast that
/// ended stays readable (with EXT-X-ENDLIST) for `linger` and is then
/// dropped. Thread-safe.
class HlsService {
public:
    HlsService(const HlsOptions& options, std::chrono::seconds linger);

    /// A new broadcast on `channel`: its packager, which replaces (for
    /// readers) any earlier broadcast of the channel. The caller feeds it.
    std::shared_ptr<HlsChannel> Open(const std::string& channel, const std::string& broadcast_id);
    /// The broadcast ended: it lingers, then goes.
    void Ended(const std::string& channel, const std::string& broadcast_id);

    std::shared_ptr<HlsChannel> Find(std::string_view channel);
    size_t size();

private:
    void PurgeLocked(std::chrono::steady_clock::time_point now);

    struct Entry {
        std::shared_ptr<HlsChannel> channel;
        std::string broadcast_id;
        std::chrono::steady_clock::time_point ended_at{};
        bool ended = false;
    };
    const HlsOptions options_;
    const std::chrono::seconds linger_;
    std::mutex mu_;
    std::map<std::string, Entry, std::less<>> channels_;
};

}  // namespace onair::server::hls
