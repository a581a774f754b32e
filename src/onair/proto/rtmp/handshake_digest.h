// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace onair::proto::rtmp {

/// The "complex" (digest) RTMP handshake that Flash Player, FMS, ffmpeg,
/// nginx-rtmp and SRS use: not in the RTMP 1.0 spec, documented by its
/// implementations. A 32-byte HMAC-SHA256 digest hides inside C1/S1 at an
/// offset derived from four bytes of the packet itself.

inline constexpr size_t kHandshakeSize = 1536;  // C1, S1, C2, S2 (RTMP spec §5.2.3)
inline constexpr size_t kDigestSize = 32;
using Digest = std::array<uint8_t, kDigestSize>;
using HandshakePacket = std::span<uint8_t, kHandshakeSize>;
using ConstHandshakePacket = std::span<const uint8_t, kHandshakeSize>;

/// Where the digest sits. Scheme 0 (Flash 9, ffmpeg's default): the digest
/// block is bytes 8..771 and the offset comes from bytes 8..11. Scheme 1
/// (Flash 10+): block 772..1535, offset from bytes 772..775.
enum class DigestScheme : uint8_t { kScheme0 = 0, kScheme1 = 1 };

/// "Genuine Adobe Flash Player 001" + 32 constant bytes (62 bytes).
std::span<const uint8_t> ClientKey();
/// "Genuine Adobe Flash Media Server 001" + 32 constant bytes (68 bytes).
std::span<const uint8_t> ServerKey();
/// The text-only prefixes (30 and 36 bytes) used to sign C1 and S1.
std::span<const uint8_t> ClientPartialKey();
std::span<const uint8_t> ServerPartialKey();

Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data);

/// Offset of the digest in a C1/S1 packet (without the leading version byte).
size_t DigestOffset(ConstHandshakePacket packet, DigestScheme scheme);

/// HMAC-SHA256 of the packet with the 32 digest bytes at `offset` left out.
Digest PacketDigest(ConstHandshakePacket packet, size_t offset, std::span<const uint8_t> key);

/// Writes the digest for `scheme` into the packet, signed with `key`.
void ImprintDigest(HandshakePacket packet, DigestScheme scheme, std::span<const uint8_t> key);

/// Checks the digest under `scheme`.
bool VerifyDigest(ConstHandshakePacket packet, DigestScheme scheme, std::span<const uint8_t> key);

/// Which scheme, if any, carries a valid digest signed with `key`. Tries
/// scheme 1 first, then scheme 0, as nginx-rtmp does.
std::optional<DigestScheme> FindDigest(ConstHandshakePacket packet, std::span<const uint8_t> key);

/// The digest response packet (S2 or C2): random bytes whose last 32 bytes
/// are HMAC(HMAC(key, peer_digest), first 1504 bytes). `packet` holds the
/// random bytes on entry.
void SignResponse(HandshakePacket packet, std::span<const uint8_t> key, const Digest& peer_digest);
bool VerifyResponse(ConstHandshakePacket packet, std::span<const uint8_t> key, const Digest& peer_digest);

}  // namespace onair::proto::rtmp
