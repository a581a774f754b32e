// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onair/base/result.h"

namespace onair::origin {

/// Where a recording is in its life. `finalizing`: the broadcast has ended
/// and every fragment is on disk; the MP4 and the VOD playlist are being
/// made (an origin that restarts here finishes the job). Events show it as
/// `recording` until it is `complete`.
enum class RecordingState : uint8_t { kRecording, kFinalizing, kComplete, kFailed, kDeleted };
const char* StateName(RecordingState state);
std::optional<RecordingState> ParseState(std::string_view name);

/// A recording's header, `recording.json` in its directory; rewritten
/// (durably) when it changes state or gains an init segment, never per
/// fragment: the counters come from the segment journal.
struct RecordingHeader {
    std::string id;            // = the broadcast id; the directory's name
    std::string channel;
    std::string node;          // the origin that recorded it
    RecordingState state = RecordingState::kRecording;
    int64_t started_at_ms = 0; // the first recorded packet's wallclock
    int64_t ended_at_ms = 0;   // 0: not ended
    int64_t origin_dts = 0;    // 90 kHz: the fragments' decode times count from here
    uint32_t inits = 0;        // init-1.mp4 .. init-<inits>.mp4
    bool interrupted = false;  // finalized because the log went silent, not by the broadcast's end
    uint64_t mp4_bytes = 0;    // recording.mp4, once complete
    std::string error;         // why it failed
};

std::string HeaderToJson(const RecordingHeader& header);
/// kInvalidData naming the field when the text is not a header.
base::Result<RecordingHeader> HeaderFromJson(std::string_view json);

/// One fragment on disk (`<number>.m4s`), a line of `segments.jsonl`,
/// appended once the fragment is durable.
struct SegmentEntry {
    int64_t number = 0;         // the broadcast's segment number (Packet::segment_start)
    uint32_t init = 1;          // the init segment it needs
    int64_t start = 0;          // 90 kHz, from the recording's origin_dts
    int64_t duration = 0;       // 90 kHz
    int64_t wallclock_ms = 0;   // its first packet's
    bool discontinuity = false; // a takeover, a republish, a gap, or a new init before it
    uint64_t bytes = 0;
    uint64_t last_sequence = 0; // the last record in it: later records are not on disk
    uint32_t frames = 0;        // video frames (audio frames if no video)
    bool operator==(const SegmentEntry&) const = default;
};

std::string SegmentToJsonLine(const SegmentEntry& entry);
std::optional<SegmentEntry> SegmentFromJsonLine(std::string_view line);
/// What a recording's fragments add up to.
struct SegmentTotals {
    uint64_t bytes = 0;
    int64_t duration = 0;  // 90 kHz
    uint32_t discontinuities = 0;  // segments after the first that begin with one
};
SegmentTotals TotalsOf(const std::vector<SegmentEntry>& segments);

/// The journal's entries in order; a torn or unreadable line is skipped, and
/// a number written twice (re-written after a crash) keeps its last entry.
std::vector<SegmentEntry> ParseSegmentJournal(std::string_view text);

}  // namespace onair::origin
