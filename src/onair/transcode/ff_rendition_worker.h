// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "onair/format/ladder/ladder.h"
#include "onair/media/packet.h"
#include "onair/transcode/ff_scaler.h"
#include "onair/transcode/ff_video_encoder.h"
#include "onair/transcode/rendition_output.h"

namespace onair::transcode::ff {

/// What a decoded frame carries from its source packet: the segment
/// stamps (a segment start is an IDR in every rendition, with the same
/// PTS: the renditions stay keyframe-aligned), its date and arrival.
struct FrameStamp {
    int64_t segment_start = -1;
    int64_t discontinuity_sequence = 0;
    int64_t longest_segment = 0;
    bool discontinuity = false;
    int64_t wallclock_ms = 0;
    std::chrono::steady_clock::time_point received{};
};

struct WorkItem {
    enum class Kind { kFrame, kAudio, kAudioConfig, kEnd } kind = Kind::kFrame;
    FramePtr frame;       // kFrame
    FrameStamp stamp;     // kFrame
    media::Packet audio;  // kAudio
    media::CodecConfig config;  // kAudioConfig
    size_t cost() const;
};

/// One rendition: its own thread scales the frames it is given to its size,
/// hands the scaled frame to the next (smaller) rendition — each picture is
/// scaled from the nearest larger one, not from the source again — and
/// encodes it. Audio is passed through, in order with the video. The queue
/// is bounded in bytes: a full queue makes Push wait (the broadcast's
/// decoder, and behind it the broadcast's input queue, takes the
/// pressure).
class RenditionWorker {
public:
    RenditionWorker(const format::ladder::PlannedRendition& plan, EncoderSettings encoder, AVRational frame_rate,
                    RenditionOutput& output, RenditionWorker* next, size_t max_queue_bytes);
    ~RenditionWorker();  // finishes the queue, then joins
    RenditionWorker(const RenditionWorker&) = delete;
    RenditionWorker& operator=(const RenditionWorker&) = delete;

    void Push(WorkItem item);
    /// The span of video waiting in the queue, 90 kHz.
    int64_t backlog_ticks() const;
    /// Stops making this rendition (ended as `reason`); it still scales for
    /// the renditions after it. From any thread.
    void Drop(std::string_view reason);
    bool dropped() const { return drop_requested_.load(); }
    const std::string& name() const { return plan_.spec.name; }
    int64_t pixels() const { return int64_t{plan_.width} * plan_.height; }

private:
    void Run();
    void Handle(WorkItem& item);
    void EncodeFrame(const FramePtr& scaled, const FrameStamp& stamp);
    void EmitPacket(const AVPacket* packet);
    void End(std::string_view reason);

    const format::ladder::PlannedRendition plan_;
    EncoderSettings settings_;
    RenditionOutput& output_;
    RenditionWorker* const next_;
    const size_t max_queue_bytes_;
    Scaler scaler_;
    VideoEncoder encoder_;
    std::deque<FrameStamp> pending_;  // stamps of frames in the encoder, by PTS order
    std::deque<int64_t> pending_pts_;
    int64_t last_kept_pts_ = INT64_MIN;
    int64_t min_frame_ticks_ = 0;  // max_fps thinning
    bool ended_ = false;
    std::string drop_reason_;

    mutable std::mutex mu_;
    std::condition_variable changed_;
    std::deque<WorkItem> queue_;
    size_t queue_bytes_ = 0;
    int64_t first_pts_ = INT64_MIN;  // of the queued frames
    int64_t last_pts_ = INT64_MIN;
    std::atomic<bool> drop_requested_{false};
    std::thread thread_;
};

}  // namespace onair::transcode::ff
