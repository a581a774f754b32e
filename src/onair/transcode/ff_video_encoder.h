// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "onair/base/result.h"
#include "onair/format/ladder/ladder.h"
#include "onair/transcode/ff_handles.h"

namespace onair::transcode::ff {

struct EncoderSettings {
    int width = 0;
    int height = 0;
    AVRational frame_rate{30, 1};  // for rate control; timestamps stay the source's
    format::ladder::RenditionSpec spec;
    std::string preset = "veryfast";
    int threads = 1;
};

/// libx264 through libavcodec, tuned for live ABR: no B-frames and no
/// lookahead (a frame in is a packet out: no added latency, and decode
/// order is presentation order), keyframes only where asked (the source's
/// segment starts), VBV-capped bitrate. 90 kHz timestamps in and out.
class VideoEncoder {
public:
    base::Status Open(const EncoderSettings& settings);
    bool is_open() const { return ctx_ != nullptr; }
    /// The avcC of the stream (from the encoder's global header) and its
    /// RFC 6381 string, from the real SPS.
    const std::vector<uint8_t>& avcc() const { return avcc_; }
    const std::string& codec_string() const { return codec_string_; }

    /// Encodes a yuv420p frame of the opened size; `idr` forces an IDR.
    /// `packet_out` gets each packet completed (valid during the call).
    base::Status Encode(AVFrame* frame, bool idr, const std::function<void(AVPacket*)>& packet_out);
    /// The packets still held, then the encoder is closed.
    void Finish(const std::function<void(AVPacket*)>& packet_out);

private:
    base::Status ReceiveAll(const std::function<void(AVPacket*)>& packet_out);

    CodecContextPtr ctx_;
    PacketPtr packet_ = NewPacket();
    std::vector<uint8_t> avcc_;
    std::string codec_string_;
};

}  // namespace onair::transcode::ff
