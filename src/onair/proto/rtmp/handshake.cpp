// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/handshake.h"

#include <algorithm>
#include <string>

#include "onair/base/byte_reader.h"

namespace onair::proto::rtmp {

namespace {

constexpr size_t kC0C1Size = 1 + kHandshakeSize;
// Version field of S1 in the digest handshake, as nginx-rtmp sends it.
constexpr uint8_t kServerVersion[4] = {0x0D, 0x0E, 0x0A, 0x0D};
// Version field of C1 in the digest handshake, as ffmpeg sends it (9.0.124.2).
constexpr uint8_t kClientVersion[4] = {0x09, 0x00, 0x7C, 0x02};

// Appends up to `want - have.size()` bytes of `in` to `have`.
size_t Take(std::span<const uint8_t> in, size_t want, std::vector<uint8_t>& have) {
    const size_t n = std::min(in.size(), want - have.size());
    have.insert(have.end(), in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n));
    return n;
}

base::Error BadVersion(uint8_t version) {
    return base::MakeError(base::ErrorCode::kUnsupported,
                           "rtmp handshake: version " + std::to_string(version) +
                               (version == 6 ? " (RTMPE encryption) is not supported" : " is not supported"));
}

// time (4) + version (4) + random (1528): C1/S1 layout (RTMP spec §5.2.3).
std::vector<uint8_t> RandomPacket(const RandomSource& random, uint32_t epoch, const uint8_t (&version)[4]) {
    std::vector<uint8_t> p(kHandshakeSize);
    random(std::span(p).subspan(8));
    p[0] = static_cast<uint8_t>(epoch >> 24);
    p[1] = static_cast<uint8_t>(epoch >> 16);
    p[2] = static_cast<uint8_t>(epoch >> 8);
    p[3] = static_cast<uint8_t>(epoch);
    std::copy(std::begin(version), std::end(version), p.begin() + 4);
    return p;
}

constexpr uint8_t kZeroVersion[4] = {0, 0, 0, 0};

ConstHandshakePacket AsPacket(std::span<const uint8_t> bytes) { return bytes.first<kHandshakeSize>(); }
HandshakePacket AsPacket(std::span<uint8_t> bytes) { return bytes.first<kHandshakeSize>(); }

Digest DigestAt(ConstHandshakePacket packet, DigestScheme scheme) {
    Digest d{};
    const size_t offset = DigestOffset(packet, scheme);
    std::copy_n(packet.begin() + static_cast<std::ptrdiff_t>(offset), kDigestSize, d.begin());
    return d;
}

}  // namespace

ServerHandshake::ServerHandshake(RandomSource random, uint32_t epoch) : random_(std::move(random)), epoch_(epoch) {
    buffer_.reserve(kC0C1Size);
}

base::ParseStatus ServerHandshake::Feed(std::span<const uint8_t> in, size_t& consumed, std::vector<uint8_t>& out) {
    consumed = 0;
    if (state_ == State::kC0C1) {
        consumed += Take(in, kC0C1Size, buffer_);
        // Check C0 at once: an RTMPE or HTTP client gets a fast answer.
        if (!buffer_.empty() && buffer_[0] != kRtmpVersion) {
            error_ = BadVersion(buffer_[0]);
            state_ = State::kError;
            return base::ParseStatus::kError;
        }
        if (buffer_.size() < kC0C1Size) return base::ParseStatus::kNeedMore;
        Respond(out);
        state_ = State::kC2;
    }
    if (state_ == State::kC2) {
        const size_t n = std::min(in.size() - consumed, kHandshakeSize - c2_received_);
        c2_received_ += n;
        consumed += n;
        if (c2_received_ < kHandshakeSize) return base::ParseStatus::kNeedMore;
        state_ = State::kDone;
    }
    return state_ == State::kDone ? base::ParseStatus::kMessage : base::ParseStatus::kError;
}

void ServerHandshake::Respond(std::vector<uint8_t>& out) {
    const auto c1 = AsPacket(std::span<const uint8_t>(buffer_).subspan(1));
    // A zero version field means a plain (RTMP 1.0) client; otherwise look
    // for the Flash Player digest.
    std::optional<DigestScheme> scheme;
    if (c1[4] != 0 || c1[5] != 0 || c1[6] != 0 || c1[7] != 0) scheme = FindDigest(c1, ClientPartialKey());
    digest_ = scheme.has_value();

    out.push_back(kRtmpVersion);  // S0
    std::vector<uint8_t> s1 = RandomPacket(random_, epoch_, digest_ ? kServerVersion : kZeroVersion);
    if (!digest_) {
        out.insert(out.end(), s1.begin(), s1.end());
        out.insert(out.end(), c1.begin(), c1.end());  // S2 echoes C1 (§5.2.4)
        buffer_.clear();
        return;
    }
    // S1 signed with the server key in the client's scheme; S2 signed with a
    // key derived from the client's digest.
    ImprintDigest(AsPacket(std::span(s1)), *scheme, ServerPartialKey());
    out.insert(out.end(), s1.begin(), s1.end());
    std::vector<uint8_t> s2(kHandshakeSize);
    random_(std::span(s2).first(kHandshakeSize - kDigestSize));
    SignResponse(AsPacket(std::span(s2)), ServerKey(), DigestAt(c1, *scheme));
    out.insert(out.end(), s2.begin(), s2.end());
    buffer_.clear();
}

ClientHandshake::ClientHandshake(RandomSource random, uint32_t epoch, bool digest)
    : random_(std::move(random)), epoch_(epoch), digest_(digest) {}

std::vector<uint8_t> ClientHandshake::Start() {
    c1_ = RandomPacket(random_, epoch_, digest_ ? kClientVersion : kZeroVersion);
    if (digest_) ImprintDigest(AsPacket(std::span(c1_)), DigestScheme::kScheme0, ClientPartialKey());
    std::vector<uint8_t> out;
    out.reserve(kC0C1Size);
    out.push_back(kRtmpVersion);
    out.insert(out.end(), c1_.begin(), c1_.end());
    return out;
}

base::ParseStatus ClientHandshake::Feed(std::span<const uint8_t> in, size_t& consumed, std::vector<uint8_t>& out) {
    consumed = 0;
    if (state_ == State::kS0S1) {
        consumed += Take(in, kC0C1Size, buffer_);
        if (!buffer_.empty() && buffer_[0] != kRtmpVersion) {
            error_ = BadVersion(buffer_[0]);
            state_ = State::kError;
            return base::ParseStatus::kError;
        }
        if (buffer_.size() < kC0C1Size) return base::ParseStatus::kNeedMore;
        const auto s1 = AsPacket(std::span<const uint8_t>(buffer_).subspan(1));
        std::vector<uint8_t> c2(s1.begin(), s1.end());  // plain: C2 echoes S1
        if (digest_) {
            if (auto scheme = FindDigest(s1, ServerPartialKey())) {
                s1_verified_ = true;
                server_digest_ = DigestAt(s1, *scheme);
                random_(std::span(c2).first(kHandshakeSize - kDigestSize));
                SignResponse(AsPacket(std::span(c2)), ClientKey(), server_digest_);
            }
        }
        out.insert(out.end(), c2.begin(), c2.end());
        buffer_.clear();
        state_ = State::kS2;
    }
    if (state_ == State::kS2) {
        consumed += Take(in.subspan(consumed), kHandshakeSize, buffer_);
        if (buffer_.size() < kHandshakeSize) return base::ParseStatus::kNeedMore;
        if (digest_ && s1_verified_ && c1_.size() == kHandshakeSize) {
            const Digest client_digest = DigestAt(AsPacket(std::span<const uint8_t>(c1_)), DigestScheme::kScheme0);
            server_verified_ = VerifyResponse(AsPacket(std::span<const uint8_t>(buffer_)), ServerKey(), client_digest);
        }
        buffer_.clear();
        state_ = State::kDone;
    }
    return state_ == State::kDone ? base::ParseStatus::kMessage : base::ParseStatus::kError;
}

}  // namespace onair::proto::rtmp
