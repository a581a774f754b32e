// SPDX-License-Identifier: Apache-2.0
// onair-record-bench: media record encode and decode throughput
// (docs/MEDIA_RECORDS.md) for a typical video packet (20 KB) and a typical
// AAC frame (400 bytes). Records/s is items_per_second; MB/s is
// bytes_per_second, counted on the encoded record.
#include <benchmark/benchmark.h>

#include <vector>

#include "onair/format/record/media_record.h"

namespace {

using onair::base::SharedBuffer;
using onair::format::record::MediaRecord;
using onair::format::record::RecordType;
namespace media = onair::media;

MediaRecord Packet(media::TrackKind kind, size_t payload_bytes) {
    MediaRecord r;
    r.type = RecordType::kPacket;
    r.sequence = 123456;
    r.wallclock_ms = 1733212800000;
    r.broadcast_id = "br_0123456789abcdef";
    r.channel = "news-main";
    r.packet.kind = kind;
    r.packet.codec = kind == media::TrackKind::kVideo ? media::Codec::kH264 : media::Codec::kAac;
    r.packet.dts = 900000;
    r.packet.pts = 903000;
    r.packet.payload = SharedBuffer::Adopt(std::vector<uint8_t>(payload_bytes, 0x5A));
    return r;
}

MediaRecord VideoPacket() { return Packet(media::TrackKind::kVideo, 20 * 1024); }
MediaRecord AudioPacket() { return Packet(media::TrackKind::kAudio, 400); }

void Encode(benchmark::State& state, const MediaRecord& record) {
    std::vector<uint8_t> out;
    for (auto _ : state) {
        out.clear();  // the producer's buffer, reused
        onair::format::record::AppendEncoded(record, out);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(out.size()));
}

void Decode(benchmark::State& state, const MediaRecord& record) {
    std::vector<uint8_t> bytes;
    onair::format::record::AppendEncoded(record, bytes);
    const SharedBuffer value = SharedBuffer::Adopt(std::move(bytes));
    for (auto _ : state) {
        auto decoded = onair::format::record::DecodeMediaRecord(value);
        if (!decoded.ok()) state.SkipWithError(decoded.error().message.c_str());
        benchmark::DoNotOptimize(decoded);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(value.size()));
}

BENCHMARK_CAPTURE(Encode, video_20KB, VideoPacket());
BENCHMARK_CAPTURE(Encode, audio_400B, AudioPacket());
BENCHMARK_CAPTURE(Decode, video_20KB, VideoPacket());
BENCHMARK_CAPTURE(Decode, audio_400B, AudioPacket());

}  // namespace

BENCHMARK_MAIN();
