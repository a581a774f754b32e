// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "onair/base/result.h"
#include "onair/format/mp4/fragment_builder.h"
#include "onair/format/record/media_record.h"
#include "onair/media/packet.h"
#include "onair/origin/recording_manifest.h"

namespace onair::origin {

/// The files of one recording, in its own directory:
///   recording.json   the header (RecordingHeader)
///   segments.jsonl   the journal: a line per fragment on disk
///   init-<k>.mp4     CMAF init segments (a new one when a codec config changes)
///   <n>.m4s          one CMAF fragment per HLS segment n of the broadcast
///   index.m3u8       the VOD playlist, once finalized
///   recording.mp4    the progressive MP4 (moov first), once finalized
struct RecordingFiles {
    static std::filesystem::path Header(const std::filesystem::path& dir) { return dir / "recording.json"; }
    static std::filesystem::path Journal(const std::filesystem::path& dir) { return dir / "segments.jsonl"; }
    static std::filesystem::path Init(const std::filesystem::path& dir, uint32_t k) {
        return dir / ("init-" + std::to_string(k) + ".mp4");
    }
    static std::filesystem::path Fragment(const std::filesystem::path& dir, int64_t n) {
        return dir / (std::to_string(n) + ".m4s");
    }
    static std::filesystem::path Playlist(const std::filesystem::path& dir) { return dir / "index.m3u8"; }
    static std::filesystem::path Movie(const std::filesystem::path& dir) { return dir / "recording.mp4"; }
    /// The bytes of init-1.mp4 .. init-<inits>.mp4.
    static uint64_t InitBytes(const std::filesystem::path& dir, uint32_t inits) {
        uint64_t n = 0;
        std::error_code ec;
        for (uint32_t k = 1; k <= inits; ++k) {
            const auto size = std::filesystem::file_size(Init(dir, k), ec);
            if (!ec) n += size;
        }
        return n;
    }
};

/// Writes one broadcast's source records to disk as they come: a fragment
/// per segment, each written whole (temp file, fsync, rename) and then
/// journaled, so a crash loses at most the fragment being built, and a
/// restarted origin that reads the records again from its committed
/// position skips what is on disk by sequence number (no duplicated or
/// missing frame). Not thread-safe: one thread drives it.
class RecordingWriter {
public:
    /// A new recording in `dir` (created), its first record received at
    /// `started_at_ms` (until its first segment starts).
    static base::Result<std::unique_ptr<RecordingWriter>> Create(std::filesystem::path dir, std::string id,
                                                                 std::string channel, std::string node,
                                                                 int64_t started_at_ms);
    /// A recording an earlier run left in state `recording`.
    static base::Result<std::unique_ptr<RecordingWriter>> Resume(std::filesystem::path dir);

    enum class Took : uint8_t {
        kSkipped,        // nothing of it is kept: before the first segment start, on disk already, not media
        kHeld,           // kept in memory (a config, or a packet of the fragment being built)
        kWroteFragment,  // a packet starting a segment: the previous fragment is now on disk
    };
    base::Result<Took> Add(const format::record::MediaRecord& record);
    /// Writes the fragment being built (the broadcast ended, or the log went
    /// silent).
    base::Status Flush();
    /// Rewrites recording.json with this state.
    base::Status SetState(RecordingState state, int64_t ended_at_ms, bool interrupted, std::string error = {});

    const std::filesystem::path& dir() const { return dir_; }
    const RecordingHeader& header() const { return header_; }
    const std::vector<SegmentEntry>& segments() const { return segments_; }
    uint64_t bytes() const { return bytes_; }
    int64_t duration() const { return TotalsOf(segments_).duration; }  // 90 kHz, of the fragments on disk
    uint32_t discontinuities() const { return TotalsOf(segments_).discontinuities; }
    /// Records lost before this writer (a jump in the sequence numbers).
    uint64_t gaps() const { return gaps_; }

private:
    RecordingWriter(std::filesystem::path dir, RecordingHeader header);
    base::Status StartFragment(const media::Packet& packet, int64_t wallclock_ms, bool gap);
    base::Status WriteInit();
    base::Status CloseFragment(std::optional<int64_t> next_dts, media::TrackKind next_kind);
    std::vector<format::mp4::Track> TracksFor() const;

    std::filesystem::path dir_;
    RecordingHeader header_;
    std::vector<SegmentEntry> segments_;
    uint64_t bytes_ = 0;
    uint64_t gaps_ = 0;
    std::optional<uint64_t> durable_sequence_;  // the last record on disk
    std::optional<uint64_t> last_sequence_;     // the last record seen
    bool gap_pending_ = false;                  // the next segment follows lost records

    std::optional<media::CodecConfig> video_, audio_;            // the latest configs
    std::optional<media::CodecConfig> init_video_, init_audio_;  // those of init-<inits>
    std::vector<format::mp4::Track> tracks_;                     // init-<inits>'s

    // The fragment being built.
    std::optional<format::mp4::FragmentBuilder> builder_;
    SegmentEntry open_;
    media::TrackKind primary_ = media::TrackKind::kVideo;  // the track that times the segment
    std::optional<int64_t> last_dts_;                      // of the primary track
    int64_t last_delta_ = 0;
};

}  // namespace onair::origin
