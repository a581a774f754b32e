// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/command.h"

#include "onair/proto/amf0/encoder.h"

namespace onair::proto::rtmp {

base::Result<Command> ParseCommand(const Message& message, const amf0::Limits& limits) {
    std::span<const uint8_t> body = message.payload.span();
    if (message.type == kCommandAmf3) {
        // §7.1.1: AMF3 command messages start with a format byte of 0.
        if (!body.empty() && body[0] == 0x00) body = body.subspan(1);
    } else if (message.type != kCommandAmf0) {
        return base::MakeError(base::ErrorCode::kInvalidData, "rtmp: not a command message");
    }
    amf0::Decoder decoder(body, limits);
    auto name = decoder.Next();
    if (!name.ok()) return name.error().Wrap("rtmp command");
    if (!name->IsString()) return base::MakeError(base::ErrorCode::kInvalidData, "rtmp command: name is not a string");
    Command cmd;
    cmd.name = name->AsString();
    if (!decoder.empty()) {
        auto tid = decoder.Next();
        if (!tid.ok()) return tid.error().Wrap("rtmp command");
        if (!tid->IsNumber()) {
            return base::MakeError(base::ErrorCode::kInvalidData, "rtmp command: transaction id is not a number");
        }
        cmd.transaction_id = tid->AsNumber();
    }
    while (!decoder.empty()) {
        auto v = decoder.Next();
        if (!v.ok()) return v.error().Wrap("rtmp command");
        cmd.args.push_back(std::move(v).value());
    }
    return cmd;
}

std::vector<uint8_t> EncodeCommand(std::string_view name, double transaction_id, std::span<const amf0::Value> args) {
    std::vector<uint8_t> out;
    amf0::EncodeString(name, out);
    amf0::EncodeNumber(transaction_id, out);
    amf0::EncodeAll(args, out);
    return out;
}

std::vector<uint8_t> EncodeCommand(const Command& command) {
    return EncodeCommand(command.name, command.transaction_id, command.args);
}

std::vector<uint8_t> EncodeData(std::string_view name, std::span<const amf0::Value> args) {
    std::vector<uint8_t> out;
    amf0::EncodeString(name, out);
    amf0::EncodeAll(args, out);
    return out;
}

}  // namespace onair::proto::rtmp
