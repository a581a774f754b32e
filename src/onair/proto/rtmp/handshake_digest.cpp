// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/handshake_digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace onair::proto::rtmp {

namespace {

// The 32 bytes appended to both text keys.
constexpr uint8_t kKeyTail[32] = {0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0,
                                  0xD1, 0x02, 0x9E, 0x7E, 0x57, 0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80,
                                  0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE};
constexpr char kClientText[] = "Genuine Adobe Flash Player 001";
constexpr char kServerText[] = "Genuine Adobe Flash Media Server 001";
constexpr size_t kClientTextSize = sizeof(kClientText) - 1;  // 30
constexpr size_t kServerTextSize = sizeof(kServerText) - 1;  // 36

template <size_t N>
constexpr std::array<uint8_t, N + 32> MakeKey(const char (&text)[N + 1]) {
    std::array<uint8_t, N + 32> key{};
    for (size_t i = 0; i < N; ++i) key[i] = static_cast<uint8_t>(text[i]);
    for (size_t i = 0; i < 32; ++i) key[N + i] = kKeyTail[i];
    return key;
}

constexpr auto kClientKey = MakeKey<kClientTextSize>(kClientText);
constexpr auto kServerKey = MakeKey<kServerTextSize>(kServerText);

constexpr size_t kBlockSize = 764;  // each half of C1 after time+version
constexpr size_t kOffsetModulo = 728;  // 764 - 32 digest - 4 offset bytes

constexpr size_t kResponseSignedSize = kHandshakeSize - kDigestSize;  // 1504

}  // namespace

std::span<const uint8_t> ClientKey() { return kClientKey; }
std::span<const uint8_t> ServerKey() { return kServerKey; }
std::span<const uint8_t> ClientPartialKey() { return std::span(kClientKey).first(kClientTextSize); }
std::span<const uint8_t> ServerPartialKey() { return std::span(kServerKey).first(kServerTextSize); }

Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data) {
    Digest out{};
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len);
    return out;
}

size_t DigestOffset(ConstHandshakePacket packet, DigestScheme scheme) {
    // Bytes 0..7 are time and version; the scheme's block starts at `base`
    // with four bytes whose sum picks the digest position inside the block.
    const size_t base = scheme == DigestScheme::kScheme0 ? 8 : 8 + kBlockSize;
    const size_t sum = size_t{packet[base]} + packet[base + 1] + packet[base + 2] + packet[base + 3];
    return base + 4 + sum % kOffsetModulo;
}

Digest PacketDigest(ConstHandshakePacket packet, size_t offset, std::span<const uint8_t> key) {
    std::vector<uint8_t> signed_part;
    signed_part.reserve(kHandshakeSize - kDigestSize);
    signed_part.insert(signed_part.end(), packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(offset));
    signed_part.insert(signed_part.end(), packet.begin() + static_cast<std::ptrdiff_t>(offset + kDigestSize),
                       packet.end());
    return HmacSha256(key, signed_part);
}

void ImprintDigest(HandshakePacket packet, DigestScheme scheme, std::span<const uint8_t> key) {
    const size_t offset = DigestOffset(packet, scheme);
    const Digest d = PacketDigest(packet, offset, key);
    std::copy(d.begin(), d.end(), packet.begin() + static_cast<std::ptrdiff_t>(offset));
}

bool VerifyDigest(ConstHandshakePacket packet, DigestScheme scheme, std::span<const uint8_t> key) {
    const size_t offset = DigestOffset(packet, scheme);
    const Digest d = PacketDigest(packet, offset, key);
    return std::equal(d.begin(), d.end(), packet.begin() + static_cast<std::ptrdiff_t>(offset));
}

std::optional<DigestScheme> FindDigest(ConstHandshakePacket packet, std::span<const uint8_t> key) {
    if (VerifyDigest(packet, DigestScheme::kScheme1, key)) return DigestScheme::kScheme1;
    if (VerifyDigest(packet, DigestScheme::kScheme0, key)) return DigestScheme::kScheme0;
    return std::nullopt;
}

void SignResponse(HandshakePacket packet, std::span<const uint8_t> key, const Digest& peer_digest) {
    const Digest response_key = HmacSha256(key, peer_digest);
    const Digest d = HmacSha256(response_key, packet.first(kResponseSignedSize));
    std::copy(d.begin(), d.end(), packet.begin() + kResponseSignedSize);
}

bool VerifyResponse(ConstHandshakePacket packet, std::span<const uint8_t> key, const Digest& peer_digest) {
    const Digest response_key = HmacSha256(key, peer_digest);
    const Digest d = HmacSha256(response_key, packet.first(kResponseSignedSize));
    return std::equal(d.begin(), d.end(), packet.begin() + kResponseSignedSize);
}

}  // namespace onair::proto::rtmp
