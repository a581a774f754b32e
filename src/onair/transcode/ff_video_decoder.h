// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <functional>

#include "onair/base/result.h"
#include "onair/media/packet.h"
#include "onair/transcode/ff_handles.h"

namespace onair::transcode::ff {

/// H.264 decoding of the source, once per broadcast (libavcodec): AVCC
/// access units in, frames out in presentation order, timestamps in
/// 90 kHz (the packets' clock).
class VideoDecoder {
public:
    /// (Re)opens for `config` (the avcC is the decoder's extradata).
    base::Status Open(const media::CodecConfig& config, int threads);
    bool is_open() const { return ctx_ != nullptr; }

    /// Decodes one access unit; `frame_out` gets each frame it completes
    /// (valid during the call). A corrupt access unit is an error for this
    /// unit only: decoding goes on with the next.
    base::Status Decode(const media::Packet& packet, const std::function<void(AVFrame*)>& frame_out);
    /// The frames still held (reordering), then the decoder is reset.
    void Drain(const std::function<void(AVFrame*)>& frame_out);

private:
    base::Status ReceiveAll(const std::function<void(AVFrame*)>& frame_out);

    CodecContextPtr ctx_;
    PacketPtr packet_ = NewPacket();
    FramePtr frame_ = NewFrame();
};

}  // namespace onair::transcode::ff
