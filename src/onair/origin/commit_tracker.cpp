// SPDX-License-Identifier: Apache-2.0
#include "onair/origin/commit_tracker.h"

#include <algorithm>

namespace onair::origin {

CommitTracker::Partition* CommitTracker::For(const bus::LogPosition& at) {
    if (at.partition < 0 || at.offset < 0) return nullptr;  // no log (in-process)
    Partition& p = partitions_[at.partition];
    p.next = std::max(p.next, at.offset + 1);
    return &p;
}

void CommitTracker::Pending(const std::string& broadcast, const bus::LogPosition& at) {
    Partition* p = For(at);
    if (!p) return;
    partition_of_[broadcast] = at.partition;
    p->pending.try_emplace(broadcast, at.offset);
}

void CommitTracker::Seen(const bus::LogPosition& at) { For(at); }

void CommitTracker::DurableUntil(const std::string& broadcast, const bus::LogPosition& from) {
    auto it = partition_of_.find(broadcast);
    if (it == partition_of_.end()) return;
    Partition& p = partitions_[it->second];
    if (from.partition == it->second && from.offset >= 0)
        p.pending[broadcast] = from.offset;
    else
        p.pending.erase(broadcast);
}

void CommitTracker::Durable(const std::string& broadcast) {
    auto it = partition_of_.find(broadcast);
    if (it == partition_of_.end()) return;
    partitions_[it->second].pending.erase(broadcast);
    partition_of_.erase(it);
}

std::vector<bus::LogPosition> CommitTracker::TakeCommits() {
    std::vector<bus::LogPosition> out;
    for (auto& [partition, p] : partitions_) {
        int64_t at = p.next;
        for (const auto& [broadcast, offset] : p.pending) at = std::min(at, offset);
        if (at < 0 || at == p.committed) continue;
        p.committed = at;
        out.push_back({partition, at});
    }
    return out;
}

}  // namespace onair::origin
