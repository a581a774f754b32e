// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "onair/base/result.h"
#include "onair/proto/amf0/decoder.h"
#include "onair/proto/amf0/value.h"
#include "onair/proto/rtmp/message.h"

namespace onair::proto::rtmp {

/// A command message (RTMP spec §7.1.1, §7.2): name, transaction id, then
/// the command object and optional arguments. `args[0]` is the command
/// object (often Null) when present.
struct Command {
    std::string name;
    double transaction_id = 0;
    std::vector<amf0::Value> args;
};

/// Decodes a type-20 (AMF0) or type-17 (AMF3) command. Type 17 starts with a
/// 0x00 format byte and then carries AMF0 values, which is all Flash and
/// librtmp send. Errors: kInvalidData (not a command, no string name, a
/// transaction id that is not a number, bad AMF0), kLimitExceeded, kUnsupported.
base::Result<Command> ParseCommand(const Message& message, const amf0::Limits& limits = {});

/// The AMF0 payload of a command (for type 20).
std::vector<uint8_t> EncodeCommand(const Command& command);
std::vector<uint8_t> EncodeCommand(std::string_view name, double transaction_id, std::span<const amf0::Value> args);

/// The AMF0 payload of a data message (type 18): a name then values, no
/// transaction id (e.g. "|RtmpSampleAccess", "onMetaData").
std::vector<uint8_t> EncodeData(std::string_view name, std::span<const amf0::Value> args);

}  // namespace onair::proto::rtmp
