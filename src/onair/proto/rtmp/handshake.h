// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "onair/base/parse_status.h"
#include "onair/base/result.h"
#include "onair/proto/rtmp/handshake_digest.h"

namespace onair::proto::rtmp {

/// Fills the span with random bytes (the layer is pure: the caller owns the RNG).
using RandomSource = std::function<void(std::span<uint8_t>)>;

inline constexpr uint8_t kRtmpVersion = 3;  // C0/S0 (RTMP spec §5.2.2); 6 would be RTMPE

/// Server side of the RTMP handshake (RTMP spec §5.2), sans I/O.
///
/// Feed C0+C1 and then C2 in any pieces. As soon as C0C1 is complete, S0+S1+S2
/// are appended to `out`: the digest handshake when C1 carries a valid
/// Flash Player digest (scheme 0 or 1), the plain one otherwise. Returns
/// kMessage once C2 is complete (bytes after C2 are not consumed: they are
/// the first chunks), kError on a version other than 3 (then error()).
/// C2's content is not checked, as in nginx-rtmp and SRS: Flash and ffmpeg
/// sign it, librtmp echoes S1, others send anything.
class ServerHandshake {
public:
    /// @param epoch the time field of S1 (milliseconds, any base).
    ServerHandshake(RandomSource random, uint32_t epoch);

    base::ParseStatus Feed(std::span<const uint8_t> in, size_t& consumed, std::vector<uint8_t>& out);

    /// True when the digest handshake was answered (known after C1).
    bool digest() const { return digest_; }
    const base::Error& error() const { return error_; }

private:
    enum class State { kC0C1, kC2, kDone, kError };
    void Respond(std::vector<uint8_t>& out);

    RandomSource random_;
    uint32_t epoch_;
    State state_ = State::kC0C1;
    std::vector<uint8_t> buffer_;  // C0C1 while reading it, then only a count for C2
    size_t c2_received_ = 0;
    bool digest_ = false;
    base::Error error_;
};

/// Client side of the handshake (load-test tool, tests). Plain by default;
/// with `digest` it signs C1 as ffmpeg does (scheme 0, version 9.0.124.2)
/// and answers S1 with a signed C2.
class ClientHandshake {
public:
    ClientHandshake(RandomSource random, uint32_t epoch, bool digest = false);

    /// C0 + C1, to send first.
    std::vector<uint8_t> Start();

    /// Consumes S0, S1, S2; appends C2 to `out` once S1 is complete. Returns
    /// kMessage when S2 is complete (bytes after it are not consumed).
    base::ParseStatus Feed(std::span<const uint8_t> in, size_t& consumed, std::vector<uint8_t>& out);

    /// Digest mode: whether S1 and S2 carried valid server digests.
    bool server_verified() const { return server_verified_; }
    const base::Error& error() const { return error_; }

private:
    enum class State { kS0S1, kS2, kDone, kError };

    RandomSource random_;
    uint32_t epoch_;
    bool digest_;
    State state_ = State::kS0S1;
    std::vector<uint8_t> c1_;
    std::vector<uint8_t> buffer_;
    Digest server_digest_{};
    bool s1_verified_ = false;
    bool server_verified_ = false;
    base::Error error_;
};

}  // namespace onair::proto::rtmp
