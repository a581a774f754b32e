// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "onair/bus/bus.h"
#include "onair/format/ladder/ladder.h"
#include "onair/runtime/metrics.h"

namespace onair::transcode {

struct TranscoderOptions {
    std::string node_id = "local";
    /// A broadcast whose records carry no ladder of their own gets this.
    format::ladder::Ladder default_ladder = format::ladder::DefaultLadder();
    std::string preset = "veryfast";
    int threads = 1;  // x264 threads per rendition
    /// A broadcast is picked up at a segment start at most this old: after
    /// a fail-over the group hands over records from the last committed
    /// position, and transcoding seconds of the past would put every
    /// rendition that far behind.
    std::chrono::milliseconds max_start_lag{1000};
    /// Behind by more than this, a broadcast drops a rendition.
    std::chrono::milliseconds max_backlog{2000};
    /// A broadcast the log has said nothing of for this long is forgotten
    /// (its partition moved to another transcoder, or its ingest died).
    std::chrono::milliseconds idle_timeout{30000};
    size_t max_input_bytes = size_t{64} << 20;  // per broadcast, waiting to be decoded
};

/// The transcoder role: source records in (a consumer-group member of the
/// media topic, or every broadcast in-process), renditions out, as media
/// records on the renditions topic. Each broadcast is decoded once and
/// every rendition of its ladder (the channel's, carried in the log, else
/// the default; never above the source's height) is scaled and encoded on
/// its own thread, keyframe-aligned with the source's segments: rendition
/// segment N starts at the PTS where source segment N starts.
///
/// Records are numbered per broadcast and rendition from a base above any
/// that an earlier transcoder of the broadcast can have used
/// (source sequence << 10), so edges skip an older transcoder's late
/// records and see a takeover as a jump. A decoder or encoder error ends
/// that rendition (or is counted, for a corrupt frame); it never stops the
/// process or another broadcast.
class TranscoderService final : public bus::MediaSink {
public:
    TranscoderService(bus::Bus& bus, runtime::Metrics& metrics, TranscoderOptions options);
    ~TranscoderService() override;

    /// Never blocks: a broadcast's records are queued for its pipeline.
    void OnRecord(const format::record::MediaRecord& record) override;
    /// Reaps finished pipelines and forgets idle broadcasts; about once a second.
    void Sweep();
    size_t broadcasts() const;

private:
    class Writer;
    struct Broadcast;
    void Start(Broadcast& b, const format::record::MediaRecord& record);
    void Stop(Broadcast& b, bool finish);

    bus::Bus& bus_;
    runtime::Metrics& metrics_;
    const TranscoderOptions options_;
    runtime::Counter& started_;
    runtime::Counter& dropped_;
    runtime::Counter& input_dropped_;
    runtime::Counter& errors_;
    runtime::Counter& restarts_;
    runtime::Gauge& active_;
    runtime::Gauge& renditions_;
    runtime::Summary& latency_;
    mutable std::mutex mu_;
    std::map<std::string, std::unique_ptr<Broadcast>, std::less<>> broadcasts_;
    std::vector<std::unique_ptr<Broadcast>> finishing_;
};

}  // namespace onair::transcode
