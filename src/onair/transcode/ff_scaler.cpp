// SPDX-License-Identifier: Apache-2.0
#include "onair/transcode/ff_scaler.h"

namespace onair::transcode::ff {

base::Result<FramePtr> Scaler::Scale(const AVFrame* in) {
    if (!sws_ || in->width != in_width_ || in->height != in_height_ || in->format != in_format_) {
        sws_.reset(sws_getContext(in->width, in->height, static_cast<AVPixelFormat>(in->format), width_, height_,
                                  AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
        if (!sws_)
            return base::MakeError(base::ErrorCode::kUnsupported,
                                   "transcode: cannot scale " + std::to_string(in->width) + "x" +
                                       std::to_string(in->height) + " (pixel format " + std::to_string(in->format) +
                                       ")");
        in_width_ = in->width;
        in_height_ = in->height;
        in_format_ = in->format;
    }
    FramePtr out = NewFrame();
    if (!out) return base::MakeError(base::ErrorCode::kInternal, "transcode: out of memory (frame)");
    out->width = width_;
    out->height = height_;
    out->format = AV_PIX_FMT_YUV420P;
    if (int err = av_frame_get_buffer(out.get(), 0); err < 0)
        return base::MakeError(base::ErrorCode::kInternal, Error("transcode: frame buffer", err));
    sws_scale(sws_.get(), in->data, in->linesize, 0, in->height, out->data, out->linesize);
    out->pts = in->pts;
    return out;
}

}  // namespace onair::transcode::ff
