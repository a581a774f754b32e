// SPDX-License-Identifier: Apache-2.0
// Parses arbitrary bytes as a media playlist; whatever parses must write
// out, parse again, and write out the same text (the writer normalises
// once: EXTINF to milliseconds, dates to UTC). The LL-HLS tags (parts,
// the open segment, preload hints, rendition reports, EXT-X-SKIP) come back
// exactly: their durations are written to the tick.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "onair/format/hls/media_playlist.h"
#include "onair/format/hls/media_playlist_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace onair::format::hls;
    MediaPlaylistLimits limits;
    limits.max_bytes = 64 * 1024;
    limits.max_segments = 500;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto first = ReadMediaPlaylist(text, limits);
    if (!first.ok()) return 0;
    const std::string written = WriteMediaPlaylist(*first);
    MediaPlaylistLimits relaxed;  // the written form may be longer
    relaxed.max_bytes = 16u << 20;
    relaxed.max_segments = limits.max_segments;
    auto second = ReadMediaPlaylist(written, relaxed);
    if (!second.ok()) std::abort();
    if (second->segments.size() != first->segments.size()) std::abort();
    for (size_t i = 0; i < first->segments.size(); ++i)
        if (second->segments[i].parts != first->segments[i].parts) std::abort();
    if (second->open_segment != first->open_segment || second->preload_hints != first->preload_hints ||
        second->rendition_reports != first->rendition_reports || second->skipped_segments != first->skipped_segments ||
        second->server_control != first->server_control || second->part_target != first->part_target)
        std::abort();
    if (WriteMediaPlaylist(*second) != written) std::abort();
    return 0;
}
