// SPDX-License-Identifier: Apache-2.0
// Feeds arbitrary bytes to the server handshake (in pieces whose size the
// first byte picks) and the rest to a client handshake; checks the
// invariants of Feed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "onair/proto/rtmp/handshake.h"

namespace {

void Fill(std::span<uint8_t> out) {
    uint8_t x = 0x5A;
    for (auto& b : out) b = x++;
}

template <typename Handshake>
void Drive(Handshake& hs, std::span<const uint8_t> in, size_t piece) {
    std::vector<uint8_t> out;
    while (!in.empty()) {
        auto part = in.first(std::min(piece, in.size()));
        size_t consumed = 0;
        const auto status = hs.Feed(part, consumed, out);
        if (consumed > part.size()) std::abort();
        in = in.subspan(consumed);
        if (status != onair::base::ParseStatus::kNeedMore) break;
        if (consumed != part.size()) std::abort();  // need-more must take everything
    }
    // Server: S0S1S2 or nothing. Client: C2 or nothing.
    if (!out.empty() && out.size() != 3073 && out.size() != 1536) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const size_t piece = size_t{data[0]} * 13 + 1;
    std::span<const uint8_t> in(data + 1, size - 1);
    onair::proto::rtmp::ServerHandshake server(Fill, 42);
    Drive(server, in, piece);
    onair::proto::rtmp::ClientHandshake client(Fill, 42, (data[0] & 1) != 0);
    (void)client.Start();
    Drive(client, in, piece);
    return 0;
}
