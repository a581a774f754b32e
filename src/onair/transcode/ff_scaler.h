// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "onair/base/result.h"
#include "onair/transcode/ff_handles.h"

namespace onair::transcode::ff {

/// One rendition's picture size: any decoded frame to yuv420p of
/// `width` x `height` (libswscale, bicubic). The context is rebuilt when
/// the input's size or format changes (a republish at another size).
class Scaler {
public:
    Scaler(int width, int height) : width_(width), height_(height) {}
    /// A new frame (its own buffers, so it can be handed on while the
    /// next is scaled); the timestamps are the input's.
    base::Result<FramePtr> Scale(const AVFrame* in);

private:
    const int width_;
    const int height_;
    SwsPtr sws_;
    int in_width_ = 0;
    int in_height_ = 0;
    int in_format_ = -1;
};

}  // namespace onair::transcode::ff
