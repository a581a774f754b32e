// SPDX-License-Identifier: Apache-2.0
// Reads arbitrary bytes as a CMAF fragment and as an init segment, as the
// origin does with files on disk. Whatever reads must write back out and
// read again the same: a fragment's runs (samples, decode times, track
// ids, their bytes) and an init segment's tracks (ids, timescales, codec
// configurations).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "onair/format/mp4/fragment_reader.h"
#include "onair/format/mp4/fragment_writer.h"
#include "onair/format/mp4/init_reader.h"
#include "onair/format/mp4/init_segment.h"

using namespace onair;
using namespace onair::format::mp4;

namespace {

void Check(bool ok) {
    if (!ok) std::abort();
}

void Fragment(std::span<const uint8_t> bytes) {
    auto first = ReadFragment(bytes);
    if (!first.ok()) return;
    // Only fragments whose samples are all in the input can be rewritten,
    // and only as many runs as a moof may hold trafs.
    if (first->tracks.size() > kMaxTrafsPerMoof) return;
    const auto all = base::SharedBuffer::Copy(bytes);
    std::vector<TrackFragment> tracks;
    for (const auto& run : first->tracks) {
        Check(run.data_offset >= first->mdat_payload_offset);
        if (run.data_offset + run.data_size > bytes.size()) return;
        TrackFragment t;
        t.track_id = run.track_id;
        t.base_decode_time = run.base_decode_time;
        t.samples = run.samples;
        uint64_t at = run.data_offset;
        for (const auto& s : run.samples) {
            t.payloads.push_back(all.Slice(static_cast<size_t>(at), s.size));
            at += s.size;
        }
        tracks.push_back(std::move(t));
    }
    const FragmentBytes written = WriteFragment(first->sequence_number, tracks);
    std::vector<uint8_t> flat(written.header.span().begin(), written.header.span().end());
    for (const auto& p : written.payloads) flat.insert(flat.end(), p.span().begin(), p.span().end());
    Check(flat.size() == written.size);
    auto second = ReadFragment(flat);
    Check(second.ok());
    Check(second->sequence_number == first->sequence_number);
    size_t j = 0;
    for (size_t i = 0; i < tracks.size(); ++i) {
        if (tracks[i].samples.empty()) continue;  // left out by the writer
        Check(j < second->tracks.size());
        const auto& a = second->tracks[j++];
        Check(a.track_id == tracks[i].track_id);
        Check(a.base_decode_time == tracks[i].base_decode_time);
        Check(a.samples == tracks[i].samples);
        uint64_t at = a.data_offset;
        for (const auto& p : tracks[i].payloads) {
            Check(at + p.size() <= flat.size());
            Check(std::equal(p.span().begin(), p.span().end(), flat.begin() + static_cast<std::ptrdiff_t>(at)));
            at += p.size();
        }
    }
    Check(j == second->tracks.size());
}

void Init(std::span<const uint8_t> bytes) {
    auto first = ReadInitSegment(bytes);
    if (!first.ok()) return;
    const auto written = WriteInitSegment(*first);
    auto second = ReadInitSegment(written.span());
    Check(second.ok());
    Check(second->size() == first->size());
    for (size_t i = 0; i < first->size(); ++i) {
        const Track& a = (*first)[i];
        const Track& b = (*second)[i];
        Check(a.id == b.id && a.timescale == b.timescale && a.config == b.config);
        Check(a.config.width == b.config.width && a.config.height == b.config.height);
        Check(a.config.sample_rate == b.config.sample_rate && a.config.channels == b.config.channels);
        Check(a.config.codec_string == b.config.codec_string);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> bytes(data, size);
    Fragment(bytes);
    Init(bytes);
    return 0;
}
