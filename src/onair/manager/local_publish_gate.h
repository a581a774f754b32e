// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/thread_pool.hpp>

#include "onair/manager/manager_service.h"
#include "onair/server/publish_gate.h"

namespace onair::manager {

/// The in-process manager as an ingest's PublishGate (`onair serve`): every
/// call runs on the manager's worker pool, since it reaches the store, and
/// never on the ingest's IO threads.
class LocalPublishGate final : public server::PublishGate {
public:
    LocalPublishGate(ManagerService& manager, boost::asio::thread_pool& workers)
        : manager_(manager), workers_(workers) {}

    void Verify(server::PublishAttempt attempt, std::function<void(server::PublishVerdict)> done) override;
    void Ended(std::string broadcast_id, store::EndReason reason) override;
    void Report(server::BroadcastStats stats, std::function<void(bool kick)> kick) override;

private:
    ManagerService& manager_;
    boost::asio::thread_pool& workers_;
};

}  // namespace onair::manager
