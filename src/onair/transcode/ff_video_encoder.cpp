// SPDX-License-Identifier: Apache-2.0
#include "onair/transcode/ff_video_encoder.h"

#include <span>

#include "onair/codec/h264/annexb.h"
#include "onair/codec/h264/avc_config.h"

namespace onair::transcode::ff {

namespace {
base::Error Failed(const std::string& what, int code) {
    return base::MakeError(base::ErrorCode::kInternal, Error(what, code));
}
}  // namespace

base::Status VideoEncoder::Open(const EncoderSettings& s) {
    ctx_.reset();
    const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
    if (!codec) return base::MakeError(base::ErrorCode::kUnsupported, "transcode: libavcodec has no libx264 encoder");
    CodecContextPtr ctx(avcodec_alloc_context3(codec));
    if (!ctx) return base::MakeError(base::ErrorCode::kInternal, "transcode: out of memory (encoder)");
    ctx->width = s.width;
    ctx->height = s.height;
    ctx->pix_fmt = AV_PIX_FMT_YUV420P;
    ctx->time_base = AVRational{1, 90000};
    ctx->framerate = s.frame_rate;
    ctx->sample_aspect_ratio = AVRational{1, 1};
    ctx->bit_rate = int64_t{s.spec.video_kbps} * 1000;
    const int max_kbps = s.spec.max_kbps > 0 ? s.spec.max_kbps : s.spec.video_kbps * 11 / 10;
    ctx->rc_max_rate = int64_t{max_kbps} * 1000;
    ctx->rc_buffer_size = max_kbps * 1000;  // one second of the cap
    ctx->max_b_frames = 0;
    // Keyframes where the source's segments start, and nowhere else on
    // their own: a long GOP, no scene-cut keyframes.
    ctx->gop_size = 100000;
    ctx->keyint_min = 1;
    ctx->thread_count = s.threads;
    ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // SPS/PPS in extradata, for the avcC
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "preset", s.preset.c_str(), 0);
    av_dict_set(&opts, "profile", s.spec.profile.c_str(), 0);
    av_dict_set(&opts, "forced-idr", "1", 0);
    av_dict_set(&opts, "sc_threshold", "0", 0);
    // No lookahead (and so no mb-tree, which needs it): a frame in is a
    // packet out.
    av_dict_set(&opts, "rc-lookahead", "0", 0);
    // Frame threads would hold a frame per thread; with one thread per
    // rendition (the renditions run side by side) there is none to hold.
    av_dict_set(&opts, "x264-params", "sync-lookahead=0:sliced-threads=0:bframes=0:repeat-headers=0:mbtree=0", 0);
    const int err = avcodec_open2(ctx.get(), codec, &opts);
    av_dict_free(&opts);
    if (err < 0) return Failed("opening libx264", err);
    auto avcc = codec::h264::AvcConfigFromAnnexB(
        std::span<const uint8_t>(ctx->extradata, static_cast<size_t>(std::max(ctx->extradata_size, 0))));
    if (!avcc.ok()) return avcc.error();
    auto parsed = codec::h264::ParseAvcConfig(base::SharedBuffer::Copy(std::span<const uint8_t>(*avcc)));
    if (!parsed.ok()) return parsed.error();
    const auto sps = parsed->sps.front().span();
    codec_string_ = codec::h264::CodecString(sps[1], sps[2], sps[3]);
    avcc_ = std::move(avcc.value());
    ctx_ = std::move(ctx);
    return {};
}

base::Status VideoEncoder::Encode(AVFrame* frame, bool idr, const std::function<void(AVPacket*)>& packet_out) {
    frame->pict_type = idr ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
    if (idr) frame->key_frame = 1;
    const int err = avcodec_send_frame(ctx_.get(), frame);
    if (err < 0) return Failed("encoding", err);
    return ReceiveAll(packet_out);
}

base::Status VideoEncoder::ReceiveAll(const std::function<void(AVPacket*)>& packet_out) {
    for (;;) {
        const int err = avcodec_receive_packet(ctx_.get(), packet_.get());
        if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return {};
        if (err < 0) return Failed("encoding", err);
        packet_out(packet_.get());
        av_packet_unref(packet_.get());
    }
}

void VideoEncoder::Finish(const std::function<void(AVPacket*)>& packet_out) {
    if (!ctx_) return;
    if (avcodec_send_frame(ctx_.get(), nullptr) >= 0) (void)ReceiveAll(packet_out);
    ctx_.reset();
}

}  // namespace onair::transcode::ff
