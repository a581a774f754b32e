// SPDX-License-Identifier: Apache-2.0
#include "onair/transcode/ff_broadcast_pipeline.h"

#include <algorithm>

#include "onair/transcode/ff_log.h"

namespace onair::transcode::ff {

namespace {
/// Audio held for the video is let go beyond this (a video stall must not
/// hold the sound).
constexpr int64_t kMaxAudioHoldTicks = 90000;
}  // namespace

BroadcastPipeline::BroadcastPipeline(std::vector<format::ladder::PlannedRendition> plan,
                                     const PipelineOptions& options, RenditionOutput& output, PipelineEvents events)
    : plan_([&] {
          // Largest first: each is scaled from the one before it.
          std::stable_sort(plan.begin(), plan.end(),
                           [](const auto& a, const auto& b) { return a.height > b.height; });
          return plan;
      }()),
      options_(options),
      output_(output),
      events_(std::move(events)) {
    RouteFfmpegLog();
    thread_ = std::thread([this] { Run(); });
}

BroadcastPipeline::~BroadcastPipeline() {
    {
        std::lock_guard lock(mu_);
        Input end;
        end.kind = Input::Kind::kEnd;
        queue_.push_back(std::move(end));
        changed_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
}

void BroadcastPipeline::PushVideoConfig(const media::CodecConfig& config) {
    Input in;
    in.kind = Input::Kind::kVideoConfig;
    in.config = config;
    Push(std::move(in));
}

void BroadcastPipeline::PushAudioConfig(const media::CodecConfig& config) {
    Input in;
    in.kind = Input::Kind::kAudioConfig;
    in.config = config;
    Push(std::move(in));
}

void BroadcastPipeline::PushPacket(const media::Packet& packet) {
    Input in;
    in.kind = Input::Kind::kPacket;
    in.packet = packet;
    in.cost = packet.payload.size() + 128;
    Push(std::move(in));
}

void BroadcastPipeline::PushEnd() {
    Input in;
    in.kind = Input::Kind::kEnd;
    Push(std::move(in));
}

void BroadcastPipeline::Push(Input input) {
    input.received = std::chrono::steady_clock::now();
    bool dropped = false;
    {
        std::lock_guard lock(mu_);
        if (input.kind == Input::Kind::kPacket) {
            const bool segment_start = input.packet.segment_start >= 0;
            if (skipping_ && segment_start && queue_bytes_ + input.cost <= options_.max_input_bytes / 2) skipping_ = false;
            if (!skipping_ && queue_bytes_ + input.cost > options_.max_input_bytes) skipping_ = true;
            dropped = skipping_;
        }
        if (!dropped) {
            queue_bytes_ += input.cost;
            queue_.push_back(std::move(input));
            changed_.notify_all();
        }
    }
    if (dropped && events_.input_dropped) events_.input_dropped();
}

void BroadcastPipeline::Run() {
    for (;;) {
        Input in;
        {
            std::unique_lock lock(mu_);
            changed_.wait(lock, [&] { return !queue_.empty(); });
            in = std::move(queue_.front());
            queue_.pop_front();
            queue_bytes_ -= in.cost;
        }
        Handle(in);
        if (in.kind == Input::Kind::kEnd) {
            // Largest first: each finishes its queue (handing the end down
            // the chain) before the next one is joined.
            for (auto& w : workers_) w.reset();
            workers_.clear();
            finished_ = true;
            return;
        }
    }
}

void BroadcastPipeline::Handle(Input& in) {
    switch (in.kind) {
        case Input::Kind::kVideoConfig:
            if (video_config_ && *video_config_ == in.config) return;
            // A new configuration (a republish): what the old decoder holds
            // is let out first.
            decoder_.Drain([this](AVFrame* f) { OnFrame(f); });
            video_config_ = in.config;
            if (auto st = decoder_.Open(in.config, options_.decoder_threads); !st.ok() && events_.decode_error)
                events_.decode_error(st.error().message);
            return;
        case Input::Kind::kAudioConfig: {
            WorkItem item;
            item.kind = WorkItem::Kind::kAudioConfig;
            item.config = in.config;
            audio_.push_back(std::move(item));
            return;
        }
        case Input::Kind::kPacket: {
            const media::Packet& p = in.packet;
            if (p.kind == media::TrackKind::kAudio) {
                WorkItem item;
                item.kind = WorkItem::Kind::kAudio;
                item.audio = p;
                audio_.push_back(std::move(item));
                // Let go of audio the video is far behind.
                while (!audio_.empty() && audio_.front().kind == WorkItem::Kind::kAudio &&
                       p.dts - audio_.front().audio.dts > kMaxAudioHoldTicks) {
                    ToRenditions(std::move(audio_.front()));
                    audio_.pop_front();
                }
                return;
            }
            if (!decoder_.is_open()) return;
            if (first_video_dts_ == INT64_MIN) {
                first_video_dts_ = p.dts;
            } else if (frame_rate_.num == 0 && p.dts > first_video_dts_) {
                // The frame rate, for rate control: the first frame interval,
                // as a fraction of 90 kHz (29.97 fps is 90000/3003).
                const int64_t interval = std::clamp<int64_t>(p.dts - first_video_dts_, 750, 90000);
                frame_rate_ = AVRational{90000, static_cast<int>(interval)};
                av_reduce(&frame_rate_.num, &frame_rate_.den, frame_rate_.num, frame_rate_.den, 1 << 20);
            }
            FrameStamp stamp;
            stamp.segment_start = p.segment_start;
            stamp.discontinuity_sequence = p.discontinuity_sequence;
            stamp.longest_segment = p.longest_segment;
            stamp.discontinuity = p.discontinuity;
            stamp.wallclock_ms = p.wallclock_ms;
            stamp.received = in.received;
            stamps_[p.pts] = stamp;
            while (stamps_.size() > 64) stamps_.erase(stamps_.begin());
            auto st = decoder_.Decode(p, [this](AVFrame* f) { OnFrame(f); });
            if (!st.ok() && events_.decode_error) events_.decode_error(st.error().message);
            return;
        }
        case Input::Kind::kEnd: {
            decoder_.Drain([this](AVFrame* f) { OnFrame(f); });
            while (!audio_.empty()) {
                ToRenditions(std::move(audio_.front()));
                audio_.pop_front();
            }
            WorkItem end;
            end.kind = WorkItem::Kind::kEnd;
            if (!workers_.empty()) workers_.front()->Push(std::move(end));
            return;
        }
    }
}

void BroadcastPipeline::OnFrame(AVFrame* frame) {
    FramePtr ref = RefFrame(frame);
    if (!ref) return;
    FrameStamp stamp;
    if (auto it = stamps_.find(frame->pts); it != stamps_.end()) {
        stamp = it->second;
        stamps_.erase(stamps_.begin(), std::next(it));
    }
    if (workers_.empty()) {
        if (frame_rate_.num == 0) {
            // Until the second packet tells the frame rate (a few frames
            // at most, then given up on: 30 fps is assumed).
            early_frames_.push_back(std::move(ref));
            early_stamps_.push_back(stamp);
            if (early_frames_.size() < 8) return;
            frame_rate_ = AVRational{30, 1};
        }
        // The chain, smallest last: each worker hands its picture on.
        workers_.resize(plan_.size());
        EncoderSettings base;
        base.preset = options_.preset;
        base.threads = options_.threads;
        for (size_t i = plan_.size(); i-- > 0;) {
            workers_[i] = std::make_unique<RenditionWorker>(plan_[i], base, frame_rate_, output_,
                                                            i + 1 < plan_.size() ? workers_[i + 1].get() : nullptr,
                                                            options_.max_rendition_queue_bytes);
        }
        if (ref) {
            early_frames_.push_back(std::move(ref));
            early_stamps_.push_back(stamp);
        }
        while (!early_frames_.empty()) {
            WorkItem item;
            item.kind = WorkItem::Kind::kFrame;
            item.frame = std::move(early_frames_.front());
            item.stamp = early_stamps_.front();
            early_frames_.pop_front();
            early_stamps_.pop_front();
            const int64_t pts = item.frame->pts;
            ToRenditions(std::move(item));
            last_video_pts_ = pts;
        }
    } else {
        WorkItem item;
        item.kind = WorkItem::Kind::kFrame;
        item.frame = std::move(ref);
        item.stamp = stamp;
        const int64_t pts = item.frame->pts;
        ToRenditions(std::move(item));
        last_video_pts_ = pts;
    }
    // The audio the video has reached, after it: the renditions interleave
    // as the source does.
    while (!audio_.empty() &&
           (audio_.front().kind != WorkItem::Kind::kAudio || audio_.front().audio.dts <= last_video_pts_)) {
        ToRenditions(std::move(audio_.front()));
        audio_.pop_front();
    }
    CheckBacklog(last_video_pts_);
}

void BroadcastPipeline::ToRenditions(WorkItem item) {
    if (workers_.empty()) return;
    workers_.front()->Push(std::move(item));
}

void BroadcastPipeline::CheckBacklog(int64_t pts) {
    // Behind: video queued in the renditions, or waiting here to be decoded
    // (a slow decoder, or the chain's first queue full).
    int64_t backlog = 0;
    for (const auto& w : workers_) backlog = std::max(backlog, w->backlog_ticks());
    {
        std::lock_guard lock(mu_);
        for (auto it = queue_.rbegin(); it != queue_.rend(); ++it)
            if (it->kind == Input::Kind::kPacket && it->packet.kind == media::TrackKind::kVideo) {
                backlog = std::max(backlog, it->packet.dts - pts);
                break;
            }
    }
    if (backlog <= options_.max_backlog_ticks) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_drop_ < std::chrono::milliseconds(options_.max_backlog_ticks / 90)) return;
    RenditionWorker* victim = nullptr;
    for (const auto& w : workers_)
        if (!w->dropped() && (!victim || w->pixels() > victim->pixels())) victim = w.get();
    if (!victim) return;
    last_drop_ = now;
    victim->Drop("overload");
    if (events_.dropped) events_.dropped(victim->name(), backlog / 90);
}

}  // namespace onair::transcode::ff
