// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "onair/proto/amf0/amf0.h"
#include "onair/proto/rtmp/chunk_reader.h"
#include "onair/proto/rtmp/chunk_writer.h"
#include "onair/proto/rtmp/command.h"
#include "onair/proto/rtmp/control.h"
#include "onair/proto/rtmp/server_session.h"

namespace onair::proto::rtmp::testing {

using amf0::Value;
using Bytes = std::vector<uint8_t>;

/// The client half of a conversation: builds what a client sends with our
/// ChunkWriter and decodes the server's replies with our ChunkReader
/// (which applies the server's Set Chunk Size on the way).
class TestClient {
public:
    Bytes Command(uint32_t csid, uint32_t stream_id, std::string_view name, double tid, std::vector<Value> args,
                  uint8_t type = kCommandAmf0) {
        Bytes payload = EncodeCommand(name, tid, args);
        if (type == kCommandAmf3) payload.insert(payload.begin(), 0x00);
        return Send(csid, type, 0, stream_id, payload);
    }
    Bytes Data(uint32_t stream_id, uint32_t ts, const Bytes& payload, uint8_t type = kDataAmf0) {
        return Send(4, type, ts, stream_id, payload);
    }
    Bytes Control(uint8_t type, const Bytes& payload) { return Send(kControlCsid, type, 0, 0, payload); }
    Bytes Send(uint32_t csid, uint8_t type, uint32_t ts, uint32_t stream_id, const Bytes& payload) {
        base::OutBuffers out;
        EXPECT_TRUE(writer.Write(csid, type, ts, stream_id, std::span<const uint8_t>(payload), out));
        if (type == kSetChunkSize) writer.SetChunkSize(*ParseControlValue(payload));
        return out.Flatten();
    }

    /// Decodes (and clears) the server's output.
    std::vector<Message> Receive(base::OutBuffers& out) {
        const Bytes bytes = out.Flatten();
        out.Clear();
        std::vector<Message> messages;
        std::span<const uint8_t> in(bytes);
        while (!in.empty()) {
            size_t consumed = 0;
            const auto st = reader.Feed(in, consumed);
            in = in.subspan(consumed);
            EXPECT_NE(st, base::ParseStatus::kError) << reader.error().message;
            if (st == base::ParseStatus::kMessage) messages.push_back(reader.TakeMessage());
            if (st != base::ParseStatus::kMessage) break;
        }
        EXPECT_TRUE(in.empty());
        return messages;
    }

    ChunkWriter writer;
    ChunkReader reader;
};

inline Bytes Join(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

/// Decodes a command reply; fails the test when it is not one.
inline rtmp::Command AsCommand(const Message& m) {
    auto c = ParseCommand(m);
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    return c.ok() ? *c : rtmp::Command{};
}

/// The info object of an onStatus / _result reply (its last argument).
inline Value Info(const rtmp::Command& c) { return c.args.empty() ? Value() : c.args.back(); }

inline Value ConnectObject(std::string app, std::string tc_url, std::string flash_ver) {
    return Value::Object({{"app", Value::String(std::move(app))},
                          {"type", Value::String("nonprivate")},
                          {"flashVer", Value::String(std::move(flash_ver))},
                          {"tcUrl", Value::String(std::move(tc_url))}});
}

template <typename T>
const T* Find(const std::vector<SessionEvent>& events, size_t nth = 0) {
    for (const auto& e : events) {
        if (const T* t = std::get_if<T>(&e.value)) {
            if (nth-- == 0) return t;
        }
    }
    return nullptr;
}

template <typename T>
size_t Count(const std::vector<SessionEvent>& events) {
    size_t n = 0;
    for (const auto& e : events) n += std::holds_alternative<T>(e.value) ? 1 : 0;
    return n;
}

}  // namespace onair::proto::rtmp::testing
