// SPDX-License-Identifier: Apache-2.0
#include "onair/transcode/ff_rendition_worker.h"

#include "onair/base/shared_buffer.h"
#include "onair/codec/h264/annexb.h"
#include "onair/runtime/logger.h"

namespace onair::transcode::ff {

namespace {
const runtime::Logger& Log() {
    static const runtime::Logger log("transcode");
    return log;
}
}  // namespace

size_t WorkItem::cost() const {
    switch (kind) {
        case Kind::kFrame: return frame ? static_cast<size_t>(frame->width) * frame->height * 3 / 2 + 256 : 256;
        case Kind::kAudio: return audio.payload.size() + 128;
        default: return 128;
    }
}

RenditionWorker::RenditionWorker(const format::ladder::PlannedRendition& plan, EncoderSettings encoder,
                                 AVRational frame_rate, RenditionOutput& output, RenditionWorker* next,
                                 size_t max_queue_bytes)
    : plan_(plan),
      settings_(std::move(encoder)),
      output_(output),
      next_(next),
      max_queue_bytes_(max_queue_bytes),
      scaler_(plan.width, plan.height) {
    settings_.width = plan.width;
    settings_.height = plan.height;
    settings_.spec = plan.spec;
    settings_.frame_rate = frame_rate;
    if (plan.spec.max_fps > 0 && av_q2d(frame_rate) > plan.spec.max_fps + 0.5) {
        settings_.frame_rate = AVRational{plan.spec.max_fps, 1};
        // A little under the interval: 60 fps thinned to 30 keeps every
        // other frame even with jittery timestamps.
        min_frame_ticks_ = 90000 * 9 / (10 * plan.spec.max_fps);
    }
    thread_ = std::thread([this] { Run(); });
}

RenditionWorker::~RenditionWorker() {
    {
        // An end after everything queued (a thread that already took one
        // has returned and never reads it).
        std::lock_guard lock(mu_);
        WorkItem end;
        end.kind = WorkItem::Kind::kEnd;
        queue_.push_back(std::move(end));
        changed_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
}

void RenditionWorker::Push(WorkItem item) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return queue_bytes_ < max_queue_bytes_ || queue_.empty(); });
    if (item.kind == WorkItem::Kind::kFrame) {
        if (first_pts_ == INT64_MIN) first_pts_ = item.frame->pts;
        last_pts_ = item.frame->pts;
    }
    queue_bytes_ += item.cost();
    queue_.push_back(std::move(item));
    changed_.notify_all();
}

int64_t RenditionWorker::backlog_ticks() const {
    std::lock_guard lock(mu_);
    return first_pts_ == INT64_MIN ? 0 : last_pts_ - first_pts_;
}

void RenditionWorker::Drop(std::string_view reason) {
    std::lock_guard lock(mu_);
    if (drop_requested_.exchange(true)) return;
    drop_reason_ = std::string(reason);
    changed_.notify_all();
}

void RenditionWorker::Run() {
    for (;;) {
        WorkItem item;
        {
            std::unique_lock lock(mu_);
            changed_.wait(lock, [&] { return !queue_.empty(); });
            item = std::move(queue_.front());
            queue_.pop_front();
            queue_bytes_ -= item.cost();
            first_pts_ = INT64_MIN;
            for (const auto& q : queue_)
                if (q.kind == WorkItem::Kind::kFrame) {
                    first_pts_ = q.frame->pts;
                    break;
                }
            if (first_pts_ == INT64_MIN) last_pts_ = INT64_MIN;
            changed_.notify_all();
        }
        const bool end = item.kind == WorkItem::Kind::kEnd;
        Handle(item);
        if (end) return;
    }
}

void RenditionWorker::Handle(WorkItem& item) {
    if (drop_requested_ && !ended_) {
        std::string reason;
        {
            std::lock_guard lock(mu_);
            reason = drop_reason_;
        }
        encoder_.Finish([](AVPacket*) {});  // what it holds is not sent: the rendition is over
        End(reason);
    }
    switch (item.kind) {
        case WorkItem::Kind::kFrame: {
            auto scaled = scaler_.Scale(item.frame.get());
            item.frame.reset();  // the larger picture is no longer needed here
            if (!scaled.ok()) {
                Log().Error("scaling failed; rendition ended",
                            {{"onair.rendition", name()}, {"error.message", scaled.error().message}});
                drop_requested_ = true;
                End("error");
                return;
            }
            if (next_) {
                WorkItem down;
                down.kind = WorkItem::Kind::kFrame;
                down.frame = RefFrame(scaled->get());
                down.stamp = item.stamp;
                if (down.frame) next_->Push(std::move(down));
            }
            if (!ended_) EncodeFrame(*scaled, item.stamp);
            return;
        }
        case WorkItem::Kind::kAudio:
            if (next_) next_->Push(WorkItem{WorkItem::Kind::kAudio, nullptr, {}, item.audio, {}});
            if (!ended_ && encoder_.is_open()) output_.OnPacket(name(), item.audio, std::chrono::steady_clock::now());
            return;
        case WorkItem::Kind::kAudioConfig:
            if (next_) next_->Push(WorkItem{WorkItem::Kind::kAudioConfig, nullptr, {}, {}, item.config});
            if (!ended_) output_.OnConfig(name(), item.config);
            return;
        case WorkItem::Kind::kEnd:
            if (next_) next_->Push(WorkItem{WorkItem::Kind::kEnd, nullptr, {}, {}, {}});
            if (!ended_) {
                encoder_.Finish([this](AVPacket* p) { EmitPacket(p); });
                End("source_ended");
            }
            return;
    }
}

void RenditionWorker::EncodeFrame(const FramePtr& scaled, const FrameStamp& stamp) {
    const bool idr = stamp.segment_start >= 0;
    // Thinned to max_fps, never a segment start.
    if (!idr && min_frame_ticks_ > 0 && last_kept_pts_ != INT64_MIN && scaled->pts - last_kept_pts_ < min_frame_ticks_)
        return;
    if (!encoder_.is_open()) {
        if (!idr) return;  // a rendition starts at a segment start
        if (auto st = encoder_.Open(settings_); !st.ok()) {
            Log().Error("the encoder would not open; rendition ended",
                        {{"onair.rendition", name()}, {"error.message", st.error().message}});
            drop_requested_ = true;
            End("error");
            return;
        }
        media::CodecConfig config;
        config.kind = media::TrackKind::kVideo;
        config.codec = media::Codec::kH264;
        config.extradata = base::SharedBuffer::Copy(std::span<const uint8_t>(encoder_.avcc()));
        config.width = plan_.width;
        config.height = plan_.height;
        config.codec_string = encoder_.codec_string();
        output_.OnConfig(name(), config);
    }
    last_kept_pts_ = scaled->pts;
    pending_.push_back(stamp);
    pending_pts_.push_back(scaled->pts);
    if (pending_.size() > 64) {  // an encoder that never answers for a frame: keep the map bounded
        pending_.pop_front();
        pending_pts_.pop_front();
    }
    auto st = encoder_.Encode(scaled.get(), idr, [this](AVPacket* p) { EmitPacket(p); });
    if (!st.ok()) {
        Log().Error("encoding failed; rendition ended", {{"onair.rendition", name()}, {"error.message", st.error().message}});
        drop_requested_ = true;
        End("error");
    }
}

void RenditionWorker::EmitPacket(const AVPacket* p) {
    media::Packet out;
    out.kind = media::TrackKind::kVideo;
    out.codec = media::Codec::kH264;
    out.pts = p->pts;
    out.dts = p->dts == AV_NOPTS_VALUE ? p->pts : p->dts;
    out.keyframe = (p->flags & AV_PKT_FLAG_KEY) != 0;
    FrameStamp stamp;
    // The stamp of the frame with this PTS (no B-frames: the first one).
    while (!pending_pts_.empty() && pending_pts_.front() <= p->pts) {
        if (pending_pts_.front() == p->pts) stamp = pending_.front();
        pending_pts_.pop_front();
        pending_.pop_front();
    }
    if (out.keyframe && stamp.segment_start >= 0) {
        out.segment_start = stamp.segment_start;
        out.discontinuity_sequence = stamp.discontinuity_sequence;
        out.longest_segment = stamp.longest_segment;
    }
    out.discontinuity = stamp.discontinuity;
    out.wallclock_ms = stamp.wallclock_ms;
    out.payload = base::SharedBuffer::Adopt(
        codec::h264::AnnexBToAvcc(std::span<const uint8_t>(p->data, static_cast<size_t>(p->size)), true));
    output_.OnPacket(name(), out, stamp.received);
}

void RenditionWorker::End(std::string_view reason) {
    if (ended_) return;
    ended_ = true;
    output_.OnEnd(name(), reason);
}

}  // namespace onair::transcode::ff
