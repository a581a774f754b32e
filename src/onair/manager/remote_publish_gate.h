// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <string>

#include "onair/runtime/logger.h"
#include "onair/server/publish_gate.h"

namespace onair::manager {

/// A manager in another process, reached over its JSON hooks
/// (/api/v1/hooks/publish, /unpublish, /stats) with a bearer token. A publish
/// is refused when the manager does not answer within `timeout`, or answers
/// with an error (fail-closed: without the manager the ingest cannot know
/// which channel a key belongs to). Requests run as coroutines on
/// `executor`; none blocks a thread.
class RemotePublishGate final : public server::PublishGate {
public:
    RemotePublishGate(boost::asio::any_io_executor executor, std::string manager_url, std::string token,
                      std::chrono::milliseconds timeout);

    void Verify(server::PublishAttempt attempt, std::function<void(server::PublishVerdict)> done) override;
    void Ended(std::string broadcast_id, store::EndReason reason) override;
    void Report(server::BroadcastStats stats, std::function<void(bool kick)> kick) override;

    /// Reports and end notices in flight; beyond kMaxInFlight new reports
    /// are dropped (the next second brings another).
    static constexpr int kMaxInFlight = 256;

private:
    boost::asio::any_io_executor executor_;
    std::string base_url_;
    std::string token_;
    std::chrono::milliseconds timeout_;
    std::atomic<int> in_flight_{0};
    runtime::Logger log_{"ingest"};
};

}  // namespace onair::manager
