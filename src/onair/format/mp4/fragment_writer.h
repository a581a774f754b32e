// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "onair/base/shared_buffer.h"
#include "onair/format/mp4/track.h"

namespace onair::format::mp4 {

/// The samples of one track in one fragment.
struct TrackFragment {
    uint32_t track_id = 0;
    uint64_t base_decode_time = 0;  // of the first sample, track timescale (tfdt)
    std::vector<Sample> samples;
    std::vector<base::SharedBuffer> payloads;  // one per sample, `samples[i].size` bytes
};

/// A fragment as a gather list: `header` (moof + the mdat box header), then
/// `payloads` in order, not copied. `size` counts them all.
struct FragmentBytes {
    base::SharedBuffer header;
    std::vector<base::SharedBuffer> payloads;
    uint64_t size = 0;
};

/// sample_flags of trun (ISO/IEC 14496-12 8.8.3.1): a sync sample depends
/// on no other (sample_depends_on 2); any other depends on others
/// (sample_depends_on 1) and is_non_sync_sample.
inline constexpr uint32_t kSyncSampleFlags = 0x02000000;
inline constexpr uint32_t kNonSyncSampleFlags = 0x01010000;
inline constexpr uint32_t kSampleIsNonSync = 0x00010000;

/// tfhd and trun flags (8.8.7, 8.8.8).
inline constexpr uint32_t kTfhdBaseDataOffset = 0x000001;
inline constexpr uint32_t kTfhdSampleDescriptionIndex = 0x000002;
inline constexpr uint32_t kTfhdDefaultDuration = 0x000008;
inline constexpr uint32_t kTfhdDefaultSize = 0x000010;
inline constexpr uint32_t kTfhdDefaultFlags = 0x000020;
inline constexpr uint32_t kTfhdDurationIsEmpty = 0x010000;
inline constexpr uint32_t kTfhdDefaultBaseIsMoof = 0x020000;
inline constexpr uint32_t kTrunDataOffset = 0x000001;
inline constexpr uint32_t kTrunFirstSampleFlags = 0x000004;
inline constexpr uint32_t kTrunDuration = 0x000100;
inline constexpr uint32_t kTrunSize = 0x000200;
inline constexpr uint32_t kTrunFlags = 0x000400;
inline constexpr uint32_t kTrunCompositionOffset = 0x000800;

/// One CMAF fragment: moof (mfhd with `sequence_number`; per track with
/// samples a traf: tfhd default-base-is-moof, tfdt version 1, trun version
/// 1 with the data offset and per sample its duration, size, flags and
/// signed composition offset) and an mdat holding the payloads track by
/// track. Tracks without samples are left out.
FragmentBytes WriteFragment(uint32_t sequence_number, std::span<const TrackFragment> tracks);

}  // namespace onair::format::mp4
