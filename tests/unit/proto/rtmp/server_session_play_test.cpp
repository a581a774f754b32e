// SPDX-License-Identifier: Apache-2.0
// ServerSession: players, commands without dedicated handlers, and errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>

#include "onair/proto/rtmp/handshake.h"
#include "onair/proto/rtmp/server_session.h"
#include "unit/proto/rtmp/session_test_util.h"

namespace onair::proto::rtmp {
namespace {

using testing::AsCommand;
using testing::Bytes;
using testing::ConnectObject;
using testing::Count;
using testing::Find;
using testing::Info;
using testing::Join;
using testing::TestClient;
using amf0::Value;
using Ev = SessionEvent;

struct Fixture {
    ServerSession session;
    TestClient client;
    std::vector<SessionEvent> events;
    base::OutBuffers out;

    base::Status Feed(const Bytes& bytes) { return session.Feed(bytes, events, out); }
    // connect + createStream, replies read and dropped.
    void Connect() {
        ASSERT_TRUE(Feed(Join({client.Command(3, 0, "connect", 1, {ConnectObject("live", "rtmp://h/live", "LNX 9,0,124,2")}),
                               client.Command(3, 0, "createStream", 2, {Value::Null()})}))
                        .ok());
        client.Receive(out);
        events.clear();
    }
};

// ffmpeg/VLC playing: getStreamLength, play, then the server accepts.
TEST(ServerSessionPlay, PlayAcceptedLikeFmsAndSrs) {
    Fixture f;
    f.Connect();
    ASSERT_TRUE(f.Feed(f.client.Command(3, 0, "getStreamLength", 3, {Value::Null(), Value::String("cam")})).ok());
    auto replies = f.client.Receive(f.out);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(AsCommand(replies[0]).args[1].AsNumber(), 0);

    ASSERT_TRUE(f.Feed(f.client.Command(8, 1, "play", 4, {Value::Null(), Value::String("cam?t=1"), Value::Number(-2)}))
                    .ok());
    ASSERT_TRUE(f.Feed(f.client.Control(kUserControl, SetBufferLength(1, 3000))).ok());
    const auto* play = Find<Ev::Play>(f.events);
    ASSERT_NE(play, nullptr);
    EXPECT_EQ(play->stream_id, 1u);
    EXPECT_EQ(play->name, "cam?t=1");
    EXPECT_TRUE(f.client.Receive(f.out).empty());

    f.session.AcceptPlay(1, f.out);
    replies = f.client.Receive(f.out);
    ASSERT_EQ(replies.size(), 5u);
    EXPECT_EQ(replies[0].type, kUserControl);
    EXPECT_EQ(Bytes(replies[0].payload.span().begin(), replies[0].payload.span().end()), StreamBegin(1));
    EXPECT_EQ(Info(AsCommand(replies[1])).GetString("code"), "NetStream.Play.Reset");
    EXPECT_EQ(Info(AsCommand(replies[2])).GetString("code"), "NetStream.Play.Start");
    EXPECT_EQ(replies[2].stream_id, 1u);
    EXPECT_EQ(replies[3].type, kDataAmf0);
    auto access = amf0::DecodeAll(replies[3].payload.span());
    ASSERT_TRUE(access.ok());
    ASSERT_EQ(access->size(), 3u);
    EXPECT_EQ((*access)[0].AsString(), "|RtmpSampleAccess");
    EXPECT_TRUE((*access)[1].AsBoolean());
    EXPECT_EQ(replies[4].type, kDataAmf0);
    auto data_start = amf0::DecodeAll(replies[4].payload.span());
    ASSERT_TRUE(data_start.ok());
    EXPECT_EQ((*data_start)[0].AsString(), "onStatus");
    EXPECT_EQ((*data_start)[1].GetString("code"), "NetStream.Data.Start");

    // Media to the player: audio csid 6, video csid 7, data csid 5, shared payloads.
    const auto header = base::SharedBuffer::Copy(Bytes{0x17, 0x01, 0, 0, 0});
    const auto nalus = base::SharedBuffer::Copy(Bytes(9000, 0x65));
    const std::array<base::SharedBuffer, 2> parts{header, nalus};
    const long refs = nalus.use_count();
    f.session.SendMedia(1, kVideo, 40, parts, f.out);
    EXPECT_EQ(nalus.use_count(), refs + 3);  // 9005 bytes in 4096-byte chunks
    const auto audio = base::SharedBuffer::Copy(Bytes{0xAF, 0x01, 0x11});
    f.session.SendMedia(1, kAudio, 41, std::span(&audio, 1), f.out);
    const auto meta = base::SharedBuffer::Copy(EncodeData("onMetaData", std::vector<Value>{}));
    f.session.SendMedia(1, kDataAmf0, 41, std::span(&meta, 1), f.out);
    replies = f.client.Receive(f.out);
    ASSERT_EQ(replies.size(), 3u);
    EXPECT_EQ(replies[0].csid, kVideoCsid);
    EXPECT_EQ(replies[0].payload.size(), 9005u);
    EXPECT_EQ(replies[0].timestamp, 40u);
    EXPECT_EQ(replies[1].csid, kAudioCsid);
    EXPECT_EQ(replies[1].timestamp, 41u);
    EXPECT_EQ(replies[2].csid, kStatusCsid);
    EXPECT_EQ(replies[2].stream_id, 1u);

    f.session.SendUnpublishNotify(1, f.out);
    replies = f.client.Receive(f.out);
    ASSERT_EQ(replies.size(), 2u);
    EXPECT_EQ(Info(AsCommand(replies[0])).GetString("code"), "NetStream.Play.UnpublishNotify");
    EXPECT_EQ(Bytes(replies[1].payload.span().begin(), replies[1].payload.span().end()), StreamEof(1));

    ASSERT_TRUE(f.Feed(f.client.Command(3, 0, "deleteStream", 5, {Value::Null(), Value::Number(1)})).ok());
    ASSERT_EQ(Count<Ev::DeletePlay>(f.events), 1u);
    EXPECT_EQ(Find<Ev::DeletePlay>(f.events)->stream_id, 1u);
}

TEST(ServerSessionPlay, PreChunkedMediaInterleavesWithTheSessionsOwnChunking) {
    // A message chunked once by EncodeStandalone (shared by every player)
    // and the session's own header-compressed messages on the same chunk
    // stream decode in order, also with extended timestamps.
    Fixture f;
    f.Connect();
    ASSERT_TRUE(f.Feed(f.client.Command(8, 1, "play", 0, {Value::Null(), Value::String("studio")})).ok());
    f.session.AcceptPlay(1, f.out);
    ASSERT_EQ(f.client.Receive(f.out).size(), 5u);
    const auto header = base::SharedBuffer::Copy(Bytes{0x27, 0x01, 0, 0, 0});
    const uint32_t chunk = f.session.out_chunk_size();
    struct Sent {
        uint32_t ts;
        size_t size;
        bool encoded;
    };
    const Sent plan[] = {{40, 9000, false}, {73, 9000, true},       {106, 9000, false},  {139, 100, false},
                         {172, 100, true},  {0xFFFFF0, 9000, true}, {0x1000010, 9000, false},
                         {0x1000043, 5000, true}, {0x1000076, 5000, false}};
    for (const auto& m : plan) {
        const auto body = base::SharedBuffer::Copy(Bytes(m.size, static_cast<uint8_t>(m.ts)));
        const std::array<base::SharedBuffer, 2> parts{header, body};
        if (m.encoded) {
            const auto bytes = EncodeStandalone(kVideo, m.ts, 1, chunk, parts);
            ASSERT_FALSE(bytes.empty());
            f.session.SendEncodedMedia(kVideo, bytes, f.out);
        } else {
            f.session.SendMedia(1, kVideo, m.ts, parts, f.out);
        }
    }
    const auto replies = f.client.Receive(f.out);
    ASSERT_EQ(replies.size(), std::size(plan));
    for (size_t i = 0; i < std::size(plan); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(replies[i].csid, kVideoCsid);
        EXPECT_EQ(replies[i].type, kVideo);
        EXPECT_EQ(replies[i].stream_id, 1u);
        EXPECT_EQ(replies[i].timestamp, plan[i].ts);
        ASSERT_EQ(replies[i].payload.size(), plan[i].size + 5);
        EXPECT_EQ(replies[i].payload.data()[5], static_cast<uint8_t>(plan[i].ts));
        EXPECT_EQ(replies[i].payload.data()[plan[i].size + 4], static_cast<uint8_t>(plan[i].ts));
    }
}

TEST(ServerSessionPlay, RejectPlayAndCloseStream) {
    Fixture f;
    f.Connect();
    ASSERT_TRUE(f.Feed(f.client.Command(8, 1, "play", 0, {Value::Null(), Value::String("none")})).ok());
    f.session.RejectPlay(1, "NetStream.Play.StreamNotFound", "no such stream", f.out);
    auto replies = f.client.Receive(f.out);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(Info(AsCommand(replies[0])).GetString("level"), "error");
    EXPECT_EQ(Info(AsCommand(replies[0])).GetString("code"), "NetStream.Play.StreamNotFound");

    // Play again on the same stream, then closeStream: DeletePlay, stream kept.
    ASSERT_TRUE(f.Feed(f.client.Command(8, 1, "play", 0, {Value::Null(), Value::String("cam")})).ok());
    ASSERT_TRUE(f.Feed(f.client.Command(8, 1, "closeStream", 0, {Value::Null()})).ok());
    EXPECT_EQ(Count<Ev::DeletePlay>(f.events), 1u);
    ASSERT_TRUE(f.Feed(f.client.Command(8, 1, "play", 0, {Value::Null(), Value::String("cam")})).ok());
    EXPECT_EQ(Count<Ev::Play>(f.events), 3u);
}

TEST(ServerSessionPlay, PauseIsConfirmed) {
    Fixture f;
    f.Connect();
    ASSERT_TRUE(f.Feed(f.client.Command(8, 1, "pause", 0, {Value::Null(), Value::Boolean(true), Value::Number(0)})).ok());
    ASSERT_TRUE(f.Feed(f.client.Command(8, 1, "pause", 0, {Value::Null(), Value::Boolean(false), Value::Number(0)})).ok());
    const auto replies = f.client.Receive(f.out);
    ASSERT_EQ(replies.size(), 2u);
    EXPECT_EQ(Info(AsCommand(replies[0])).GetString("code"), "NetStream.Pause.Notify");
    EXPECT_EQ(Info(AsCommand(replies[1])).GetString("code"), "NetStream.Unpause.Notify");
}

TEST(ServerSessionCommands, UnknownAndBandwidthCommands) {
    Fixture f;
    f.Connect();
    ASSERT_TRUE(f.Feed(Join({
                           f.client.Command(3, 0, "checkBandwidth", 3, {Value::Null()}),
                           f.client.Command(3, 0, "_checkbw", 4, {Value::Null()}),
                           f.client.Command(3, 0, "someVendorCall", 5, {Value::Null(), Value::String("x")}),
                           f.client.Command(3, 0, "someNotification", 0, {Value::Null()}),
                           f.client.Command(3, 0, "_result", 6, {Value::Null()}),
                           f.client.Command(3, 0, "_error", 7, {Value::Null()}),
                           f.client.Command(3, 0, "onBWDone", 8, {Value::Null()}),
                           f.client.Command(8, 1, "receiveAudio", 0, {Value::Null(), Value::Boolean(false)}),
                           f.client.Command(8, 1, "receiveVideo", 0, {Value::Null(), Value::Boolean(true)}),
                       }))
                    .ok());
    const auto replies = f.client.Receive(f.out);
    ASSERT_EQ(replies.size(), 3u);  // one empty _result per request with a transaction id
    for (size_t i = 0; i < 3; ++i) {
        const auto c = AsCommand(replies[i]);
        EXPECT_EQ(c.name, "_result");
        EXPECT_EQ(c.transaction_id, 3 + static_cast<double>(i));
    }
    EXPECT_TRUE(f.events.empty());
}

TEST(ServerSessionCommands, SecondConnectIsRefusedNotFatal) {
    Fixture f;
    f.Connect();
    ASSERT_TRUE(f.Feed(f.client.Command(3, 0, "connect", 9, {ConnectObject("other", "rtmp://h/other", "x")})).ok());
    const auto replies = f.client.Receive(f.out);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(AsCommand(replies[0]).name, "_error");
    EXPECT_EQ(AsCommand(replies[0]).transaction_id, 9);
    EXPECT_EQ(f.session.app(), "live");
    EXPECT_TRUE(f.events.empty());
}

TEST(ServerSessionErrors, ProtocolViolationsAreFinalAndNeverShowTheKey) {
    const std::string key = "sk_live_SECRET";
    struct Case {
        const char* what;
        std::function<Bytes(TestClient&)> input;
    };
    const Case cases[] = {
        {"publish before connect",
         [&](TestClient& c) { return c.Command(8, 1, "publish", 0, {Value::Null(), Value::String(key)}); }},
        {"publish on a stream never created",
         [&](TestClient& c) {
             return Join({c.Command(3, 0, "connect", 1, {ConnectObject("live", "rtmp://h/live", "x")}),
                          c.Command(8, 7, "publish", 0, {Value::Null(), Value::String(key)})});
         }},
        {"publish twice on one stream",
         [&](TestClient& c) {
             return Join({c.Command(3, 0, "connect", 1, {ConnectObject("live", "rtmp://h/live", "x")}),
                          c.Command(3, 0, "createStream", 2, {Value::Null()}),
                          c.Command(8, 1, "publish", 0, {Value::Null(), Value::String(key)}),
                          c.Command(8, 1, "publish", 0, {Value::Null(), Value::String(key)})});
         }},
        {"publish without a name",
         [&](TestClient& c) {
             return Join({c.Command(3, 0, "connect", 1, {ConnectObject("live", "rtmp://h/live", "x")}),
                          c.Command(3, 0, "createStream", 2, {Value::Null()}),
                          c.Command(8, 1, "publish", 0, {Value::Null(), Value::Number(1)})});
         }},
        {"play before connect",
         [&](TestClient& c) { return c.Command(8, 1, "play", 0, {Value::Null(), Value::String(key)}); }},
        {"createStream before connect", [&](TestClient& c) { return c.Command(3, 0, "createStream", 2, {}); }},
        {"malformed command",
         [&](TestClient& c) { return c.Send(3, kCommandAmf0, 0, 0, Bytes{0x02, 0x00, 0x09, 'p', 'u'}); }},
        {"chunk error", [&](TestClient&) { return Bytes{0xC9, 0x00}; }},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.what);
        ServerSession session;
        TestClient client;
        std::vector<SessionEvent> events;
        base::OutBuffers out;
        const auto st = session.Feed(c.input(client), events, out);
        ASSERT_FALSE(st.ok());
        EXPECT_EQ(st.error().message.find("SECRET"), std::string::npos) << st.error().message;
        // Final: later input gets the same error.
        const auto again = session.Feed(Bytes{0x02}, events, out);
        ASSERT_FALSE(again.ok());
        EXPECT_EQ(again.error().message, st.error().message);
    }
}

TEST(ServerSessionErrors, StreamLimit) {
    SessionLimits limits;
    limits.max_streams = 2;
    ServerSession session(limits);
    TestClient client;
    std::vector<SessionEvent> events;
    base::OutBuffers out;
    ASSERT_TRUE(session.Feed(client.Command(3, 0, "connect", 1, {ConnectObject("live", "rtmp://h/live", "x")}), events,
                             out)
                    .ok());
    ASSERT_TRUE(session.Feed(client.Command(3, 0, "createStream", 2, {Value::Null()}), events, out).ok());
    ASSERT_TRUE(session.Feed(client.Command(3, 0, "createStream", 3, {Value::Null()}), events, out).ok());
    // deleteStream frees a slot.
    ASSERT_TRUE(session.Feed(client.Command(3, 0, "deleteStream", 4, {Value::Null(), Value::Number(1)}), events, out)
                    .ok());
    ASSERT_TRUE(session.Feed(client.Command(3, 0, "createStream", 5, {Value::Null()}), events, out).ok());
    const auto st = session.Feed(client.Command(3, 0, "createStream", 6, {Value::Null()}), events, out);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, base::ErrorCode::kInvalidData);
}

TEST(ServerSessionCommands, AnnouncedChunkSizeIsTheOneUsed) {
    for (uint32_t configured : {0u, 60000u, 0x7FFFFFFFu}) {
        SessionLimits limits;
        limits.out_chunk_size = configured;
        ServerSession session(limits);
        TestClient client;
        std::vector<SessionEvent> events;
        base::OutBuffers out;
        ASSERT_TRUE(session.Feed(client.Command(3, 0, "connect", 1, {ConnectObject("live", "rtmp://h/live", "x")}),
                                 events, out)
                        .ok());
        const auto big = base::SharedBuffer::Copy(Bytes(70000, 1));
        session.SendMedia(1, kVideo, 0, std::span(&big, 1), out);
        // Our reader follows the announced size: the media decodes only if
        // the writer chunked with that same size.
        const auto replies = client.Receive(out);
        ASSERT_EQ(replies.size(), 5u);
        EXPECT_EQ(*ParseControlValue(replies[2].payload.span()), std::clamp<uint32_t>(configured, 1, kMaxChunkSize));
        EXPECT_EQ(replies[4].payload.size(), 70000u);
    }
}

TEST(ServerSessionErrors, ChunkLimitsComeFromSessionLimits) {
    SessionLimits limits;
    limits.chunk.max_message_size = 100;
    ServerSession session(limits);
    TestClient client;
    std::vector<SessionEvent> events;
    base::OutBuffers out;
    const auto st = session.Feed(client.Send(6, kVideo, 0, 1, Bytes(101, 0)), events, out);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, base::ErrorCode::kLimitExceeded);
}

// The calls the server layer makes, so an API drift fails here first.
TEST(ServerSessionApi, UsedAsTheServerUsesIt) {
    SessionLimits limits;
    limits.chunk.max_message_size = 1 << 20;
    limits.chunk.max_chunk_streams = 32;
    limits.out_chunk_size = 60000;
    ServerSession session(limits);
    auto fill = [](std::span<uint8_t> out) {
        for (auto& b : out) b = 7;
    };
    ServerHandshake handshake(fill, 0);
    (void)handshake;
    std::vector<SessionEvent> events;
    base::OutBuffers pending;
    TestClient client;
    EXPECT_TRUE(session.Feed(client.Command(3, 0, "connect", 1, {ConnectObject("live", "rtmp://h/live", "x")}), events,
                             pending)
                    .ok());
    for (auto& e : events) {
        if (auto* c = std::get_if<SessionEvent::Connect>(&e.value)) {
            EXPECT_EQ(c->app, "live");
        }
    }
    base::SharedBuffer body = base::SharedBuffer::Copy(Bytes{1, 2, 3});
    session.SendMedia(1, 9, 0, std::span(&body, 1), pending);
    const base::SharedBuffer& const_body = body;
    session.SendMedia(1, 18, 0, std::span(&const_body, 1), pending);
    std::array<base::SharedBuffer, 2> parts{body, body};
    session.SendMedia(1, 8, 0, parts, pending);
    session.AcceptPublish(1, pending);
    session.RejectPublish(1, "NetStream.Publish.BadName", "invalid stream key", pending);
    session.AcceptPlay(1, pending);
    session.RejectPlay(1, "NetStream.Play.StreamNotFound", "no such live stream", pending);
    session.SendUnpublishNotify(1, pending);
    EXPECT_FALSE(pending.empty());
}

}  // namespace
}  // namespace onair::proto::rtmp
