// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/nginx_sessions.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace onair::manager {
namespace {

NginxRtmpCall Call(std::string clientid, std::string name = "sk_key", std::string addr = "127.0.0.1",
                   std::string app = "live") {
    NginxRtmpCall c;
    c.call = "publish";
    c.app = std::move(app);
    c.addr = std::move(addr);
    c.clientid = std::move(clientid);
    c.name = std::move(name);
    return c;
}

TEST(NginxSessions, PublishUpdateDone) {
    NginxSessions s;
    EXPECT_FALSE(s.Add(Call("1"), {"br_1", "studio"}, 0).has_value());
    NginxRtmpCall update = Call("1");
    update.call = "update_publish";
    update.time_s = 2;
    auto t = s.Touch(update, 0);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->broadcast_id, "br_1");
    EXPECT_EQ(t->channel, "studio");
    auto done = s.Take(Call("1"));
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(done->broadcast_id, "br_1");
    EXPECT_EQ(s.size(), 0u);
    EXPECT_FALSE(s.Take(Call("1")).has_value());
    EXPECT_FALSE(s.Touch(update, 0).has_value());
}

TEST(NginxSessions, EveryPartOfTheSessionCounts) {
    NginxSessions s;
    ASSERT_FALSE(s.Add(Call("1"), {"br_1", "a"}, 0).has_value());
    EXPECT_FALSE(s.Touch(Call("2"), 0).has_value());
    EXPECT_FALSE(s.Touch(Call("1", "sk_other"), 0).has_value());
    EXPECT_FALSE(s.Touch(Call("1", "sk_key", "10.0.0.1"), 0).has_value());
    EXPECT_FALSE(s.Touch(Call("1", "sk_key", "127.0.0.1", "live2"), 0).has_value());
    // Two streams over one connection (same clientid) are two sessions.
    EXPECT_FALSE(s.Add(Call("1", "sk_second"), {"br_2", "b"}, 0).has_value());
    EXPECT_EQ(s.Take(Call("1"))->broadcast_id, "br_1");
    EXPECT_EQ(s.Take(Call("1", "sk_second"))->broadcast_id, "br_2");
}

TEST(NginxSessions, TheSameSessionAgainDisplacesTheStaleOne) {
    NginxSessions s;
    ASSERT_FALSE(s.Add(Call("1"), {"br_old", "studio"}, 0).has_value());
    auto displaced = s.Add(Call("1"), {"br_new", "studio"}, 0);  // nginx restarted; clientid 1 again
    ASSERT_TRUE(displaced.has_value());
    EXPECT_EQ(*displaced, "br_old");
    EXPECT_EQ(s.size(), 1u);
    EXPECT_EQ(s.Touch(Call("1"), 0)->broadcast_id, "br_new");
}

TEST(NginxSessions, BoundedForgettingTheLeastRecentlySeen) {
    NginxSessions s(3);
    for (int i = 1; i <= 3; ++i) ASSERT_FALSE(s.Add(Call(std::to_string(i)), {"br_" + std::to_string(i), "c"}, 0));
    ASSERT_TRUE(s.Touch(Call("1"), 0).has_value());  // 2 is now the least recently seen
    auto evicted = s.Add(Call("4"), {"br_4", "c"}, 0);
    ASSERT_TRUE(evicted.has_value());
    EXPECT_EQ(*evicted, "br_2");
    EXPECT_EQ(s.size(), 3u);
    EXPECT_FALSE(s.Touch(Call("2"), 0).has_value());
    EXPECT_EQ(*s.Add(Call("5"), {"br_5", "c"}, 0), "br_3");
    for (const char* id : {"1", "4", "5"}) EXPECT_TRUE(s.Touch(Call(id), 0).has_value()) << id;
}

TEST(NginxSessions, PublishingIsAnotherFreshSessionOfTheSameName) {
    NginxSessions s(16, 5000);
    ASSERT_FALSE(s.Add(Call("1"), {"br_1", "studio"}, 1000));
    EXPECT_TRUE(s.Publishing(Call("7"), 1000));                          // same key, another connection
    EXPECT_TRUE(s.Publishing(Call("7", "sk_key", "10.0.0.9"), 1000));    // or another address
    EXPECT_FALSE(s.Publishing(Call("1"), 1000));                         // its own session
    EXPECT_FALSE(s.Publishing(Call("7", "sk_other"), 1000));             // another key
    EXPECT_FALSE(s.Publishing(Call("7", "sk_key", "127.0.0.1", "other"), 1000));  // another app
    EXPECT_TRUE(s.Publishing(Call("7"), 6000));
    EXPECT_FALSE(s.Publishing(Call("7"), 6001));  // not seen for 5 s: nginx is gone
    ASSERT_TRUE(s.Touch(Call("1"), 6001).has_value());
    EXPECT_TRUE(s.Publishing(Call("7"), 11001));
    ASSERT_TRUE(s.Take(Call("1")).has_value());
    EXPECT_FALSE(s.Publishing(Call("7"), 11001));  // on_publish_done: free again
}

TEST(NginxSessions, ConcurrentUse) {
    NginxSessions s(64);
    std::atomic<int> taken{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 500; ++i) {
                const NginxRtmpCall c = Call(std::to_string(t * 1000 + i));
                (void)s.Add(c, {"br", "c"}, 0);
                (void)s.Touch(c, 0);
                (void)s.Publishing(c, 0);
                if (s.Take(c)) ++taken;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(taken.load(), 2000);  // each thread's own sessions, never evicted below 64
    EXPECT_EQ(s.size(), 0u);
}

}  // namespace
}  // namespace onair::manager
