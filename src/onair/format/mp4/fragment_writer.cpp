// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mp4/fragment_writer.h"

#include "onair/format/mp4/box_writer.h"

namespace onair::format::mp4 {

FragmentBytes WriteFragment(uint32_t sequence_number, std::span<const TrackFragment> tracks) {
    FragmentBytes out;
    std::vector<uint8_t> header;
    BoxWriter w(header);
    const size_t moof = w.Begin(Fourcc("moof"));
    const size_t mfhd = w.BeginFull(Fourcc("mfhd"), 0, 0);
    w.U32(sequence_number);
    w.End(mfhd);
    // The data offsets are known once the moof's size is: remember where
    // each trun's goes, and the payload bytes of the tracks before it.
    struct Patch {
        size_t at;
        uint64_t before;
    };
    std::vector<Patch> patches;
    uint64_t payload_bytes = 0;
    for (const auto& t : tracks) {
        if (t.samples.empty()) continue;
        const size_t traf = w.Begin(Fourcc("traf"));
        const size_t tfhd = w.BeginFull(Fourcc("tfhd"), 0, kTfhdDefaultBaseIsMoof);
        w.U32(t.track_id);
        w.End(tfhd);
        const size_t tfdt = w.BeginFull(Fourcc("tfdt"), 1, 0);
        w.U64(t.base_decode_time);
        w.End(tfdt);
        const size_t trun = w.BeginFull(Fourcc("trun"), 1,
                                        kTrunDataOffset | kTrunDuration | kTrunSize | kTrunFlags | kTrunCompositionOffset);
        w.U32(static_cast<uint32_t>(t.samples.size()));
        patches.push_back({w.size(), payload_bytes});
        w.U32(0);  // data_offset, patched below
        for (const auto& s : t.samples) {
            w.U32(s.duration);
            w.U32(s.size);
            w.U32(s.sync ? kSyncSampleFlags : kNonSyncSampleFlags);
            w.U32(static_cast<uint32_t>(s.composition_offset));
            payload_bytes += s.size;
        }
        w.End(trun);
        w.End(traf);
        for (size_t i = 0; i < t.samples.size() && i < t.payloads.size(); ++i) out.payloads.push_back(t.payloads[i]);
    }
    w.End(moof);
    WriteBoxHeader(Fourcc("mdat"), payload_bytes, header);
    const uint64_t first_payload = header.size();
    for (const auto& p : patches) {
        // A fragment is one segment's worth of media: far below 2 GiB.
        const auto offset = static_cast<uint32_t>(first_payload + p.before);
        for (int i = 0; i < 4; ++i) header[p.at + static_cast<size_t>(i)] = static_cast<uint8_t>(offset >> (24 - 8 * i));
    }
    out.size = header.size() + payload_bytes;
    out.header = base::SharedBuffer::Adopt(std::move(header));
    return out;
}

}  // namespace onair::format::mp4
