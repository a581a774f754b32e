// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mp4/movie_boxes.h"

#include "onair/format/mp4/sample_entry.h"

namespace onair::format::mp4 {
namespace {

// 'und' as three 5-bit letters (offset 0x60), the ISO-639-2/T code of mdhd.
constexpr uint16_t kLanguageUndetermined = 0x55c4;

// Version 1 of the time fields when a duration needs 64 bits.
uint8_t TimeVersion(uint64_t duration) { return duration > UINT32_MAX ? 1 : 0; }

void TimeFields(BoxWriter& w, uint8_t version, uint64_t duration, uint32_t timescale_or_id, bool id_first) {
    // creation_time and modification_time 0: unknown (pure layer, no clock).
    if (version == 1) {
        w.U64(0);
        w.U64(0);
    } else {
        w.U32(0);
        w.U32(0);
    }
    w.U32(timescale_or_id);
    if (id_first) w.U32(0);  // tkhd: reserved between track_ID and duration
    if (version == 1) w.U64(duration);
    else w.U32(static_cast<uint32_t>(duration));
}

void WriteTkhd(BoxWriter& w, const TrakParams& p, const media::CodecConfig& config) {
    const uint8_t v = TimeVersion(p.track_duration);
    const size_t at = w.BeginFull(Fourcc("tkhd"), v, 0x000003);  // enabled, in movie
    TimeFields(w, v, p.track_duration, p.id, true);
    w.Zeros(8);  // reserved
    w.U16(0);    // layer
    w.U16(0);    // alternate_group
    w.U16(config.kind == media::TrackKind::kAudio ? 0x0100 : 0);  // volume
    w.U16(0);
    w.UnityMatrix();
    const bool video = config.kind == media::TrackKind::kVideo;
    w.U32(video ? static_cast<uint32_t>(config.width) << 16 : 0);
    w.U32(video ? static_cast<uint32_t>(config.height) << 16 : 0);
    w.End(at);
}

void WriteEdts(BoxWriter& w, const std::vector<Edit>& edits) {
    if (edits.empty()) return;
    uint8_t v = 0;
    for (const auto& e : edits) {
        if (e.segment_duration > UINT32_MAX || e.media_time > INT32_MAX) v = 1;
    }
    const size_t edts = w.Begin(Fourcc("edts"));
    const size_t elst = w.BeginFull(Fourcc("elst"), v, 0);
    w.U32(static_cast<uint32_t>(edits.size()));
    for (const auto& e : edits) {
        if (v == 1) {
            w.U64(e.segment_duration);
            w.U64(static_cast<uint64_t>(e.media_time));
        } else {
            w.U32(static_cast<uint32_t>(e.segment_duration));
            w.U32(static_cast<uint32_t>(static_cast<int32_t>(e.media_time)));
        }
        w.U16(1);  // media_rate 1.0
        w.U16(0);
    }
    w.End(elst);
    w.End(edts);
}

void WriteHdlr(BoxWriter& w, bool video) {
    const size_t at = w.BeginFull(Fourcc("hdlr"), 0, 0);
    w.U32(0);  // pre_defined
    w.U32(video ? Fourcc("vide") : Fourcc("soun"));
    w.Zeros(12);
    static constexpr std::string_view kVideoName("VideoHandler", 13);  // with its NUL
    static constexpr std::string_view kSoundName("SoundHandler", 13);
    const auto name = video ? kVideoName : kSoundName;
    w.Bytes({reinterpret_cast<const uint8_t*>(name.data()), name.size()});
    w.End(at);
}

void WriteMinfHeader(BoxWriter& w, bool video) {
    if (video) {
        const size_t at = w.BeginFull(Fourcc("vmhd"), 0, 1);
        w.Zeros(8);  // graphicsmode, opcolor
        w.End(at);
    } else {
        const size_t at = w.BeginFull(Fourcc("smhd"), 0, 0);
        w.Zeros(4);  // balance, reserved
        w.End(at);
    }
    const size_t dinf = w.Begin(Fourcc("dinf"));
    const size_t dref = w.BeginFull(Fourcc("dref"), 0, 0);
    w.U32(1);
    const size_t url = w.BeginFull(Fourcc("url "), 0, 1);  // self-contained: the media is in this file
    w.End(url);
    w.End(dref);
    w.End(dinf);
}

}  // namespace

void WriteFtyp(BoxWriter& w, Brand brand) {
    const size_t at = w.Begin(Fourcc("ftyp"));
    if (brand == Brand::kFragmented) {
        w.U32(Fourcc("iso6"));
        w.U32(0);
        for (const char* b : {"iso6", "cmfc", "isom", "mp41", "avc1"}) w.U32(Fourcc(b));
    } else {
        w.U32(Fourcc("isom"));
        w.U32(0x200);
        for (const char* b : {"isom", "iso2", "avc1", "mp41"}) w.U32(Fourcc(b));
    }
    w.End(at);
}

void WriteMvhd(BoxWriter& w, uint64_t duration, uint32_t next_track_id) {
    const uint8_t v = TimeVersion(duration);
    const size_t at = w.BeginFull(Fourcc("mvhd"), v, 0);
    TimeFields(w, v, duration, kMovieTimescale, false);
    w.U32(0x00010000);  // rate 1.0
    w.U16(0x0100);      // volume 1.0
    w.Zeros(10);        // reserved
    w.UnityMatrix();
    w.Zeros(24);        // pre_defined
    w.U32(next_track_id);
    w.End(at);
}

void WriteTrak(BoxWriter& w, const TrakParams& p, std::span<const media::CodecConfig> descriptions,
               const std::function<void(BoxWriter&)>& sample_tables) {
    static const media::CodecConfig kNone;
    const media::CodecConfig& first = descriptions.empty() ? kNone : descriptions.front();
    const bool video = first.kind == media::TrackKind::kVideo;
    const size_t trak = w.Begin(Fourcc("trak"));
    WriteTkhd(w, p, first);
    WriteEdts(w, p.edits);
    const size_t mdia = w.Begin(Fourcc("mdia"));
    const uint8_t v = TimeVersion(p.media_duration);
    const size_t mdhd = w.BeginFull(Fourcc("mdhd"), v, 0);
    TimeFields(w, v, p.media_duration, p.timescale, false);
    w.U16(kLanguageUndetermined);
    w.U16(0);
    w.End(mdhd);
    WriteHdlr(w, video);
    const size_t minf = w.Begin(Fourcc("minf"));
    WriteMinfHeader(w, video);
    const size_t stbl = w.Begin(Fourcc("stbl"));
    const size_t stsd = w.BeginFull(Fourcc("stsd"), 0, 0);
    w.U32(static_cast<uint32_t>(descriptions.size()));
    for (const auto& d : descriptions) WriteSampleEntry(w, d, p.id);
    w.End(stsd);
    sample_tables(w);
    w.End(stbl);
    w.End(minf);
    w.End(mdia);
    w.End(trak);
}

}  // namespace onair::format::mp4
