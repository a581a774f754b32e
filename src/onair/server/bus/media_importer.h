// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "onair/bus/bus.h"
#include "onair/runtime/metrics.h"
#include "onair/server/hls/hls_service.h"

namespace onair::server::bus {

struct MediaImporterOptions {
    std::string node_id = "local";
    /// A broadcast the log has said nothing of for this long (its ingest
    /// died without an end record) is ended here.
    std::chrono::milliseconds idle_timeout{30000};
};

/// An edge's side of the bus: media records in, HLS out. Each broadcast
/// gets its packager (HlsService::Open) at its first record; packaging
/// begins at the first segment start the log carries (the segment numbers
/// are the log's, so every edge agrees). A jump in a broadcast's record
/// numbers is a gap: counted, logged and announced on the bus as a
/// `media.gap` event. Records older than what was seen are skipped.
/// Records of transcoded renditions (the renditions topic) go to the
/// HlsChannel their broadcast's source opened; a jump in a rendition's
/// numbers is a transcoder taking the broadcast over (or records lost):
/// counted, and the rendition's window restarts at its next segment.
class MediaImporter final : public onair::bus::MediaSink {
public:
    MediaImporter(hls::HlsService& hls, onair::bus::Bus& bus, runtime::Metrics& metrics,
                  MediaImporterOptions options = {});

    void OnRecord(const format::record::MediaRecord& record) override;
    /// Ends broadcasts idle past the timeout; call about once a second.
    void Sweep();

    uint64_t gaps() const { return gaps_.Value(); }

private:
    struct State {
        std::string channel;
        std::shared_ptr<hls::HlsChannel> hls;
        uint64_t next_sequence = 0;
        std::shared_ptr<const media::CodecConfig> video;
        std::shared_ptr<const media::CodecConfig> audio;
        std::chrono::steady_clock::time_point last_record{};
    };
    /// What a record's number says, and what it carries on.
    struct Step {
        std::optional<router::StreamItem> item;  // none: stale, or nothing to pass on
        uint64_t first_missing = 0;              // with missing > 0: the numbers it skipped
        uint64_t missing = 0;
    };
    /// A transcoded rendition's record: into its broadcast's HlsChannel.
    void OnRenditionRecord(const format::record::MediaRecord& record);
    /// The first step of every record, source or rendition: one numbered
    /// below `state.next_sequence` is stale (counted, no item); else `state`
    /// moves past it, says how many numbers it skipped, and its item is made
    /// (none for a config repeated before a segment start, or a ladder).
    Step Advance(const format::record::MediaRecord& record, State& state);
    router::StreamItem ItemOf(const format::record::MediaRecord& record,
                              std::shared_ptr<const media::CodecConfig>& video,
                              std::shared_ptr<const media::CodecConfig>& audio, bool& skip);
    void ReportGap(const std::string& broadcast_id, const State& state, uint64_t first_missing, uint64_t missing,
                   int64_t resumed_at_ms);

    hls::HlsService& hls_;
    onair::bus::Bus& bus_;
    const MediaImporterOptions options_;
    runtime::Counter& gaps_;
    runtime::Counter& missing_;
    runtime::Counter& stale_;
    runtime::Counter& rendition_jumps_;
    runtime::Gauge& broadcasts_;
    runtime::Summary& latency_;
    std::mutex mu_;
    std::map<std::string, State, std::less<>> states_;
    /// Renditions by "<broadcast id>/<rendition>".
    std::map<std::string, State, std::less<>> renditions_;
};

}  // namespace onair::server::bus
