// SPDX-License-Identifier: Apache-2.0
#include "onair/store/records.h"

#include <gtest/gtest.h>

#include "onair/store/stream_key.h"

namespace onair::store {
namespace {

TEST(Records, EndReasonsRoundTripByName) {
    for (EndReason r : {EndReason::kPublisherClosed, EndReason::kTakenOver, EndReason::kKicked, EndReason::kUnexpected,
                        EndReason::kServerShutdown}) {
        EXPECT_EQ(ParseEndReason(EndReasonName(r)), r);
    }
    EXPECT_EQ(EndReasonName(EndReason::kPublisherClosed), "publisher_closed");
    EXPECT_EQ(EndReasonName(EndReason::kServerShutdown), "server_shutdown");
    EXPECT_FALSE(ParseEndReason("").has_value());
    EXPECT_FALSE(ParseEndReason("Kicked").has_value());
}

TEST(Records, DeliveryStatesRoundTripByName) {
    for (DeliveryState s : {DeliveryState::kPending, DeliveryState::kDelivered, DeliveryState::kFailed})
        EXPECT_EQ(ParseDeliveryState(DeliveryStateName(s)), s);
    EXPECT_EQ(DeliveryStateName(DeliveryState::kDelivered), "delivered");
    EXPECT_FALSE(ParseDeliveryState("done").has_value());
}

TEST(Records, ChannelNames) {
    EXPECT_TRUE(IsValidChannelName("a"));
    EXPECT_TRUE(IsValidChannelName("0-a_b"));
    EXPECT_TRUE(IsValidChannelName(std::string(64, 'z')));
    EXPECT_FALSE(IsValidChannelName(std::string(65, 'z')));
    EXPECT_FALSE(IsValidChannelName(""));
    EXPECT_FALSE(IsValidChannelName("_a"));
    EXPECT_FALSE(IsValidChannelName("a b"));
    EXPECT_FALSE(IsValidChannelName("A"));
}

TEST(StreamKeys, FreshKeysAndTheirHash) {
    const std::string a = GenerateStreamKey();
    const std::string b = GenerateStreamKey();
    EXPECT_NE(a, b);
    EXPECT_EQ(a.size(), 43u);
    EXPECT_EQ(a.rfind("sk_", 0), 0u);
    EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 3),
              std::string::npos);
    EXPECT_EQ(HashStreamKey("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(HashStreamKey(a).size(), 64u);
}

}  // namespace
}  // namespace onair::store
