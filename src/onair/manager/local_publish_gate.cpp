// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/local_publish_gate.h"

#include <boost/asio/post.hpp>

namespace onair::manager {

void LocalPublishGate::Verify(server::PublishAttempt attempt, std::function<void(server::PublishVerdict)> done) {
    boost::asio::post(workers_, [this, attempt = std::move(attempt), done = std::move(done)] {
        done(manager_.AuthorizePublish(attempt));
    });
}

void LocalPublishGate::Ended(std::string broadcast_id, store::EndReason reason) {
    boost::asio::post(workers_, [this, id = std::move(broadcast_id), reason] { manager_.PublishEnded(id, reason); });
}

void LocalPublishGate::Report(server::BroadcastStats stats, std::function<void(bool kick)> kick) {
    boost::asio::post(workers_, [this, stats = std::move(stats), kick = std::move(kick)] {
        const bool go = manager_.ReportStats(stats);
        if (kick) kick(go);
    });
}

}  // namespace onair::manager
