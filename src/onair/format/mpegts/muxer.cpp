// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mpegts/muxer.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "onair/codec/h264/avc_config.h"
#include "onair/format/mpegts/pes.h"
#include "onair/format/mpegts/ts_packet.h"

namespace onair::format::mpegts {

namespace {
constexpr size_t kAdtsHeaderSize = 7;
constexpr size_t kMaxAdtsFrame = 0x1FFF;  // 13-bit aac_frame_length, header included
// RTMP carries milliseconds: a frame's timestamp is up to 1 ms off its exact
// place; 2 ms still counts as "follows the previous frame".
constexpr int64_t kAudioJitterTicks = 180;
}  // namespace

Muxer::Muxer(const MuxerOptions& options) : options_(options) {
    pat_.transport_stream_id = options_.transport_stream_id;
    pat_.program_number = options_.program_number;
    pat_.pmt_pid = options_.pmt_pid;
    pmt_.program_number = options_.program_number;
    video_.pid = options_.video_pid;
    video_.stream_id = kVideoStreamId;
    audio_.pid = options_.audio_pid;
    audio_.stream_id = kAudioStreamId;
}

base::Status Muxer::Configure(const std::optional<media::CodecConfig>& video,
                              const std::optional<media::CodecConfig>& audio) {
    std::string problems;
    video_.configured = false;
    if (video) {
        if (video->codec != media::Codec::kH264) {
            problems += std::string("video codec ") + media::CodecName(video->codec) + " is not supported; ";
        } else if (auto avc = codec::h264::ParseAvcConfig(video->extradata); !avc.ok()) {
            problems += "avcC: " + avc.error().message + "; ";
        } else {
            annexb_.SetParameterSets(std::move(avc->sps), std::move(avc->pps));
            video_.configured = true;
        }
    }
    audio_.configured = false;
    if (audio) {
        if (audio->codec != media::Codec::kAac) {
            problems += std::string("audio codec ") + media::CodecName(audio->codec) + " is not supported; ";
        } else if (auto asc = codec::aac::ParseAudioSpecificConfig(audio->extradata.span()); !asc.ok()) {
            problems += "AudioSpecificConfig: " + asc.error().message + "; ";
        } else {
            asc_ = *asc;
            audio_.configured = true;
        }
    }
    if (!audio_.configured) {
        audio_batch_.clear();
        audio_batch_bytes_ = 0;
    }

    pmt_.streams.clear();
    if (video_.configured) pmt_.streams.push_back({kStreamTypeH264, video_.pid});
    if (audio_.configured) pmt_.streams.push_back({kStreamTypeAacAdts, audio_.pid});
    pmt_.pcr_pid = video_.configured ? video_.pid : audio_.configured ? audio_.pid : kNullPid;
    pmt_.version = PmtVersionFor(video_.configured, audio_.configured);

    if (!problems.empty()) {
        problems.resize(problems.size() - 2);
        return base::MakeError(base::ErrorCode::kUnsupported, "mpegts: " + problems);
    }
    return base::Status::Ok();
}

void Muxer::BeginSegment(uint64_t sequence, std::vector<uint8_t>& out) {
    for (Stream* s : {&video_, &audio_}) {
        s->continuity_counter = 0;
        s->first_in_segment = true;
    }
    last_pcr_.reset();
    pcr_pending_ = true;
    // One PAT and one PMT per segment: numbered by the segment, they count
    // on from one segment to the next.
    const auto table_cc = static_cast<uint8_t>(sequence & 0x0F);
    std::vector<uint8_t> section;
    section.reserve(64);
    WritePatSection(pat_, section);
    WriteSectionPacket(kPatPid, table_cc, section, out);
    section.clear();
    WritePmtSection(pmt_, section);
    WriteSectionPacket(options_.pmt_pid, table_cc, section, out);
}

base::Status Muxer::Write(const media::Packet& packet, std::vector<uint8_t>& out) {
    if (packet.kind == media::TrackKind::kVideo) return WriteVideo(packet, out);
    return WriteAudio(packet, out);
}

base::Status Muxer::WriteVideo(const media::Packet& packet, std::vector<uint8_t>& out) {
    if (!video_.configured || packet.codec != media::Codec::kH264)
        return base::MakeError(base::ErrorCode::kUnsupported, "mpegts: no H.264 stream configured");
    // Audio written so far goes before the keyframe, so that a segment
    // (which starts at a keyframe) holds no audio of the previous one.
    if (packet.keyframe) Flush(out);
    chain_.Clear();
    const int64_t pts = packet.pts + options_.timestamp_offset;
    const int64_t dts = packet.dts + options_.timestamp_offset;
    PesHeader header;
    header.stream_id = video_.stream_id;
    header.pts = pts;
    if (dts != pts) header.dts = dts;
    header.bounded = false;
    const PesHeaderBytes header_bytes = WritePesHeader(header);
    chain_.Append(header_bytes.span());
    if (auto s = annexb_.Append(packet.payload.span(), packet.keyframe, chain_); !s.ok()) {
        chain_.Clear();
        return s;
    }
    WritePes(video_, packet.keyframe, packet.keyframe, dts, out);
    return base::Status::Ok();
}

base::Status Muxer::WriteAudio(const media::Packet& packet, std::vector<uint8_t>& out) {
    if (!audio_.configured || packet.codec != media::Codec::kAac)
        return base::MakeError(base::ErrorCode::kUnsupported, "mpegts: no AAC stream configured");
    const size_t size = packet.payload.size();
    if (size == 0) return base::Status::Ok();
    if (size + kAdtsHeaderSize > kMaxAdtsFrame)
        return base::MakeError(base::ErrorCode::kInvalidData, "mpegts: AAC frame too large for ADTS");
    const int64_t pts = packet.pts + options_.timestamp_offset;
    const int64_t dts = packet.dts + options_.timestamp_offset;
    // A reader times the frames of one PES from its PTS, one frame duration
    // apart: only frames that really follow each other may share a PES. One
    // that does not (a gap, an overlap, a re-stamped timestamp) starts a new
    // PES with its own PTS, or the reader's timestamps would run backwards.
    const int64_t frame_ticks = asc_.sample_rate > 0 ? 1024 * media::kTimescale / asc_.sample_rate : 0;
    const bool contiguous = std::abs(pts - (audio_last_pts_ + frame_ticks)) <= kAudioJitterTicks;
    if (!audio_batch_.empty() &&
        (pts - audio_batch_pts_ >= options_.audio_batch_duration || !contiguous ||
         audio_batch_bytes_ + kAdtsHeaderSize + size > std::min(options_.audio_batch_bytes, kMaxBoundedPesPayload))) {
        Flush(out);
    }
    if (audio_batch_.empty()) {
        audio_batch_pts_ = pts;
        audio_batch_dts_ = dts;
    }
    audio_batch_.push_back(AudioFrame{codec::aac::AdtsHeader(asc_, size), packet.payload});
    audio_batch_bytes_ += kAdtsHeaderSize + size;
    audio_last_pts_ = pts;
    if (options_.audio_batch_duration <= 0) Flush(out);
    return base::Status::Ok();
}

void Muxer::Flush(std::vector<uint8_t>& out) {
    if (audio_batch_.empty()) return;
    chain_.Clear();
    PesHeader header;
    header.stream_id = audio_.stream_id;
    header.pts = audio_batch_pts_;
    if (audio_batch_dts_ != audio_batch_pts_) header.dts = audio_batch_dts_;
    header.payload_size = audio_batch_bytes_;
    header.bounded = true;
    const PesHeaderBytes header_bytes = WritePesHeader(header);
    chain_.Append(header_bytes.span());
    for (const auto& f : audio_batch_) {
        chain_.Append(f.adts);
        chain_.Append(f.frame.span());
    }
    // Every AAC frame is a random access point; say so when audio is all
    // there is, as demuxers looking for a start point expect.
    const bool audio_only = !video_.configured;
    WritePes(audio_, audio_only, false, audio_batch_dts_, out);
    audio_batch_.clear();
    audio_batch_bytes_ = 0;
}

void Muxer::WritePes(Stream& stream, bool random_access, bool force_pcr, int64_t dts, std::vector<uint8_t>& out) {
    std::optional<int64_t> pcr;
    if (pmt_.pcr_pid != kNullPid) {
        const int64_t delay =
            std::clamp<int64_t>(options_.pcr_delay, 0, std::max<int64_t>(options_.timestamp_offset, 0));
        int64_t candidate = std::max<int64_t>(dts - delay, 0);
        // Interleaving puts a slightly older DTS after a newer one: the PCR
        // holds. (At a segment start it restarts: see BeginSegment.)
        if (last_pcr_ && candidate < *last_pcr_) candidate = *last_pcr_;
        const bool on_pcr_pid = stream.pid == pmt_.pcr_pid;
        const bool late = !last_pcr_ || candidate - *last_pcr_ >= options_.pcr_interval;
        if (on_pcr_pid ? (late || force_pcr || pcr_pending_) : late) {
            last_pcr_ = candidate;
            if (on_pcr_pid) {
                pcr = candidate;
                pcr_pending_ = false;
            } else {
                WritePcrOnlyPacket(candidate, out);
            }
        }
    }
    PacketFields fields;
    fields.pid = stream.pid;
    fields.payload_unit_start = true;
    fields.random_access = random_access;
    fields.pcr = pcr;
    // The segment's first packet on this PID: the counter restarted (and on
    // the PCR PID, with the PCR it carries, a new time base starts).
    fields.discontinuity = stream.first_in_segment;
    stream.first_in_segment = false;
    while (!chain_.empty()) {
        fields.continuity_counter = stream.continuity_counter;
        WritePacket(fields, chain_, out);
        stream.continuity_counter = (stream.continuity_counter + 1) & 0x0F;
        fields.payload_unit_start = false;
        fields.random_access = false;
        fields.discontinuity = false;
        fields.pcr.reset();
    }
    chain_.Clear();
}

void Muxer::WritePcrOnlyPacket(int64_t pcr, std::vector<uint8_t>& out) {
    Stream& carrier = video_.configured && video_.pid == pmt_.pcr_pid ? video_ : audio_;
    PacketFields fields;
    fields.pid = pmt_.pcr_pid;
    // No payload, so the continuity counter repeats the last one sent (15
    // before the segment's first, which then counts on to 0).
    fields.continuity_counter = static_cast<uint8_t>((carrier.continuity_counter + 15) & 0x0F);
    fields.pcr = pcr;
    fields.discontinuity = carrier.first_in_segment;
    carrier.first_in_segment = false;
    PayloadChain empty;
    WritePacket(fields, empty, out);
}

}  // namespace onair::format::mpegts
