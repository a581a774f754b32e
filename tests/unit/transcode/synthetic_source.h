// SPDX-License-Identifier: Apache-2.0
// A real H.264 source for the transcoder's tests, made here with libx264
// (through libavcodec): a moving pattern, B-frames, a keyframe every GOP,
// each keyframe stamped as a segment start as the ingest's Segmenter does.
#pragma once
#include <cstdint>
#include <vector>

#include "onair/media/packet.h"

namespace onair::transcode::test {

struct SyntheticSource {
    media::CodecConfig video;
    media::CodecConfig audio;
    std::vector<media::Packet> packets;  // video and audio, interleaved by DTS
    int video_frames = 0;
};

/// `seconds` of `width` x `height` at `fps`, a keyframe (and a segment
/// start) every `gop` frames; AAC-sized dummy audio frames every 1024
/// samples at 48 kHz (passed through, never decoded).
SyntheticSource MakeSource(int width, int height, int fps, int gop, double seconds);

}  // namespace onair::transcode::test
