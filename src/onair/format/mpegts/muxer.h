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
/// that vector. Continuity counters run per PID across segments, so
/// consecutive segments form one valid transport stream; a new stream set
/// (Configure) bumps the PMT version.
///
/// A segment is: WriteTables(), Write() for each packet, Flush().
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
    /// The PID carrying the PCR (video if present, else audio; 0x1FFF none).
    uint16_t pcr_pid() const { return pmt_.pcr_pid; }

    /// Writes the PAT and the PMT (the start of every segment). The next
    /// PES on the PCR PID carries a PCR.
    void WriteTables(std::vector<uint8_t>& out);

    /// Muxes one packet. Audio may stay in the bundle until a later call or
    /// Flush(). Errors (no such stream configured, malformed access unit,
    /// an AAC frame too large for ADTS) write nothing: drop the packet.
    base::Status Write(const media::Packet& packet, std::vector<uint8_t>& out);

    /// Writes the pending audio bundle, if any.
    void Flush(std::vector<uint8_t>& out);

    /// The timestamps that follow may not continue the previous ones (a
    /// takeover from another encoder). If the next PCR would go backwards,
    /// it is written as is with the discontinuity_indicator set (a new time
    /// base) instead of being held at the last PCR.
    void MarkDiscontinuity() { pcr_rebase_allowed_ = true; }

private:
    struct Stream {
        bool configured = false;
        uint16_t pid = 0;
        uint8_t stream_id = 0;
        uint8_t continuity_counter = 0;
    };
    struct AudioFrame {
        std::array<uint8_t, 7> adts;
        base::SharedBuffer frame;
    };

    base::Status WriteVideo(const media::Packet& packet, std::vector<uint8_t>& out);
    base::Status WriteAudio(const media::Packet& packet, std::vector<uint8_t>& out);
    /// Cuts chain_ (one PES) into packets on `stream`, deciding the PCR.
    void WritePes(Stream& stream, bool random_access, bool force_pcr, int64_t dts, std::vector<uint8_t>& out);
    void WritePcrOnlyPacket(int64_t pcr, bool discontinuity, std::vector<uint8_t>& out);

    const MuxerOptions options_;
    Pat pat_;
    Pmt pmt_;
    bool pmt_valid_ = false;
    uint8_t pat_cc_ = 0;
    uint8_t pmt_cc_ = 0;
    Stream video_;
    Stream audio_;
    H264AnnexB annexb_;
    codec::aac::AudioSpecificConfig asc_;

    std::vector<AudioFrame> audio_batch_;
    size_t audio_batch_bytes_ = 0;
    int64_t audio_batch_pts_ = 0;
    int64_t audio_batch_dts_ = 0;
    int64_t audio_last_pts_ = 0;

    std::optional<int64_t> last_pcr_;  // unwrapped 90 kHz
    bool pcr_pending_ = true;          // set by WriteTables
    bool pcr_rebase_allowed_ = false;  // set by MarkDiscontinuity
    PayloadChain chain_;               // the PES being written, reused
};

}  // namespace onair::format::mpegts
