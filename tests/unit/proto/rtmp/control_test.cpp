// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/control.h"

#include <gtest/gtest.h>

#include "onair/proto/rtmp/chunk_writer.h"

namespace onair::proto::rtmp {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(Control, PayloadsByteExact) {
    EXPECT_EQ(SetChunkSize(4096), (Bytes{0x00, 0x00, 0x10, 0x00}));
    EXPECT_EQ(SetChunkSize(0xFFFFFFFF), (Bytes{0x7F, 0xFF, 0xFF, 0xFF}));  // §5.4.1: bit 31 is zero
    EXPECT_EQ(Abort(6), (Bytes{0x00, 0x00, 0x00, 0x06}));
    EXPECT_EQ(Acknowledgement(2500000), (Bytes{0x00, 0x26, 0x25, 0xA0}));
    EXPECT_EQ(WindowAckSize(2500000), (Bytes{0x00, 0x26, 0x25, 0xA0}));
    EXPECT_EQ(SetPeerBandwidth(2500000, PeerBandwidthLimit::kDynamic), (Bytes{0x00, 0x26, 0x25, 0xA0, 0x02}));
    EXPECT_EQ(StreamBegin(1), (Bytes{0x00, 0x00, 0x00, 0x00, 0x00, 0x01}));
    EXPECT_EQ(StreamEof(1), (Bytes{0x00, 0x01, 0x00, 0x00, 0x00, 0x01}));
    EXPECT_EQ(StreamDry(2), (Bytes{0x00, 0x02, 0x00, 0x00, 0x00, 0x02}));
    EXPECT_EQ(SetBufferLength(1, 3000), (Bytes{0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x0B, 0xB8}));
    EXPECT_EQ(StreamIsRecorded(1), (Bytes{0x00, 0x04, 0x00, 0x00, 0x00, 0x01}));
    EXPECT_EQ(PingRequest(0x01020304), (Bytes{0x00, 0x06, 0x01, 0x02, 0x03, 0x04}));
    EXPECT_EQ(PingResponse(0x01020304), (Bytes{0x00, 0x07, 0x01, 0x02, 0x03, 0x04}));
}

TEST(Control, ParsesUserControl) {
    auto ping = ParseUserControl(PingRequest(77));
    ASSERT_TRUE(ping.ok());
    EXPECT_EQ(ping->event, static_cast<uint16_t>(UserControlEvent::kPingRequest));
    EXPECT_EQ(ping->value, 77u);
    auto buffer = ParseUserControl(SetBufferLength(1, 3000));
    ASSERT_TRUE(buffer.ok());
    EXPECT_EQ(buffer->value, 1u);
    EXPECT_EQ(buffer->value2, 3000u);
    EXPECT_FALSE(ParseUserControl(Bytes{0x00, 0x06, 0x01}).ok());
    EXPECT_FALSE(ParseUserControl(Bytes{0x00, 0x03, 0, 0, 0, 1, 0}).ok());
    EXPECT_EQ(*ParseControlValue(Bytes{0, 0, 0x10, 0}), 4096u);
    EXPECT_FALSE(ParseControlValue(Bytes{0, 0}).ok());
}

TEST(Control, WrittenOnChunkStreamTwo) {
    ChunkWriter w;
    base::OutBuffers out;
    WriteControl(w, kSetChunkSize, SetChunkSize(4096), out);
    // §5.4: csid 2, message stream 0, timestamp 0.
    EXPECT_EQ(out.Flatten(), (Bytes{0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
                                    0x00, 0x10, 0x00}));
}

}  // namespace
}  // namespace onair::proto::rtmp
