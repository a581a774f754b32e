// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "onair/format/ladder/ladder.h"
#include "onair/media/packet.h"
#include "onair/transcode/ff_rendition_worker.h"
#include "onair/transcode/ff_video_decoder.h"
#include "onair/transcode/rendition_output.h"

namespace onair::transcode::ff {

struct PipelineOptions {
    std::string preset = "veryfast";
    int threads = 1;  // per encoder
    int decoder_threads = 1;
    int64_t max_backlog_ticks = 2 * 90000;
    size_t max_input_bytes = size_t{64} << 20;
    size_t max_rendition_queue_bytes = size_t{96} << 20;
};

/// What the pipeline reports beyond its renditions: a rendition dropped
/// because the broadcast fell behind, and input it had to refuse.
struct PipelineEvents {
    std::function<void(const std::string& rendition, int64_t backlog_ms)> dropped;
    std::function<void()> input_dropped;
    std::function<void(const std::string& message)> decode_error;
};

/// One broadcast's transcoding: source video decoded once on the
/// pipeline's thread, then each rendition scaled and encoded on its own
/// (RenditionWorker, chained largest to smallest). Input is queued,
/// bounded in bytes: what does not fit is dropped up to the next segment
/// start (counted). When the renditions fall behind by more than
/// `max_backlog_ticks`, the least important one still made is dropped (the
/// largest picture: it costs the most, and the source, always offered, is
/// the nearest to it), one at a time, at most one per backlog interval.
class BroadcastPipeline {
public:
    BroadcastPipeline(std::vector<format::ladder::PlannedRendition> plan, const PipelineOptions& options,
                      RenditionOutput& output, PipelineEvents events);
    ~BroadcastPipeline();  // finishes what is queued, then joins

    void PushVideoConfig(const media::CodecConfig& config);
    void PushAudioConfig(const media::CodecConfig& config);
    void PushPacket(const media::Packet& packet);
    /// The source ended: the renditions are finished and ended.
    void PushEnd();
    /// True once the end went through every rendition.
    bool finished() const { return finished_.load(); }

private:
    struct Input {
        enum class Kind { kVideoConfig, kAudioConfig, kPacket, kEnd } kind = Kind::kPacket;
        media::Packet packet;
        media::CodecConfig config;
        std::chrono::steady_clock::time_point received{};
        size_t cost = 128;
    };
    void Push(Input input);
    void Run();
    void Handle(Input& input);
    void OnFrame(AVFrame* frame);
    void ToRenditions(WorkItem item);
    void CheckBacklog(int64_t pts);

    const std::vector<format::ladder::PlannedRendition> plan_;
    const PipelineOptions options_;
    RenditionOutput& output_;
    PipelineEvents events_;
    VideoDecoder decoder_;
    std::vector<std::unique_ptr<RenditionWorker>> workers_;  // largest first; workers_[i] feeds workers_[i+1]
    std::map<int64_t, FrameStamp> stamps_;  // by PTS, of packets in the decoder
    std::optional<media::CodecConfig> video_config_;
    std::deque<WorkItem> audio_;  // held until the video reaches it (decoder delay)
    std::deque<FramePtr> early_frames_;  // until the frame rate is known
    std::deque<FrameStamp> early_stamps_;
    int64_t first_video_dts_ = INT64_MIN;
    AVRational frame_rate_{0, 1};
    int64_t last_video_pts_ = INT64_MIN;
    std::chrono::steady_clock::time_point last_drop_{};

    std::mutex mu_;
    std::condition_variable changed_;
    std::deque<Input> queue_;
    size_t queue_bytes_ = 0;
    bool skipping_ = false;  // input dropped: until the next segment start
    std::atomic<bool> finished_{false};
    std::thread thread_;
};

}  // namespace onair::transcode::ff
