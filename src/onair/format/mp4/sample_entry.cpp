// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mp4/sample_entry.h"

#include <vector>

namespace onair::format::mp4 {
namespace {

// A descriptor's header: its tag and the size of its body, 7 bits a byte
// with the high bit saying "more" (14496-1 8.3.3).
void DescriptorHeader(uint8_t tag, size_t size, std::vector<uint8_t>& out) {
    out.push_back(tag);
    uint8_t groups[4];
    int n = 0;
    do {
        groups[n++] = static_cast<uint8_t>(size & 0x7f);
        size >>= 7;
    } while (size != 0 && n < 4);
    for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(groups[i] | (i > 0 ? 0x80 : 0)));
}

void Descriptor(uint8_t tag, const std::vector<uint8_t>& body, std::vector<uint8_t>& out) {
    DescriptorHeader(tag, body.size(), out);
    out.insert(out.end(), body.begin(), body.end());
}

std::vector<uint8_t> EsDescriptor(const media::CodecConfig& config, uint32_t track_id) {
    std::vector<uint8_t> dsi(config.extradata.span().begin(), config.extradata.span().end());
    std::vector<uint8_t> dcd;
    base::ByteWriter d(dcd);
    d.U8(kObjectTypeMpeg4Audio);
    d.U8(static_cast<uint8_t>((kStreamTypeAudio << 2) | 1));  // upStream 0, reserved 1
    d.U24(0);  // bufferSizeDB: unknown
    d.U32(0);  // maxBitrate
    d.U32(0);  // avgBitrate
    Descriptor(kDecSpecificInfoTag, dsi, dcd);

    std::vector<uint8_t> es;
    base::ByteWriter e(es);
    e.U16(static_cast<uint16_t>(track_id));  // ES_ID
    e.U8(0);  // no stream dependence, URL or OCR stream
    Descriptor(kDecoderConfigDescrTag, dcd, es);
    Descriptor(kSlConfigDescrTag, {0x02}, es);  // predefined: MP4 files
    std::vector<uint8_t> out;
    Descriptor(kEsDescrTag, es, out);
    return out;
}

void WriteAvc1(BoxWriter& w, const media::CodecConfig& config) {
    const size_t entry = w.Begin(Fourcc("avc1"));
    w.Zeros(6);   // reserved
    w.U16(1);     // data_reference_index
    w.Zeros(16);  // pre_defined, reserved, pre_defined[3]
    w.U16(static_cast<uint16_t>(config.width));
    w.U16(static_cast<uint16_t>(config.height));
    w.U32(0x00480000);  // 72 dpi
    w.U32(0x00480000);
    w.U32(0);      // reserved
    w.U16(1);      // frame_count
    w.Zeros(32);   // compressorname
    w.U16(0x0018); // depth
    w.U16(0xffff); // pre_defined = -1
    const size_t avcc = w.Begin(Fourcc("avcC"));
    w.Bytes(config.extradata.span());
    w.End(avcc);
    w.End(entry);
}

void WriteMp4a(BoxWriter& w, const media::CodecConfig& config, uint32_t track_id) {
    const size_t entry = w.Begin(Fourcc("mp4a"));
    w.Zeros(6);
    w.U16(1);    // data_reference_index
    w.Zeros(8);  // reserved (version 0)
    w.U16(static_cast<uint16_t>(config.channels > 0 ? config.channels : 2));
    w.U16(16);   // samplesize
    w.U16(0);    // pre_defined
    w.U16(0);    // reserved
    // 16.16 fixed point; rates over 65535 Hz do not fit and are left to the
    // AudioSpecificConfig (as the spec allows).
    w.U32(config.sample_rate > 0 && config.sample_rate <= 0xffff ? static_cast<uint32_t>(config.sample_rate) << 16
                                                                  : 0);
    const size_t esds = w.BeginFull(Fourcc("esds"), 0, 0);
    w.Bytes(EsDescriptor(config, track_id));
    w.End(esds);
    w.End(entry);
}

}  // namespace

void WriteSampleEntry(BoxWriter& w, const media::CodecConfig& config, uint32_t track_id) {
    if (config.codec == media::Codec::kH264) WriteAvc1(w, config);
    else if (config.codec == media::Codec::kAac) WriteMp4a(w, config, track_id);
}

}  // namespace onair::format::mp4
