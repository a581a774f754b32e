// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/command.h"

#include <gtest/gtest.h>

#include "onair/proto/amf0/encoder.h"

namespace onair::proto::rtmp {
namespace {

using Bytes = std::vector<uint8_t>;
using amf0::Value;

Message MakeMessage(uint8_t type, Bytes payload) {
    return Message{type, 0, 0, 3, base::SharedBuffer::Adopt(std::move(payload))};
}

TEST(Command, EncodesByteExact) {
    const Value args[] = {Value::Null(), Value::Number(1)};
    const Bytes expected = {0x02, 0x00, 0x07, '_', 'r', 'e', 's', 'u', 'l', 't', 0x00, 0x40, 0x10, 0, 0, 0, 0, 0, 0,
                            0x05, 0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(EncodeCommand("_result", 4, args), expected);
    EXPECT_EQ(EncodeCommand(Command{"_result", 4, {Value::Null(), Value::Number(1)}}), expected);
    const Value data_args[] = {Value::Boolean(true)};
    EXPECT_EQ(EncodeData("|R", data_args), (Bytes{0x02, 0x00, 0x02, '|', 'R', 0x01, 0x01}));
}

TEST(Command, ParsesAmf0AndAmf3Commands) {
    Bytes payload = EncodeCommand("createStream", 4, std::vector<Value>{Value::Null()});
    auto c = ParseCommand(MakeMessage(kCommandAmf0, payload));
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->name, "createStream");
    EXPECT_EQ(c->transaction_id, 4);
    ASSERT_EQ(c->args.size(), 1u);
    EXPECT_TRUE(c->args[0].IsNull());
    // Type 17: a 0x00 format byte, then AMF0.
    Bytes amf3 = {0x00};
    amf3.insert(amf3.end(), payload.begin(), payload.end());
    auto c3 = ParseCommand(MakeMessage(kCommandAmf3, amf3));
    ASSERT_TRUE(c3.ok());
    EXPECT_EQ(c3->name, "createStream");
    // A name alone is a command with transaction id 0.
    Bytes name_only;
    amf0::EncodeString("onBWDone", name_only);
    auto n = ParseCommand(MakeMessage(kCommandAmf0, name_only));
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->transaction_id, 0);
}

TEST(Command, RejectsMalformedCommands) {
    EXPECT_FALSE(ParseCommand(MakeMessage(kAudio, {0x02, 0x00, 0x00})).ok());
    EXPECT_FALSE(ParseCommand(MakeMessage(kCommandAmf0, {})).ok());
    Bytes number_name;
    amf0::EncodeNumber(1, number_name);
    EXPECT_FALSE(ParseCommand(MakeMessage(kCommandAmf0, number_name)).ok());
    Bytes string_tid;
    amf0::EncodeString("connect", string_tid);
    amf0::EncodeString("1", string_tid);
    EXPECT_FALSE(ParseCommand(MakeMessage(kCommandAmf0, string_tid)).ok());
    Bytes truncated = EncodeCommand("connect", 1, std::vector<Value>{Value::Object({{"app", Value::String("x")}})});
    truncated.pop_back();
    auto t = ParseCommand(MakeMessage(kCommandAmf0, truncated));
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code, base::ErrorCode::kInvalidData);
    amf0::Limits limits;
    limits.max_items = 2;
    EXPECT_EQ(ParseCommand(MakeMessage(kCommandAmf0, EncodeCommand("a", 1, std::vector<Value>{Value::Null()})), limits)
                  .error()
                  .code,
              base::ErrorCode::kLimitExceeded);
}

}  // namespace
}  // namespace onair::proto::rtmp
