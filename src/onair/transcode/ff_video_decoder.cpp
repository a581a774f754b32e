// SPDX-License-Identifier: Apache-2.0
#include "onair/transcode/ff_video_decoder.h"

#include <cstring>

namespace onair::transcode::ff {

namespace {
base::Error Failed(const std::string& what, int code) {
    return base::MakeError(base::ErrorCode::kInvalidData, Error(what, code));
}
}  // namespace

base::Status VideoDecoder::Open(const media::CodecConfig& config, int threads) {
    ctx_.reset();
    const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    if (!codec) return base::MakeError(base::ErrorCode::kUnsupported, "transcode: no H.264 decoder in libavcodec");
    CodecContextPtr ctx(avcodec_alloc_context3(codec));
    if (!ctx) return base::MakeError(base::ErrorCode::kInternal, "transcode: out of memory (decoder)");
    const auto extra = config.extradata.span();
    ctx->extradata = static_cast<uint8_t*>(av_mallocz(extra.size() + AV_INPUT_BUFFER_PADDING_SIZE));
    if (!ctx->extradata) return base::MakeError(base::ErrorCode::kInternal, "transcode: out of memory (extradata)");
    if (!extra.empty()) std::memcpy(ctx->extradata, extra.data(), extra.size());
    ctx->extradata_size = static_cast<int>(extra.size());
    ctx->pkt_timebase = AVRational{1, static_cast<int>(media::kTimescale)};
    ctx->time_base = ctx->pkt_timebase;
    // Slice threads add no frames of delay; frame threads would add one per
    // thread to every rendition's latency.
    ctx->thread_count = threads;
    ctx->thread_type = FF_THREAD_SLICE;
    if (int err = avcodec_open2(ctx.get(), codec, nullptr); err < 0) return Failed("opening the H.264 decoder", err);
    ctx_ = std::move(ctx);
    return {};
}

base::Status VideoDecoder::Decode(const media::Packet& packet, const std::function<void(AVFrame*)>& frame_out) {
    if (!ctx_) return base::MakeError(base::ErrorCode::kInvalidData, "transcode: video before its config");
    // Copied into a padded packet: the bitstream reader may read up to
    // AV_INPUT_BUFFER_PADDING_SIZE bytes past the end (a few µs a frame).
    av_packet_unref(packet_.get());
    const auto bytes = packet.payload.span();
    if (av_new_packet(packet_.get(), static_cast<int>(bytes.size())) < 0)
        return base::MakeError(base::ErrorCode::kInternal, "transcode: out of memory (packet)");
    if (!bytes.empty()) std::memcpy(packet_->data, bytes.data(), bytes.size());
    packet_->pts = packet.pts;
    packet_->dts = packet.dts;
    if (packet.keyframe) packet_->flags |= AV_PKT_FLAG_KEY;
    int err = avcodec_send_packet(ctx_.get(), packet_.get());
    if (err == AVERROR(EAGAIN)) {
        // Full: take its frames first, then it takes the packet.
        if (auto st = ReceiveAll(frame_out); !st.ok()) return st;
        err = avcodec_send_packet(ctx_.get(), packet_.get());
    }
    if (err < 0) return Failed("decoding", err);
    return ReceiveAll(frame_out);
}

base::Status VideoDecoder::ReceiveAll(const std::function<void(AVFrame*)>& frame_out) {
    for (;;) {
        const int err = avcodec_receive_frame(ctx_.get(), frame_.get());
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return {};
        if (err < 0) return Failed("decoding", err);
        frame_->pts = frame_->best_effort_timestamp;
        frame_out(frame_.get());
        av_frame_unref(frame_.get());
    }
}

void VideoDecoder::Drain(const std::function<void(AVFrame*)>& frame_out) {
    if (!ctx_) return;
    if (avcodec_send_packet(ctx_.get(), nullptr) >= 0) (void)ReceiveAll(frame_out);
    avcodec_flush_buffers(ctx_.get());
}

}  // namespace onair::transcode::ff
