// SPDX-License-Identifier: Apache-2.0
// Feeds arbitrary bytes to a ChunkReader in pieces (the first byte picks
// their size), then re-chunks every message with a ChunkWriter and checks
// a second reader gets the same messages back.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "onair/proto/rtmp/chunk_reader.h"
#include "onair/proto/rtmp/chunk_writer.h"

using namespace onair;
using namespace onair::proto::rtmp;

namespace {

std::vector<Message> ReadAll(std::span<const uint8_t> in, size_t piece, const ChunkReader::Limits& limits) {
    ChunkReader reader(limits);
    std::vector<Message> out;
    while (!in.empty()) {
        auto part = in.first(std::min(piece, in.size()));
        size_t consumed = 0;
        const auto status = reader.Feed(part, consumed);
        if (consumed > part.size()) std::abort();
        in = in.subspan(consumed);
        if (status == base::ParseStatus::kError) break;
        if (status == base::ParseStatus::kNeedMore && consumed != part.size()) std::abort();
        if (status == base::ParseStatus::kMessage) {
            out.push_back(reader.TakeMessage());
            if (out.back().payload.size() > limits.max_message_size) std::abort();
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const size_t piece = size_t{data[0]} % 64 + 1;
    ChunkReader::Limits limits;
    limits.max_message_size = 1 << 16;
    limits.max_chunk_streams = 8;
    const auto messages = ReadAll(std::span<const uint8_t>(data + 1, size - 1), piece, limits);

    ChunkWriter writer;
    base::OutBuffers out;
    for (const auto& m : messages) {
        if (!writer.Write(m.csid, m.type, m.timestamp, m.stream_id, std::span(&m.payload, 1), out)) std::abort();
        if (m.type == kSetChunkSize) {
            const auto p = m.payload.span();
            const uint32_t v = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
            writer.SetChunkSize(v);
        }
    }
    const auto bytes = out.Flatten();
    const auto again = ReadAll(bytes, bytes.size() + 1, limits);
    if (again.size() != messages.size()) std::abort();
    for (size_t i = 0; i < messages.size(); ++i) {
        const auto& a = messages[i];
        const auto& b = again[i];
        if (a.type != b.type || a.timestamp != b.timestamp || a.stream_id != b.stream_id || a.csid != b.csid ||
            a.payload.view() != b.payload.view()) {
            std::abort();
        }
    }
    return 0;
}
