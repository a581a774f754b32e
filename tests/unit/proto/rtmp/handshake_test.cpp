// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/handshake.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/grind.h"

namespace onair::proto::rtmp {
namespace {

using Bytes = std::vector<uint8_t>;

// Deterministic "random" bytes: a counter stream, so outputs are reproducible.
RandomSource Counter(uint8_t start = 1) {
    auto next = std::make_shared<uint8_t>(start);
    return [next](std::span<uint8_t> out) {
        for (auto& b : out) b = (*next)++;
    };
}

// Keys written out independently of the implementation.
Bytes Text(std::string_view s) { return Bytes(s.begin(), s.end()); }
const Bytes kTail = {0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
                     0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE};
Bytes FullKey(std::string_view text) {
    Bytes k = Text(text);
    k.insert(k.end(), kTail.begin(), kTail.end());
    return k;
}

// HMAC over the packet without the 32 bytes at `offset`.
Digest SignedWithout(const Bytes& packet, size_t offset, const Bytes& key) {
    Bytes rest(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(offset));
    rest.insert(rest.end(), packet.begin() + static_cast<std::ptrdiff_t>(offset + 32), packet.end());
    return HmacSha256(key, rest);
}

size_t OffsetScheme0(const Bytes& p) { return (size_t{p[8]} + p[9] + p[10] + p[11]) % 728 + 12; }
size_t OffsetScheme1(const Bytes& p) { return (size_t{p[772]} + p[773] + p[774] + p[775]) % 728 + 776; }

// C1 as ffmpeg's rtmp_handshake builds it: uptime 0, version 9.0.124.2,
// pseudo-random filler, digest signed with the Flash Player key.
Bytes FfmpegStyleC1(bool scheme1) {
    Bytes c1(1536);
    uint32_t x = 0xDEADC0DE;
    for (size_t i = 8; i < c1.size(); ++i) {
        x = x * 1664525u + 1013904223u;
        c1[i] = static_cast<uint8_t>(x >> 24);
    }
    c1[4] = 9;
    c1[5] = 0;
    c1[6] = 124;
    c1[7] = 2;
    const size_t off = scheme1 ? OffsetScheme1(c1) : OffsetScheme0(c1);
    const Digest d = SignedWithout(c1, off, Text("Genuine Adobe Flash Player 001"));
    std::copy(d.begin(), d.end(), c1.begin() + static_cast<std::ptrdiff_t>(off));
    return c1;
}

Bytes Concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

std::string Hex(std::span<const uint8_t> b) {
    static const char* kDigits = "0123456789abcdef";
    std::string s;
    for (uint8_t c : b) {
        s += kDigits[c >> 4];
        s += kDigits[c & 15];
    }
    return s;
}

TEST(HmacSha256, Rfc4231TestCase2) {
    const Digest d = HmacSha256(Text("Jefe"), Text("what do ya want for nothing?"));
    EXPECT_EQ(Hex(d), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HandshakeDigest, KeysAreTheKnownConstants) {
    EXPECT_EQ(Bytes(ClientKey().begin(), ClientKey().end()), FullKey("Genuine Adobe Flash Player 001"));
    EXPECT_EQ(Bytes(ServerKey().begin(), ServerKey().end()), FullKey("Genuine Adobe Flash Media Server 001"));
    EXPECT_EQ(ClientPartialKey().size(), 30u);
    EXPECT_EQ(ServerPartialKey().size(), 36u);
}

struct Feeder {
    ServerHandshake hs{Counter(), 0x01020304};
    Bytes out;
    size_t consumed_total = 0;
    base::ParseStatus last = base::ParseStatus::kNeedMore;

    void Feed(std::span<const uint8_t> in) {
        while (true) {
            size_t consumed = 0;
            last = hs.Feed(in, consumed, out);
            consumed_total += consumed;
            in = in.subspan(consumed);
            if (last != base::ParseStatus::kNeedMore || in.empty()) return;
        }
    }
};

TEST(ServerHandshake, PlainEchoesC1) {
    Bytes c1(1536);
    for (size_t i = 8; i < c1.size(); ++i) c1[i] = static_cast<uint8_t>(i * 7);
    c1[0] = 0xAA;  // client time
    const Bytes c2(1536, 0x55);
    const Bytes after = {0x03, 0x00, 0x00};  // first chunk bytes: never consumed
    Feeder f;
    f.Feed(Concat({{0x03}, c1, c2, after}));
    ASSERT_EQ(f.last, base::ParseStatus::kMessage);
    EXPECT_EQ(f.consumed_total, 1 + 1536 + 1536u);
    EXPECT_FALSE(f.hs.digest());
    ASSERT_EQ(f.out.size(), 1 + 1536 + 1536u);
    EXPECT_EQ(f.out[0], 3);
    // S1: our time, zero version (plain), then the random source's bytes.
    EXPECT_EQ((Bytes{f.out[1], f.out[2], f.out[3], f.out[4]}), (Bytes{1, 2, 3, 4}));
    EXPECT_EQ((Bytes{f.out[5], f.out[6], f.out[7], f.out[8]}), (Bytes{0, 0, 0, 0}));
    EXPECT_EQ(f.out[9], 1);
    EXPECT_EQ(f.out[10], 2);
    // S2 echoes C1.
    EXPECT_EQ(Bytes(f.out.begin() + 1537, f.out.end()), c1);
}

void CheckDigestAnswer(const Bytes& c1, bool scheme1) {
    const Bytes c2(1536, 0x11);
    const Bytes input = Concat({{0x03}, c1, c2});
    test::ForEachSplit(input, [&](const std::vector<std::span<const uint8_t>>& parts) {
        Feeder f;
        for (auto p : parts) f.Feed(p);
        ASSERT_EQ(f.last, base::ParseStatus::kMessage);
        ASSERT_TRUE(f.hs.digest());
        ASSERT_EQ(f.out.size(), 3073u);
        const Bytes s1(f.out.begin() + 1, f.out.begin() + 1537);
        const Bytes s2(f.out.begin() + 1537, f.out.end());
        EXPECT_EQ((Bytes{s1[4], s1[5], s1[6], s1[7]}), (Bytes{0x0D, 0x0E, 0x0A, 0x0D}));
        // S1 is signed with the server's partial key in the client's scheme,
        // which is where ffmpeg's client looks for it.
        const size_t off = scheme1 ? OffsetScheme1(s1) : OffsetScheme0(s1);
        const Digest s1_digest = SignedWithout(s1, off, Text("Genuine Adobe Flash Media Server 001"));
        EXPECT_TRUE(std::equal(s1_digest.begin(), s1_digest.end(), s1.begin() + static_cast<std::ptrdiff_t>(off)));
        // S2: HMAC(HMAC(full server key, client digest), S2[0..1504]) in the last 32 bytes.
        const size_t c1_off = scheme1 ? OffsetScheme1(c1) : OffsetScheme0(c1);
        const Bytes client_digest(c1.begin() + static_cast<std::ptrdiff_t>(c1_off),
                                  c1.begin() + static_cast<std::ptrdiff_t>(c1_off + 32));
        const Digest key = HmacSha256(FullKey("Genuine Adobe Flash Media Server 001"), client_digest);
        const Digest s2_digest = HmacSha256(key, std::span(s2).first(1504));
        EXPECT_TRUE(std::equal(s2_digest.begin(), s2_digest.end(), s2.begin() + 1504));
    });
}

TEST(ServerHandshake, DigestScheme0LikeFfmpeg) { CheckDigestAnswer(FfmpegStyleC1(false), false); }
TEST(ServerHandshake, DigestScheme1LikeFlash10) { CheckDigestAnswer(FfmpegStyleC1(true), true); }

TEST(ServerHandshake, BadDigestFallsBackToPlain) {
    Bytes c1 = FfmpegStyleC1(false);
    c1[OffsetScheme0(c1)] ^= 0xFF;  // corrupt the digest
    Feeder f;
    f.Feed(Concat({{0x03}, c1}));
    EXPECT_EQ(f.last, base::ParseStatus::kNeedMore);
    EXPECT_FALSE(f.hs.digest());
    ASSERT_EQ(f.out.size(), 3073u);
    EXPECT_EQ(Bytes(f.out.begin() + 1537, f.out.end()), c1);
}

TEST(ServerHandshake, PlainSplitAtEveryByteGivesTheSameBytes) {
    Bytes c1(1536, 0x42);
    const Bytes input = Concat({{0x03}, c1, Bytes(1536, 0x24), {0x02, 0x00}});
    Feeder whole;
    whole.Feed(input);
    test::ForEachSplit(input, [&](const std::vector<std::span<const uint8_t>>& parts) {
        Feeder f;
        for (auto p : parts) {
            if (f.last == base::ParseStatus::kMessage) break;
            f.Feed(p);
        }
        ASSERT_EQ(f.last, base::ParseStatus::kMessage);
        EXPECT_EQ(f.consumed_total, 3073u);
        EXPECT_EQ(f.out, whole.out);
    });
    // Byte at a time.
    Feeder f;
    for (auto p : test::OneByteChunks(input)) {
        if (f.last == base::ParseStatus::kMessage) break;
        f.Feed(p);
    }
    EXPECT_EQ(f.consumed_total, 3073u);
    EXPECT_EQ(f.out, whole.out);
}

TEST(ServerHandshake, RejectsOtherVersionsOnTheFirstByte) {
    for (int v : {0, 6, int{'G'}, 0xFF}) {
        ServerHandshake hs(Counter(), 0);
        Bytes out;
        size_t consumed = 0;
        const Bytes c0{static_cast<uint8_t>(v)};
        EXPECT_EQ(hs.Feed(c0, consumed, out), base::ParseStatus::kError);
        EXPECT_TRUE(out.empty());
        EXPECT_EQ(hs.error().code, base::ErrorCode::kUnsupported);
        // Stays failed.
        EXPECT_EQ(hs.Feed(Bytes{3}, consumed, out), base::ParseStatus::kError);
    }
}

TEST(ServerHandshake, DoneConsumesNothingMore) {
    Feeder f;
    f.Feed(Concat({{0x03}, Bytes(3072, 0)}));
    ASSERT_EQ(f.last, base::ParseStatus::kMessage);
    size_t consumed = 7;
    Bytes out;
    EXPECT_EQ(f.hs.Feed(Bytes{1, 2, 3}, consumed, out), base::ParseStatus::kMessage);
    EXPECT_EQ(consumed, 0u);
    EXPECT_TRUE(out.empty());
}

// Runs a client against a server through byte vectors.
void RunPair(bool digest) {
    ClientHandshake client(Counter(9), 1000, digest);
    ServerHandshake server(Counter(77), 2000);
    Bytes to_server = client.Start();
    ASSERT_EQ(to_server.size(), 1537u);
    Bytes to_client;
    size_t consumed = 0;
    EXPECT_EQ(server.Feed(to_server, consumed, to_client), base::ParseStatus::kNeedMore);
    EXPECT_EQ(server.digest(), digest);
    Bytes c2;
    EXPECT_EQ(client.Feed(to_client, consumed, c2), base::ParseStatus::kMessage);
    EXPECT_EQ(consumed, 3073u);
    EXPECT_EQ(client.server_verified(), digest);
    ASSERT_EQ(c2.size(), 1536u);
    Bytes none;
    EXPECT_EQ(server.Feed(c2, consumed, none), base::ParseStatus::kMessage);
    EXPECT_TRUE(none.empty());
}

TEST(ClientHandshake, PlainAgainstOurServer) { RunPair(false); }
TEST(ClientHandshake, DigestAgainstOurServer) { RunPair(true); }

TEST(ClientHandshake, PlainC2EchoesS1AndRejectsBadS0) {
    ClientHandshake client(Counter(), 0);
    const Bytes c0c1 = client.Start();
    EXPECT_EQ(c0c1[0], 3);
    EXPECT_EQ((Bytes{c0c1[5], c0c1[6], c0c1[7], c0c1[8]}), (Bytes{0, 0, 0, 0}));
    Bytes s1(1536, 0x5A);
    Bytes c2;
    size_t consumed = 0;
    EXPECT_EQ(client.Feed(Concat({{0x03}, s1}), consumed, c2), base::ParseStatus::kNeedMore);
    EXPECT_EQ(c2, s1);

    ClientHandshake bad(Counter(), 0);
    (void)bad.Start();
    EXPECT_EQ(bad.Feed(Bytes{6}, consumed, c2), base::ParseStatus::kError);
}

}  // namespace
}  // namespace onair::proto::rtmp
