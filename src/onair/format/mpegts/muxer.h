// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "onair/base/result.h"
#include "onair/base/shared_buffer.h"
#include "onair/codec/aac/audio_specific_config.h"
#include "onair/format/mpegts/h264_annexb.h"
#include "onair/format/mpegts/payload_chain.h"
#include "onair/format/mpegts/psi.h"
#include "onair/media/packet.h"

namespace onair::format::mpegts {

struct MuxerOptions {
    uint16_t transport_stream_id = 1;
    uint16_t program_number = 1;
    uint16_t pmt_pid = 0x1000;
    uint16_t video_pid = 0x100;
    uint16_t audio_pid = 0x101;
    /// Added to every PTS and DTS (90 kHz). The default, 1.4 s, is what
    /// ffmpeg uses: it keeps the PCR, which runs `pcr_delay` behind the DTS,
    /// positive from the first packet, and keeps small negative input
    /// timestamps (B-frame reordering, audio primed before video) from
    /// wrapping to 2^33. Every packager uses the same value, so renditions
    /// muxed from the same packets keep identical timestamps.
    int64_t timestamp_offset = 126000;
    /// How far the PCR runs behind the DTS of the PES it is written with
    /// (the decoder's buffering time; 0.7 s like ffmpeg). Never more than
    /// the offset, so the first PCR is 0 or more.
    int64_t pcr_delay = 63000;
    /// A PCR is written on the first PES of the PCR PID that starts at least
    /// this long (90 kHz) after the previous PCR; a PES on another PID that
    /// late gets a PCR-only packet on the PCR PID first. With 25-60 fps
    /// video this puts a PCR about every 33-40 ms. Keyframes and the first
    /// PES of a segment always carry one.
    int64_t pcr_interval = 2700;
    /// AAC frames are bundled into one PES while the bundle spans less than
    /// this (90 kHz) and stays under `audio_batch_bytes`: a 128 kb/s frame
    /// alone would spend half of its three TS packets on headers and
    /// stuffing. 0 writes one frame per PES. The bundle is also written
    /// before every video keyframe and at Flush(), so it never crosses a
    /// segment boundary and adds at most this much audio latency. The byte
    /// bound is capped so the PES length always fits its 16-bit field.
    int64_t audio_batch_duration = 9000;
    size_t audio_batch_bytes = 4096;
};

/// MPEG-TS muxer (ISO/IEC 13818-1) for one program of at most one H.264
/// stream (stream_type 0x1B) and one AAC stream (0x0F, ADTS).
///
/// Sans I/O: every call appends whole 188-byte packets to the caller's
/// vector. Payload bytes are copied once, from the packets' buffers into
/// that vector.
///
/// A segment is: BeginSegment(), Write() for each packet, Flush(). Its bytes
/// are a function of its number, the configured streams and its packets
/// only, never of the segments muxed before it, so packagers that started
/// at different segments write identical bytes:
///  - the continuity counters of the elementary streams restart at 0, and
///    the first TS packet of each elementary stream PID in the segment sets
///    the discontinuity_indicator (ISO/IEC 13818-1 2.4.3.5: the counter may
///    be discontinuous there), so consecutive segments still concatenate
///    into a stream that readers accept without a continuity error;
///  - the PAT's and PMT's continuity counter (one packet each per segment)
///    is the segment number mod 16: continuous across consecutive segments
///    and still a function of the segment;
///  - the PCR restarts from the segment's first PES: on the PCR PID the
///    discontinuity_indicator also says that this PCR starts a new time
///    base, so a PCR below the previous segment's last one is legal;
///  - the PMT version is a function of the stream set (PmtVersionFor), so
///    it differs whenever the streams differ.
/// Not thread-safe.
class Muxer {
public:
    explicit Muxer(const MuxerOptions& options = {});

    /// Sets the elementary streams (std::nullopt: no such stream). A config
    /// that cannot be muxed (not H.264/AAC, unparsable avcC or
    /// AudioSpecificConfig) is left out and reported; the other stream is
    /// still configured. Takes effect at once: call it between segments
    /// when the stream set changes. Parameter-set updates with the same
    /// streams keep the PMT version.
    base::Status Configure(const std::optional<media::CodecConfig>& video,
                           const std::optional<media::CodecConfig>& audio);

    bool has_video() const { return video_.configured; }
    bool has_audio() const { return audio_.configured; }
    uint8_t pmt_version() const { return pmt_.version; }
    /// The PMT version of a stream set: 0 video and audio, 1 video only,
    /// 2 audio only, 3 none. Not a counter of changes (that would depend on
    /// what the muxer saw before), but distinct for each set, so a change
    /// of streams is still a change of version.
    static uint8_t PmtVersionFor(bool video, bool audio) {
        return static_cast<uint8_t>((video ? 0 : 2) + (audio ? 0 : 1));
    }
    /// The PID carrying the PCR (video if present, else audio; 0x1FFF none).
    uint16_t pcr_pid() const { return pmt_.pcr_pid; }

    /// Starts segment number `sequence` (Flush() the previous one first):
    /// restarts the continuity counters and the PCR (see above) and writes
    /// the PAT and the PMT. The next PES on the PCR PID carries a PCR.
    void BeginSegment(uint64_t sequence, std::vector<uint8_t>& out);

    /// Muxes one packet. Audio may stay in the bundle until a later call or
    /// Flush(). Errors (no such stream configured, malformed access unit,
    /// an AAC frame too large for ADTS) write nothing: drop the packet.
    base::Status Write(const media::Packet& packet, std::vector<uint8_t>& out);

    /// Writes the pending audio bundle, if any.
    void Flush(std::vector<uint8_t>& out);

private:
    struct Stream {
        bool configured = false;
        uint16_t pid = 0;
        uint8_t stream_id = 0;
        uint8_t continuity_counter = 0;  // of the next packet with payload
        bool first_in_segment = true;     // the next packet sets discontinuity_indicator
    };
    struct AudioFrame {
        std::array<uint8_t, 7> adts;
        base::SharedBuffer frame;
    };

    base::Status WriteVideo(const media::Packet& packet, std::vector<uint8_t>& out);
    base::Status WriteAudio(const media::Packet& packet, std::vector<uint8_t>& out);
    /// Cuts chain_ (one PES) into packets on `stream`, deciding the PCR.
    void WritePes(Stream& stream, bool random_access, bool force_pcr, int64_t dts, std::vector<uint8_t>& out);
    void WritePcrOnlyPacket(int64_t pcr, std::vector<uint8_t>& out);

    const MuxerOptions options_;
    Pat pat_;
    Pmt pmt_;
    Stream video_;
    Stream audio_;
    H264AnnexB annexb_;
    codec::aac::AudioSpecificConfig asc_;

    std::vector<AudioFrame> audio_batch_;
    size_t audio_batch_bytes_ = 0;
    int64_t audio_batch_pts_ = 0;
    int64_t audio_batch_dts_ = 0;
    int64_t audio_last_pts_ = 0;

    std::optional<int64_t> last_pcr_;  // unwrapped 90 kHz, in this segment
    bool pcr_pending_ = true;          // set by BeginSegment
    PayloadChain chain_;               // the PES being written, reused
};

}  // namespace onair::format::mpegts
