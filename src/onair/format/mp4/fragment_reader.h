// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "onair/base/result.h"
#include "onair/format/mp4/box_reader.h"
#include "onair/format/mp4/track.h"

namespace onair::format::mp4 {

/// One trun of a fragment, its samples resolved against the tfhd defaults.
struct TrackRun {
    uint32_t track_id = 0;
    uint32_t sample_description_index = 1;
    uint64_t base_decode_time = 0;  // tfdt (0 without one), track timescale
    std::vector<Sample> samples;
    uint64_t data_offset = 0;  // of the first sample's bytes, from the start of the fragment
    uint64_t data_size = 0;    // the samples' sizes summed
};

struct ParsedFragment {
    uint32_t sequence_number = 0;
    std::vector<TrackRun> tracks;  // in the order of the trafs and truns
    uint64_t mdat_payload_offset = 0;
    uint64_t mdat_payload_size = 0;
    uint64_t size = 0;  // to the end of the mdat, as declared
};

/// Reads a fragment's moof: `bytes` is the whole fragment, or at least
/// everything up to and including the mdat's box header (boxes before the
/// moof: styp, sidx, prft, emsg… are skipped). Accepts what WriteFragment
/// writes and the common CMAF variants: tfhd defaults for duration, size
/// and flags, an explicit base-data-offset, truns without some per-sample
/// fields, first-sample-flags, trun versions 0 and 1, several truns per
/// traf. Without flags (no per-sample, first or default ones: the trex's
/// are not known here) a sample is a sync sample.
///
/// Bounded (kMaxMoofBytes, kMaxTrafsPerMoof, kMaxTrunsPerTraf,
/// kMaxSamplesPerTrun, kMaxSamplesPerFragment): over a limit is
/// kLimitExceeded; a size running past the bytes, a run outside the mdat
/// or a missing mfhd/tfhd is kInvalidData.
base::Result<ParsedFragment> ReadFragment(std::span<const uint8_t> bytes);

}  // namespace onair::format::mp4
