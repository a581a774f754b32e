// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mp4/movie_writer.h"

#include <algorithm>
#include <limits>

#include "onair/format/mp4/box_writer.h"
#include "onair/format/mp4/movie_boxes.h"

namespace onair::format::mp4 {
namespace {

// Duration in the movie timescale, rounded to the nearest.
uint64_t ToMovieTime(uint64_t t, uint32_t timescale) {
    if (timescale == 0) return 0;
    return t / timescale * kMovieTimescale + (t % timescale * kMovieTimescale + timescale / 2) / timescale;
}

uint64_t MediaDuration(const MovieTrack& t) {
    uint64_t d = 0;
    for (const auto& s : t.samples) d += s.duration;
    return d;
}

// The earliest composition time (decode time + offset) of the track.
int64_t EarliestPresentation(const MovieTrack& t) {
    int64_t dts = 0;
    int64_t earliest = std::numeric_limits<int64_t>::max();
    for (const auto& s : t.samples) {
        earliest = std::min(earliest, dts + s.composition_offset);
        dts += s.duration;
    }
    return t.samples.empty() ? 0 : earliest;
}

template <typename T, typename Fn>
void RunLengths(const std::vector<Sample>& samples, Fn&& value, std::vector<std::pair<uint32_t, T>>& runs) {
    for (const auto& s : samples) {
        const T v = value(s);
        if (!runs.empty() && runs.back().second == v) ++runs.back().first;
        else runs.emplace_back(1, v);
    }
}

void WriteStts(BoxWriter& w, const MovieTrack& t) {
    std::vector<std::pair<uint32_t, uint32_t>> runs;
    RunLengths<uint32_t>(t.samples, [](const Sample& s) { return s.duration; }, runs);
    const size_t at = w.BeginFull(Fourcc("stts"), 0, 0);
    w.U32(static_cast<uint32_t>(runs.size()));
    for (const auto& [count, delta] : runs) {
        w.U32(count);
        w.U32(delta);
    }
    w.End(at);
}

void WriteCtts(BoxWriter& w, const MovieTrack& t) {
    const bool any = std::any_of(t.samples.begin(), t.samples.end(), [](const Sample& s) { return s.composition_offset != 0; });
    if (!any) return;
    const bool negative = std::any_of(t.samples.begin(), t.samples.end(), [](const Sample& s) { return s.composition_offset < 0; });
    std::vector<std::pair<uint32_t, int32_t>> runs;
    RunLengths<int32_t>(t.samples, [](const Sample& s) { return s.composition_offset; }, runs);
    const size_t at = w.BeginFull(Fourcc("ctts"), negative ? 1 : 0, 0);
    w.U32(static_cast<uint32_t>(runs.size()));
    for (const auto& [count, offset] : runs) {
        w.U32(count);
        w.U32(static_cast<uint32_t>(offset));
    }
    w.End(at);
}

void WriteStss(BoxWriter& w, const MovieTrack& t) {
    std::vector<uint32_t> sync;
    for (size_t i = 0; i < t.samples.size(); ++i) {
        if (t.samples[i].sync) sync.push_back(static_cast<uint32_t>(i + 1));
    }
    const size_t at = w.BeginFull(Fourcc("stss"), 0, 0);
    w.U32(static_cast<uint32_t>(sync.size()));
    for (uint32_t n : sync) w.U32(n);
    w.End(at);
}

void WriteStsc(BoxWriter& w, const MovieTrack& t) {
    struct Entry {
        uint32_t first_chunk, samples_per_chunk, description;
    };
    std::vector<Entry> entries;
    for (size_t i = 0; i < t.chunks.size(); ++i) {
        const auto& c = t.chunks[i];
        if (!entries.empty() && entries.back().samples_per_chunk == c.sample_count &&
            entries.back().description == c.description_index) {
            continue;
        }
        entries.push_back({static_cast<uint32_t>(i + 1), c.sample_count, c.description_index});
    }
    const size_t at = w.BeginFull(Fourcc("stsc"), 0, 0);
    w.U32(static_cast<uint32_t>(entries.size()));
    for (const auto& e : entries) {
        w.U32(e.first_chunk);
        w.U32(e.samples_per_chunk);
        w.U32(e.description);
    }
    w.End(at);
}

void WriteStsz(BoxWriter& w, const MovieTrack& t) {
    const size_t at = w.BeginFull(Fourcc("stsz"), 0, 0);
    w.U32(0);  // sizes differ: one entry per sample
    w.U32(static_cast<uint32_t>(t.samples.size()));
    for (const auto& s : t.samples) w.U32(s.size);
    w.End(at);
}

void WriteChunkOffsets(BoxWriter& w, const MovieTrack& t, uint64_t mdat_payload_start, bool co64) {
    const size_t at = w.BeginFull(Fourcc(co64 ? "co64" : "stco"), 0, 0);
    w.U32(static_cast<uint32_t>(t.chunks.size()));
    for (const auto& c : t.chunks) {
        const uint64_t offset = mdat_payload_start + c.offset_in_mdat;
        if (co64) w.U64(offset);
        else w.U32(static_cast<uint32_t>(offset));
    }
    w.End(at);
}

// ftyp + moov, with chunk offsets counted from `mdat_payload_start`.
std::vector<uint8_t> WriteHeader(std::span<const MovieTrack> tracks, uint64_t mdat_payload_start, bool co64) {
    std::vector<uint8_t> out;
    BoxWriter w(out);
    WriteFtyp(w, Brand::kProgressive);
    const size_t moov = w.Begin(Fourcc("moov"));
    uint64_t movie_duration = 0;
    uint32_t max_id = 0;
    std::vector<TrakParams> params;
    for (const auto& t : tracks) {
        TrakParams p;
        p.id = t.id;
        p.timescale = t.timescale;
        p.media_duration = MediaDuration(t);
        const uint64_t shown = ToMovieTime(p.media_duration, t.timescale);
        const uint64_t delay = ToMovieTime(t.start_offset, t.timescale);
        if (delay > 0) p.edits.push_back({delay, -1});
        const int64_t earliest = EarliestPresentation(t);
        if (earliest != 0 || delay > 0) p.edits.push_back({shown, earliest});
        p.track_duration = delay + shown;
        movie_duration = std::max(movie_duration, p.track_duration);
        max_id = std::max(max_id, t.id);
        params.push_back(std::move(p));
    }
    WriteMvhd(w, movie_duration, max_id + 1);
    for (size_t i = 0; i < tracks.size(); ++i) {
        const MovieTrack& t = tracks[i];
        const bool video = !t.descriptions.empty() && t.descriptions.front().kind == media::TrackKind::kVideo;
        WriteTrak(w, params[i], t.descriptions, [&](BoxWriter& b) {
            WriteStts(b, t);
            WriteCtts(b, t);
            if (video) WriteStss(b, t);
            WriteStsc(b, t);
            WriteStsz(b, t);
            WriteChunkOffsets(b, t, mdat_payload_start, co64);
        });
    }
    w.End(moov);
    return out;
}

size_t MdatHeaderSize(uint64_t payload_size) { return payload_size + 8 <= UINT32_MAX ? 8 : 16; }

}  // namespace

base::SharedBuffer WriteMovieHeader(std::span<const MovieTrack> tracks, uint64_t mdat_payload_size) {
    uint64_t last_chunk = 0;
    for (const auto& t : tracks) {
        for (const auto& c : t.chunks) last_chunk = std::max(last_chunk, c.offset_in_mdat);
    }
    const size_t mdat_header = MdatHeaderSize(mdat_payload_size);
    // The header's size depends on stco vs co64, which depends on where
    // the last chunk lands: size it with 32-bit offsets first, and switch
    // to 64-bit ones (which only moves chunks further) when one passes 4 GiB.
    bool co64 = false;
    std::vector<uint8_t> header = WriteHeader(tracks, 0, co64);
    if (header.size() + mdat_header + last_chunk > UINT32_MAX) {
        co64 = true;
        header = WriteHeader(tracks, 0, co64);
    }
    const uint64_t payload_start = header.size() + mdat_header;
    header = WriteHeader(tracks, payload_start, co64);
    WriteBoxHeader(Fourcc("mdat"), mdat_payload_size, header);
    return base::SharedBuffer::Adopt(std::move(header));
}

}  // namespace onair::format::mp4
