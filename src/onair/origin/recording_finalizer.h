// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "onair/base/result.h"
#include "onair/origin/recording_manifest.h"

namespace onair::origin {

/// The recording's HLS playlist over its fragments: fMP4 (EXT-X-MAP before
/// the first segment and wherever the init segment changes), a
/// discontinuity before a takeover, a republish, a gap or a new init, and
/// PROGRAM-DATE-TIME on every segment. `ended`: a VOD playlist
/// (PLAYLIST-TYPE:VOD, ENDLIST); else an EVENT playlist of what is on
/// disk so far (a recording can be watched from its start while it is made).
std::string BuildRecordingPlaylist(const std::vector<SegmentEntry>& segments, bool ended);

/// What WriteRecordingMovie made.
struct MovieSummary {
    uint64_t bytes = 0;
    uint64_t video_frames = 0;
    uint64_t audio_frames = 0;
};

/// Makes `recording.mp4` from the recording's init segments and fragments:
/// a progressive MP4 with the moov in front, whose mdat is the fragments'
/// mdat payloads one after the other (copied in 1 MiB pieces; memory holds
/// only the sample tables). A codec change is a second sample description
/// of its track. Each fragment's last sample lasts until the next
/// fragment's first (its decode time), so the tracks stay in sync across
/// takeovers. Written to a temp file and renamed: the file is whole or absent.
base::Result<MovieSummary> WriteRecordingMovie(const std::filesystem::path& dir, uint32_t inits,
                                               const std::vector<SegmentEntry>& segments);

}  // namespace onair::origin
