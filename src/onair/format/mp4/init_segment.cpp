// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mp4/init_segment.h"

#include <algorithm>
#include <vector>

#include "onair/format/mp4/movie_boxes.h"

namespace onair::format::mp4 {
namespace {

// The sample tables of a track whose samples are all in fragments.
void EmptySampleTables(BoxWriter& w) {
    for (const char* type : {"stts", "stsc", "stco"}) {
        const size_t at = w.BeginFull(Fourcc(type), 0, 0);
        w.U32(0);  // entry_count
        w.End(at);
    }
    const size_t stsz = w.BeginFull(Fourcc("stsz"), 0, 0);
    w.U32(0);  // sample_size
    w.U32(0);  // sample_count
    w.End(stsz);
}

}  // namespace

base::SharedBuffer WriteInitSegment(std::span<const Track> tracks) {
    std::vector<uint8_t> out;
    BoxWriter w(out);
    WriteFtyp(w, Brand::kFragmented);
    const size_t moov = w.Begin(Fourcc("moov"));
    uint32_t max_id = 0;
    for (const auto& t : tracks) max_id = std::max(max_id, t.id);
    WriteMvhd(w, 0, max_id + 1);
    for (const auto& t : tracks) {
        TrakParams p;
        p.id = t.id;
        p.timescale = t.timescale;
        WriteTrak(w, p, std::span(&t.config, 1), EmptySampleTables);
    }
    const size_t mvex = w.Begin(Fourcc("mvex"));
    for (const auto& t : tracks) {
        const size_t trex = w.BeginFull(Fourcc("trex"), 0, 0);
        w.U32(t.id);
        w.U32(1);  // default_sample_description_index
        w.U32(0);  // default_sample_duration
        w.U32(0);  // default_sample_size
        w.U32(0);  // default_sample_flags
        w.End(trex);
    }
    w.End(mvex);
    w.End(moov);
    return base::SharedBuffer::Adopt(std::move(out));
}

}  // namespace onair::format::mp4
