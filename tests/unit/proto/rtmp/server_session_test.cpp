// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/server_session.h"

#include <gtest/gtest.h>

#include "support/grind.h"
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

constexpr const char* kFfmpegFlashVer = "FMLE/3.0 (compatible; Lavf61.1.100)";

// Checks the replies to `connect` (FMS/nginx-rtmp order) and returns the rest.
void ExpectConnectReplies(const std::vector<Message>& replies, double tid = 1) {
    ASSERT_GE(replies.size(), 4u);
    EXPECT_EQ(replies[0].type, kWindowAckSize);
    EXPECT_EQ(*ParseControlValue(replies[0].payload.span()), 2500000u);
    EXPECT_EQ(replies[1].type, kSetPeerBandwidth);
    EXPECT_EQ(Bytes(replies[1].payload.span().begin(), replies[1].payload.span().end()),
              (Bytes{0x00, 0x26, 0x25, 0xA0, 0x02}));
    EXPECT_EQ(replies[2].type, kSetChunkSize);
    EXPECT_EQ(*ParseControlValue(replies[2].payload.span()), 4096u);
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(replies[static_cast<size_t>(i)].csid, kControlCsid);
        EXPECT_EQ(replies[static_cast<size_t>(i)].stream_id, 0u);
    }
    const auto result = AsCommand(replies[3]);
    EXPECT_EQ(replies[3].csid, kCommandCsid);
    EXPECT_EQ(result.name, "_result");
    EXPECT_EQ(result.transaction_id, tid);
    ASSERT_EQ(result.args.size(), 2u);
    EXPECT_EQ(result.args[0].GetString("fmsVer"), "FMS/3,0,1,123");
    EXPECT_EQ(result.args[0].GetNumber("capabilities"), 31);
    EXPECT_EQ(result.args[1].GetString("level"), "status");
    EXPECT_EQ(result.args[1].GetString("code"), "NetConnection.Connect.Success");
    EXPECT_EQ(result.args[1].GetNumber("objectEncoding", -1), 0);
}

void ExpectEmptyResult(const Message& m, double tid) {
    const auto c = AsCommand(m);
    EXPECT_EQ(c.name, "_result");
    EXPECT_EQ(c.transaction_id, tid);
    ASSERT_EQ(c.args.size(), 2u);
    EXPECT_TRUE(c.args[0].IsNull());
    EXPECT_TRUE(c.args[1].IsUndefined());
}

// ffmpeg (rtmpproto.c) publishing: waits for each reply before the next step.
TEST(ServerSession, FfmpegLikePublish) {
    ServerSession session;
    TestClient client;
    std::vector<SessionEvent> events;
    base::OutBuffers out;

    auto feed = [&](const Bytes& bytes) { ASSERT_TRUE(session.Feed(bytes, events, out).ok()); };

    feed(client.Command(3, 0, "connect", 1, {ConnectObject("live", "rtmp://localhost:1935/live", kFfmpegFlashVer)}));
    ExpectConnectReplies(client.Receive(out));
    ASSERT_EQ(events.size(), 1u);
    const auto* connect = Find<Ev::Connect>(events);
    ASSERT_NE(connect, nullptr);
    EXPECT_EQ(connect->app, "live");
    EXPECT_EQ(connect->tc_url, "rtmp://localhost:1935/live");
    EXPECT_EQ(connect->flash_ver, kFfmpegFlashVer);
    EXPECT_EQ(connect->command_object.GetString("type"), "nonprivate");
    EXPECT_TRUE(session.connected());

    // ffmpeg: window ack size, then releaseStream, FCPublish, createStream.
    feed(client.Control(kWindowAckSize, WindowAckSize(2500000)));
    feed(client.Command(3, 0, "releaseStream", 2, {Value::Null(), Value::String("key?x=1")}));
    feed(client.Command(3, 0, "FCPublish", 3, {Value::Null(), Value::String("key?x=1")}));
    feed(client.Command(3, 0, "createStream", 4, {Value::Null()}));
    auto replies = client.Receive(out);
    ASSERT_EQ(replies.size(), 3u);
    ExpectEmptyResult(replies[0], 2);
    ExpectEmptyResult(replies[1], 3);
    const auto created = AsCommand(replies[2]);
    EXPECT_EQ(created.transaction_id, 4);
    ASSERT_EQ(created.args.size(), 2u);
    EXPECT_TRUE(created.args[0].IsNull());
    EXPECT_EQ(created.args[1].AsNumber(), 1);
    // The exact layout old ffmpeg versions check: tid number, null, number.
    const auto& p = replies[2].payload;
    EXPECT_EQ(p[10], 0x00);
    EXPECT_EQ(p[19], 0x05);
    EXPECT_EQ(p[20], 0x00);

    // publish goes out on stream 1, csid 8 (RTMP_SOURCE_CHANNEL).
    feed(client.Command(8, 1, "publish", 5, {Value::Null(), Value::String("key?x=1"), Value::String("live")}));
    EXPECT_TRUE(client.Receive(out).empty());  // the server decides
    const auto* publish = Find<Ev::Publish>(events);
    ASSERT_NE(publish, nullptr);
    EXPECT_EQ(publish->stream_id, 1u);
    EXPECT_EQ(publish->name, "key?x=1");
    EXPECT_EQ(publish->type, "live");

    session.AcceptPublish(1, out);
    replies = client.Receive(out);
    ASSERT_EQ(replies.size(), 2u);
    EXPECT_EQ(AsCommand(replies[0]).name, "onFCPublish");
    const auto status = AsCommand(replies[1]);
    EXPECT_EQ(status.name, "onStatus");
    EXPECT_EQ(status.transaction_id, 0);
    EXPECT_EQ(replies[1].stream_id, 1u);
    EXPECT_EQ(replies[1].csid, kStatusCsid);
    EXPECT_EQ(Info(status).GetString("level"), "status");
    EXPECT_EQ(Info(status).GetString("code"), "NetStream.Publish.Start");

    // Metadata, then a video frame bigger than the chunk size, then audio.
    events.clear();
    Bytes metadata = EncodeData("@setDataFrame", std::vector<Value>{Value::String("onMetaData"),
                                                                    Value::EcmaArray({{"width", Value::Number(1280)}})});
    feed(client.Data(1, 0, metadata));
    feed(client.Control(kSetChunkSize, SetChunkSize(4096)));
    const Bytes frame = testing::Join({{0x17, 0x01, 0x00, 0x00, 0x00}, Bytes(10000, 0xAB)});
    feed(client.Send(6, kVideo, 40, 1, frame));
    feed(client.Send(4, kAudio, 23, 1, Bytes{0xAF, 0x01, 0x21}));
    ASSERT_EQ(events.size(), 3u);
    const auto* meta = Find<Ev::Media>(events, 0);
    EXPECT_EQ(meta->type, kDataAmf0);
    EXPECT_EQ(meta->payload.view(), std::string_view(reinterpret_cast<const char*>(metadata.data()), metadata.size()));
    const auto* video = Find<Ev::Media>(events, 1);
    EXPECT_EQ(video->type, kVideo);
    EXPECT_EQ(video->stream_id, 1u);
    EXPECT_EQ(video->timestamp, 40u);
    EXPECT_EQ(video->payload.size(), frame.size());
    const auto* audio = Find<Ev::Media>(events, 2);
    EXPECT_EQ(audio->type, kAudio);
    EXPECT_EQ(audio->timestamp, 23u);

    // Teardown: FCUnpublish then deleteStream; one Unpublish event.
    events.clear();
    feed(client.Command(3, 0, "FCUnpublish", 6, {Value::Null(), Value::String("key?x=1")}));
    feed(client.Command(3, 0, "deleteStream", 7, {Value::Null(), Value::Number(1)}));
    ASSERT_EQ(Count<Ev::Unpublish>(events), 1u);
    EXPECT_EQ(Find<Ev::Unpublish>(events)->stream_id, 1u);
    replies = client.Receive(out);
    ASSERT_EQ(replies.size(), 2u);  // onFCUnpublish + _result; deleteStream has no reply
    EXPECT_EQ(AsCommand(replies[0]).name, "onFCUnpublish");
    ExpectEmptyResult(replies[1], 6);
}

// OBS (librtmp) pipelines releaseStream, FCPublish and createStream; some
// clients even send publish before reading anything. Everything in one
// buffer, split at every byte, must give the same events and replies.
TEST(ServerSession, ObsLikePipelinedCommandsAtEverySplit) {
    TestClient client;
    const Bytes input = Join({
        client.Command(3, 0, "connect", 1,
                       {ConnectObject("live?token=t", "rtmp://example.com/live?token=t",
                                      "FMLE/3.0 (compatible; FMSc/1.0)")}),
        client.Control(kWindowAckSize, WindowAckSize(2500000)),
        client.Command(3, 0, "releaseStream", 2, {Value::Null(), Value::String("obs-key")}),
        client.Command(3, 0, "FCPublish", 3, {Value::Null(), Value::String("obs-key")}),
        client.Command(3, 0, "createStream", 4, {Value::Null()}),
        client.Command(4, 1, "publish", 5, {Value::Null(), Value::String("obs-key"), Value::String("live")}),
        client.Data(1, 0, EncodeData("@setDataFrame", std::vector<Value>{Value::String("onMetaData")})),
        client.Send(6, kVideo, 0, 1, Bytes(300, 0x17)),
    });

    struct Outcome {
        std::vector<SessionEvent> events;
        Bytes replies;
    };
    auto run = [&](const std::vector<std::span<const uint8_t>>& parts) {
        ServerSession session;
        Outcome o;
        base::OutBuffers out;
        for (auto part : parts) EXPECT_TRUE(session.Feed(part, o.events, out).ok());
        o.replies = out.Flatten();
        return o;
    };
    const Outcome whole = run({input});
    ASSERT_EQ(whole.events.size(), 4u);
    EXPECT_EQ(Find<Ev::Connect>(whole.events)->app, "live?token=t");
    EXPECT_EQ(Find<Ev::Publish>(whole.events)->name, "obs-key");
    EXPECT_EQ(Find<Ev::Media>(whole.events, 1)->payload.size(), 300u);

    base::OutBuffers replies;
    replies.AppendCopy(whole.replies);
    TestClient decoder;
    const auto messages = decoder.Receive(replies);
    ASSERT_EQ(messages.size(), 7u);
    ExpectConnectReplies(messages);
    ExpectEmptyResult(messages[4], 2);
    ExpectEmptyResult(messages[5], 3);
    EXPECT_EQ(AsCommand(messages[6]).args[1].AsNumber(), 1);

    test::ForEachSplit(input, [&](const std::vector<std::span<const uint8_t>>& parts) {
        const Outcome split = run(parts);
        ASSERT_EQ(split.events.size(), whole.events.size());
        for (size_t i = 0; i < split.events.size(); ++i) EXPECT_EQ(split.events[i].value.index(), whole.events[i].value.index());
        EXPECT_EQ(Find<Ev::Publish>(split.events)->name, "obs-key");
        EXPECT_EQ(split.replies, whole.replies);
    });
}

TEST(ServerSession, RejectPublishIsAnErrorForFfmpegAndObs) {
    ServerSession session;
    TestClient client;
    std::vector<SessionEvent> events;
    base::OutBuffers out;
    ASSERT_TRUE(session
                    .Feed(Join({client.Command(3, 0, "connect", 1, {ConnectObject("live", "rtmp://h/live", "x")}),
                                client.Command(3, 0, "createStream", 2, {Value::Null()}),
                                client.Command(4, 1, "publish", 3, {Value::Null(), Value::String("bad")})}),
                          events, out)
                    .ok());
    EXPECT_EQ(Find<Ev::Publish>(events)->type, "live");  // default when the client sends none
    client.Receive(out);
    session.RejectPublish(1, "NetStream.Publish.BadName", "invalid stream key", out);
    const auto replies = client.Receive(out);
    ASSERT_EQ(replies.size(), 1u);
    const auto status = AsCommand(replies[0]);
    EXPECT_EQ(status.name, "onStatus");
    EXPECT_EQ(replies[0].stream_id, 1u);
    // ffmpeg fails on level "error"; librtmp (OBS) stops on this code.
    EXPECT_EQ(Info(status).GetString("level"), "error");
    EXPECT_EQ(Info(status).GetString("code"), "NetStream.Publish.BadName");
    EXPECT_EQ(Info(status).GetString("description"), "invalid stream key");
    // The stream is free again: no Unpublish for a publish never accepted.
    events.clear();
    ASSERT_TRUE(session.Feed(client.Command(3, 0, "deleteStream", 4, {Value::Null(), Value::Number(1)}), events, out)
                    .ok());
    EXPECT_TRUE(events.empty());
}

TEST(ServerSession, AcknowledgesEachWindow) {
    ServerSession session;
    TestClient client;
    std::vector<SessionEvent> events;
    base::OutBuffers out;
    // The peer asks for an acknowledgement every 1000 bytes.
    ASSERT_TRUE(session.Feed(client.Control(kWindowAckSize, WindowAckSize(1000)), events, out).ok());
    const Bytes media = client.Send(6, kVideo, 0, 1, Bytes(1500, 1));
    ASSERT_TRUE(session.Feed(media, events, out).ok());
    auto replies = client.Receive(out);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].type, kAck);
    EXPECT_EQ(*ParseControlValue(replies[0].payload.span()), session.bytes_received());
    EXPECT_GE(session.bytes_received(), 1500u);
    // Less than a window since the last ack: nothing.
    ASSERT_TRUE(session.Feed(client.Send(6, kVideo, 1, 1, Bytes(100, 1)), events, out).ok());
    EXPECT_TRUE(client.Receive(out).empty());
}

TEST(ServerSession, AnswersPingsAndSendsThem) {
    ServerSession session;
    TestClient client;
    std::vector<SessionEvent> events;
    base::OutBuffers out;
    ASSERT_TRUE(session.Feed(client.Control(kUserControl, PingRequest(123456)), events, out).ok());
    auto replies = client.Receive(out);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].type, kUserControl);
    EXPECT_EQ(Bytes(replies[0].payload.span().begin(), replies[0].payload.span().end()), PingResponse(123456));
    session.SendPingRequest(99, out);
    replies = client.Receive(out);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(Bytes(replies[0].payload.span().begin(), replies[0].payload.span().end()), PingRequest(99));
    // Other user control events and short ones are ignored.
    ASSERT_TRUE(session.Feed(client.Control(kUserControl, SetBufferLength(1, 3000)), events, out).ok());
    ASSERT_TRUE(session.Feed(client.Control(kUserControl, Bytes{0x00}), events, out).ok());
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(events.empty());
}

TEST(ServerSession, SplitsAggregateMessages) {
    ServerSession session;
    TestClient client;
    std::vector<SessionEvent> events;
    base::OutBuffers out;
    // Two FLV-shaped sub-messages with timestamps 1000 and 1040 in an
    // aggregate stamped 5000: they come out as 5000 and 5040.
    const Bytes aggregate = {
        0x09, 0x00, 0x00, 0x02, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x00, 0x01, 0x17, 0x01, 0x00, 0x00, 0x00, 0x0D,
        0x08, 0x00, 0x00, 0x01, 0x00, 0x04, 0x10, 0x00, 0x00, 0x00, 0x01, 0xAF, 0x00, 0x00, 0x00, 0x0C,
    };
    ASSERT_TRUE(session.Feed(client.Send(6, kAggregate, 5000, 1, aggregate), events, out).ok());
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(Find<Ev::Media>(events, 0)->type, kVideo);
    EXPECT_EQ(Find<Ev::Media>(events, 0)->timestamp, 5000u);
    EXPECT_EQ(Find<Ev::Media>(events, 0)->payload.size(), 2u);
    EXPECT_EQ(Find<Ev::Media>(events, 0)->stream_id, 1u);
    EXPECT_EQ(Find<Ev::Media>(events, 1)->type, kAudio);
    EXPECT_EQ(Find<Ev::Media>(events, 1)->timestamp, 5040u);
    EXPECT_EQ(Find<Ev::Media>(events, 1)->payload[0], 0xAF);
    // A truncated sub-message is a protocol error (a missing last back
    // pointer is tolerated).
    for (size_t cut : {size_t{5}, size_t{12}, size_t{20}, size_t{28}}) {
        ServerSession other;
        TestClient c2;
        const Bytes part(aggregate.begin(), aggregate.begin() + static_cast<std::ptrdiff_t>(cut));
        EXPECT_FALSE(other.Feed(c2.Send(6, kAggregate, 0, 1, part), events, out).ok()) << cut;
    }
    ServerSession tolerant;
    TestClient c3;
    const Bytes no_back_pointer(aggregate.begin(), aggregate.end() - 4);
    EXPECT_TRUE(tolerant.Feed(c3.Send(6, kAggregate, 0, 1, no_back_pointer), events, out).ok());
}

TEST(ServerSession, AmfThreeCommandsAndData) {
    ServerSession session;
    TestClient client;
    std::vector<SessionEvent> events;
    base::OutBuffers out;
    ASSERT_TRUE(session
                    .Feed(client.Command(3, 0, "connect", 1,
                                         {Value::Object({{"tcUrl", Value::String("rtmp://h:1935/app/inst?q=1")},
                                                         {"objectEncoding", Value::Number(3)}})},
                                         kCommandAmf3),
                          events, out)
                    .ok());
    const auto* connect = Find<Ev::Connect>(events);
    ASSERT_NE(connect, nullptr);
    EXPECT_EQ(connect->app, "app/inst?q=1");  // no "app" field: taken from tcUrl
    const auto replies = client.Receive(out);
    ASSERT_EQ(replies.size(), 4u);
    EXPECT_EQ(Info(AsCommand(replies[3])).GetNumber("objectEncoding"), 3);  // echoed
    // Type 15 data: the 0x00 format byte is dropped and it becomes type 18.
    const Bytes amf0 = EncodeData("onMetaData", std::vector<Value>{});
    ASSERT_TRUE(session.Feed(client.Data(1, 0, Join({{0x00}, amf0}), kDataAmf3), events, out).ok());
    const auto* data = Find<Ev::Media>(events);
    ASSERT_NE(data, nullptr);
    EXPECT_EQ(data->type, kDataAmf0);
    EXPECT_EQ(data->payload.view(), std::string_view(reinterpret_cast<const char*>(amf0.data()), amf0.size()));
}

}  // namespace
}  // namespace onair::proto::rtmp
