// SPDX-License-Identifier: Apache-2.0
#include "unit/transcode/synthetic_source.h"

#include <algorithm>
#include <stdexcept>

#include "onair/codec/h264/annexb.h"
#include "onair/codec/h264/avc_config.h"
#include "onair/transcode/ff_handles.h"

namespace onair::transcode::test {

using namespace onair::transcode::ff;

SyntheticSource MakeSource(int width, int height, int fps, int gop, double seconds) {
    const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
    if (!codec) throw std::runtime_error("no libx264");
    CodecContextPtr ctx(avcodec_alloc_context3(codec));
    ctx->width = width;
    ctx->height = height;
    ctx->pix_fmt = AV_PIX_FMT_YUV420P;
    ctx->time_base = AVRational{1, 90000};
    ctx->framerate = AVRational{fps, 1};
    ctx->gop_size = gop;
    ctx->keyint_min = gop;
    ctx->max_b_frames = 2;
    ctx->bit_rate = 800000;
    ctx->thread_count = 1;
    ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary* opts = nullptr;
    av_dict_set(&opts, "preset", "ultrafast", 0);
    av_dict_set(&opts, "x264-params", "bframes=2:scenecut=0", 0);
    if (avcodec_open2(ctx.get(), codec, &opts) < 0) throw std::runtime_error("libx264 would not open");
    av_dict_free(&opts);

    SyntheticSource src;
    auto avcc = codec::h264::AvcConfigFromAnnexB({ctx->extradata, static_cast<size_t>(ctx->extradata_size)});
    if (!avcc.ok()) throw std::runtime_error(avcc.error().message);
    src.video.kind = media::TrackKind::kVideo;
    src.video.codec = media::Codec::kH264;
    src.video.extradata = base::SharedBuffer::Copy(std::span<const uint8_t>(*avcc));
    src.video.width = width;
    src.video.height = height;
    src.video.codec_string = "avc1.64001e";
    src.audio.kind = media::TrackKind::kAudio;
    src.audio.codec = media::Codec::kAac;
    const uint8_t asc[] = {0x11, 0x90};  // AAC LC, 48 kHz, stereo
    src.audio.extradata = base::SharedBuffer::Copy(std::span<const uint8_t>(asc));
    src.audio.sample_rate = 48000;
    src.audio.channels = 2;
    src.audio.codec_string = "mp4a.40.2";

    std::vector<media::Packet> video;
    int64_t segment = 0;
    const int64_t frame_ticks = 90000 / fps;
    const int frames = static_cast<int>(seconds * fps);
    // The encoder's timestamps start at 2 frames (room for B-frame DTS).
    auto take = [&](AVPacket* p) {
        media::Packet out;
        out.kind = media::TrackKind::kVideo;
        out.codec = media::Codec::kH264;
        out.pts = p->pts + 2 * frame_ticks;
        out.dts = p->dts + 2 * frame_ticks;
        out.keyframe = (p->flags & AV_PKT_FLAG_KEY) != 0;
        if (out.keyframe) out.segment_start = segment++;
        out.payload = base::SharedBuffer::Adopt(codec::h264::AnnexBToAvcc({p->data, static_cast<size_t>(p->size)}, true));
        video.push_back(std::move(out));
    };
    PacketPtr pkt = NewPacket();
    auto drain = [&] {
        while (avcodec_receive_packet(ctx.get(), pkt.get()) == 0) {
            take(pkt.get());
            av_packet_unref(pkt.get());
        }
    };
    for (int i = 0; i < frames; ++i) {
        FramePtr f = NewFrame();
        f->width = width;
        f->height = height;
        f->format = AV_PIX_FMT_YUV420P;
        av_frame_get_buffer(f.get(), 0);
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < width; ++x)
                f->data[0][y * f->linesize[0] + x] = static_cast<uint8_t>((x + 3 * i) ^ (y + i));
        for (int p = 1; p < 3; ++p)
            for (int y = 0; y < height / 2; ++y)
                std::fill_n(f->data[p] + y * f->linesize[p], width / 2, static_cast<uint8_t>(128 + (i % 32)));
        f->pts = i * frame_ticks;
        avcodec_send_frame(ctx.get(), f.get());
        drain();
    }
    avcodec_send_frame(ctx.get(), nullptr);
    drain();
    src.video_frames = static_cast<int>(video.size());

    std::vector<media::Packet> audio;
    const int64_t end = video.empty() ? 0 : video.back().pts;
    for (int64_t t = 2 * frame_ticks; t < end; t += 1920) {  // 1024 samples at 48 kHz = 1920 ticks
        media::Packet a;
        a.kind = media::TrackKind::kAudio;
        a.codec = media::Codec::kAac;
        a.dts = a.pts = t;
        a.keyframe = true;
        std::vector<uint8_t> bytes(200, static_cast<uint8_t>(t));
        a.payload = base::SharedBuffer::Adopt(std::move(bytes));
        audio.push_back(std::move(a));
    }
    std::merge(video.begin(), video.end(), audio.begin(), audio.end(), std::back_inserter(src.packets),
               [](const media::Packet& a, const media::Packet& b) { return a.dts < b.dts; });
    return src;
}

}  // namespace onair::transcode::test
