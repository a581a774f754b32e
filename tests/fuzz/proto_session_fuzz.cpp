// SPDX-License-Identifier: Apache-2.0
// Runs a handshake, then feeds arbitrary chunk-stream bytes to a
// ServerSession in pieces (the first byte picks their size), answering
// publish/play like a server would. Every reply must be a valid chunk
// stream for a client's ChunkReader.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "onair/proto/rtmp/chunk_reader.h"
#include "onair/proto/rtmp/handshake.h"
#include "onair/proto/rtmp/server_session.h"

using namespace onair;
using namespace onair::proto::rtmp;

namespace {

void Fill(std::span<uint8_t> out) { std::fill(out.begin(), out.end(), uint8_t{0x33}); }

void Handshake() {
    ServerHandshake hs(Fill, 0);
    std::vector<uint8_t> c0c1c2(1 + 2 * 1536, 0);
    c0c1c2[0] = 3;
    std::vector<uint8_t> out;
    size_t consumed = 0;
    if (hs.Feed(c0c1c2, consumed, out) != base::ParseStatus::kMessage || out.size() != 3073) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    Handshake();
    const size_t piece = size_t{data[0]} * 7 + 1;
    const bool accept = (data[0] & 1) != 0;
    std::span<const uint8_t> in(data + 1, size - 1);

    SessionLimits limits;
    limits.chunk.max_message_size = 1 << 16;
    limits.chunk.max_chunk_streams = 8;
    limits.amf.max_items = 256;
    limits.window_ack_size = 512;  // exercise acknowledgements
    ServerSession session(limits);
    ChunkReader client;  // reads what the server sends back
    base::OutBuffers out;
    std::vector<SessionEvent> events;
    const auto media = base::SharedBuffer::Copy(std::vector<uint8_t>(300, 0x17));

    while (!in.empty()) {
        const auto part = in.first(std::min(piece, in.size()));
        in = in.subspan(part.size());
        events.clear();
        const auto st = session.Feed(part, events, out);
        for (const auto& e : events) {
            if (const auto* p = std::get_if<SessionEvent::Publish>(&e.value)) {
                if (accept) session.AcceptPublish(p->stream_id, out);
                else session.RejectPublish(p->stream_id, "NetStream.Publish.BadName", "refused", out);
            } else if (const auto* pl = std::get_if<SessionEvent::Play>(&e.value)) {
                session.AcceptPlay(pl->stream_id, out);
                session.SendMedia(pl->stream_id, kVideo, 0, std::span(&media, 1), out);
                session.SendUnpublishNotify(pl->stream_id, out);
            }
        }
        const auto bytes = out.Flatten();
        out.Clear();
        std::span<const uint8_t> reply(bytes);
        while (!reply.empty()) {
            size_t consumed = 0;
            const auto rs = client.Feed(reply, consumed);
            if (rs == base::ParseStatus::kError) std::abort();  // we wrote an invalid chunk stream
            reply = reply.subspan(consumed);
            if (rs == base::ParseStatus::kMessage) (void)client.TakeMessage();
            else break;
        }
        if (!st.ok()) break;
    }
    return 0;
}
