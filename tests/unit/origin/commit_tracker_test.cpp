// SPDX-License-Identifier: Apache-2.0
#include "onair/origin/commit_tracker.h"

#include <gtest/gtest.h>

namespace onair::origin {
namespace {

using bus::LogPosition;

TEST(CommitTrackerTest, CommitsTheFirstRecordAnyBroadcastOfThePartitionHasNotMadeDurable) {
    CommitTracker t;
    t.Pending("a", {0, 10});
    t.Pending("b", {0, 11});
    t.Pending("a", {0, 12});
    t.Pending("b", {0, 13});
    EXPECT_EQ(t.TakeCommits(), (std::vector<LogPosition>{{0, 10}}));
    // a's records up to 12 are on disk, 12 on still pending; b holds 11.
    t.DurableUntil("a", {0, 12});
    EXPECT_EQ(t.TakeCommits(), (std::vector<LogPosition>{{0, 11}}));  // b's
    t.Durable("b");
    EXPECT_EQ(t.TakeCommits(), (std::vector<LogPosition>{{0, 12}}));
    t.Durable("a");
    EXPECT_EQ(t.TakeCommits(), (std::vector<LogPosition>{{0, 14}}));
    t.Seen({0, 20});  // nothing to write: the position moves past it
    EXPECT_EQ(t.TakeCommits(), (std::vector<LogPosition>{{0, 21}}));
    EXPECT_TRUE(t.TakeCommits().empty());
}

TEST(CommitTrackerTest, PartitionsAreIndependentAndInProcessPositionsAreIgnored) {
    CommitTracker t;
    t.Pending("a", {1, 5});
    t.Pending("b", {2, 7});
    t.Pending("c", {-1, -1});
    t.Durable("c");
    auto commits = t.TakeCommits();
    EXPECT_EQ(commits, (std::vector<LogPosition>{{1, 5}, {2, 7}}));
    t.Durable("b");
    EXPECT_EQ(t.TakeCommits(), (std::vector<LogPosition>{{2, 8}}));
}

}  // namespace
}  // namespace onair::origin
