// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "onair/bus/bus.h"

namespace onair::origin {

/// Which log positions an origin may commit: per partition, the first
/// record some broadcast has not yet made durable, or past the last record
/// seen when every broadcast there is on disk. A restarted origin resumes
/// there, so nothing durable is read twice for long and nothing read is
/// lost (what is read twice is skipped by its sequence number).
class CommitTracker {
public:
    /// A record of `broadcast` at `at`, not yet durable (it is held in
    /// memory, in a fragment being built).
    void Pending(const std::string& broadcast, const bus::LogPosition& at);
    /// A record that needs nothing written (ignored, or already on disk).
    void Seen(const bus::LogPosition& at);
    /// Every record of `broadcast` up to the last one before `from` is
    /// durable; from `from` on they are still pending.
    void DurableUntil(const std::string& broadcast, const bus::LogPosition& from);
    /// Every record of `broadcast` seen so far is durable.
    void Durable(const std::string& broadcast);

    /// The positions to commit (offset = the first record to read again),
    /// the partitions whose position moved since the last call only.
    std::vector<bus::LogPosition> TakeCommits();

private:
    struct Partition {
        int64_t next = -1;  // past the last record seen
        std::map<std::string, int64_t> pending;  // broadcast -> its first record not durable
        int64_t committed = -1;
    };
    Partition* For(const bus::LogPosition& at);
    std::map<int32_t, Partition> partitions_;
    std::map<std::string, int32_t> partition_of_;  // broadcast -> its partition
};

}  // namespace onair::origin
