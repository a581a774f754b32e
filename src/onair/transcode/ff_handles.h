// SPDX-License-Identifier: Apache-2.0
// FFmpeg's objects, each with an owner. Included only by the transcode
// module's own files (tools/check_layers.cmake): no FFmpeg type leaves it.
#pragma once
#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

namespace onair::transcode::ff {

struct CodecContextFree {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFree {
    void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextFree>;
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;
using SwsPtr = std::unique_ptr<SwsContext, SwsFree>;

inline FramePtr NewFrame() { return FramePtr(av_frame_alloc()); }
inline PacketPtr NewPacket() { return PacketPtr(av_packet_alloc()); }
/// A new reference to `frame`'s buffers (no pixel copy).
inline FramePtr RefFrame(const AVFrame* frame) {
    FramePtr f(av_frame_alloc());
    if (f && av_frame_ref(f.get(), frame) < 0) f.reset();
    return f;
}

/// "what: FFmpeg's message (code)".
inline std::string Error(const std::string& what, int code) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {0};
    av_strerror(code, text, sizeof text);
    return what + ": " + text + " (" + std::to_string(code) + ")";
}

}  // namespace onair::transcode::ff
