// SPDX-License-Identifier: Apache-2.0
// Runs every codec parser on the same arbitrary bytes: SPS, avcC, Annex B, AVCC
// framing with 1/2/4-byte lengths, emulation-prevention removal, the
// AudioSpecificConfig and ADTS headers, and raw Exp-Golomb reads. Each
// result is checked against an independent property (round trips, limits,
// agreement between the framing functions).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "onair/codec/aac/audio_specific_config.h"
#include "onair/codec/bit_reader.h"
#include "onair/codec/h264/annexb.h"
#include "onair/codec/h264/avc_config.h"
#include "onair/codec/h264/nal.h"
#include "onair/codec/h264/sps.h"

using namespace onair;
using namespace onair::codec;

namespace {

void Check(bool ok) {
    if (!ok) std::abort();
}

void FuzzSps(std::span<const uint8_t> in) {
    auto sps = h264::ParseSps(in);
    if (!sps.ok()) {
        Check(sps.error().code == base::ErrorCode::kInvalidData);
        return;
    }
    Check(sps->width >= 1 && sps->width <= 16384 && sps->height >= 1 && sps->height <= 16384);
    Check(sps->chroma_format_idc <= 3);
    Check(sps->bit_depth_luma >= 8 && sps->bit_depth_luma <= 14);
    Check(sps->seq_parameter_set_id <= 31);
    // Bytes 1 and 2 cannot be emulation-prevention bytes.
    Check(sps->profile_idc == in[1] && sps->constraint_flags == in[2]);
}

void FuzzAvcConfig(std::span<const uint8_t> in) {
    const auto record = base::SharedBuffer::Copy(in);
    h264::AvcConfigLimits limits;
    auto c = h264::ParseAvcConfig(record, limits);
    if (!c.ok()) return;
    Check(!c->sps.empty() && !c->pps.empty());
    Check(c->sps.size() + c->pps.size() <= limits.max_parameter_sets);
    Check(c->nal_length_size == 1 || c->nal_length_size == 2 || c->nal_length_size == 4);
    for (const auto& s : c->sps) {
        Check(!s.empty() && s.size() <= limits.max_parameter_set_bytes && (s[0] & 0x1f) == 7);
        Check(s.data() >= record.data() && s.data() + s.size() <= record.data() + record.size());
    }
    for (const auto& p : c->pps) Check(!p.empty() && (p[0] & 0x1f) == 8);
    // Written back (4-byte lengths) it parses to the same parameter sets.
    const auto written = h264::WriteAvcConfig(c.value());
    auto again = h264::ParseAvcConfig(base::SharedBuffer::Copy(written), limits);
    Check(again.ok());
    Check(again->nal_length_size == 4);
    Check(again->profile_idc == c->profile_idc && again->level_idc == c->level_idc &&
          again->profile_compatibility == c->profile_compatibility);
    Check(again->sps.size() == c->sps.size() && again->pps.size() == c->pps.size());
    for (size_t i = 0; i < c->sps.size(); ++i) Check(again->sps[i].view() == c->sps[i].view());
    for (size_t i = 0; i < c->pps.size(); ++i) Check(again->pps[i].view() == c->pps[i].view());
    // Its SPS, when parsed, obeys the same limits as FuzzSps checks.
    FuzzSps(c->sps[0].span());
}

void FuzzFraming(std::span<const uint8_t> in) {
    for (uint8_t n : {uint8_t{1}, uint8_t{2}, uint8_t{4}}) {
        std::vector<std::vector<uint8_t>> nals;
        bool idr = false;
        const auto st = h264::ForEachNal(in, n, [&](std::span<const uint8_t> nal) {
            Check(!nal.empty());
            Check(nal.data() >= in.data() && nal.data() + nal.size() <= in.data() + in.size());
            nals.emplace_back(nal.begin(), nal.end());
            if ((nal[0] & 0x1f) == 5) idr = true;
        });
        auto four = h264::ToFourByteLengths(in, n);
        Check(four.ok() == st.ok());
        if (!st.ok()) continue;
        // Re-framed: the same units, in order, now with 4-byte lengths.
        size_t i = 0;
        Check(h264::ForEachNal(four.value(), 4, [&](std::span<const uint8_t> nal) {
                  Check(i < nals.size() && std::equal(nal.begin(), nal.end(), nals[i].begin(), nals[i].end()));
                  ++i;
              }).ok());
        Check(i == nals.size());
        Check(h264::ContainsIdr(four.value()) == idr);
        if (n == 4) {
            Check(h264::ContainsIdr(in) == idr);
            size_t total = 0;
            for (const auto& x : nals) total += 4 + x.size();
            Check(four->size() == total);
        }
    }
    std::vector<uint8_t> rbsp;
    h264::UnescapeRbsp(in, rbsp);
    Check(rbsp.size() <= in.size());
    // Removal only ever drops 03 bytes that follow two zeros.
    size_t zeros = 0;
    size_t j = 0;
    for (uint8_t b : in) {
        if (zeros >= 2 && b == 3) {
            zeros = 0;
            continue;
        }
        Check(j < rbsp.size() && rbsp[j] == b);
        ++j;
        zeros = b == 0 ? zeros + 1 : 0;
    }
    Check(j == rbsp.size());
}

void FuzzAac(std::span<const uint8_t> in) {
    auto c = aac::ParseAudioSpecificConfig(in);
    if (!c.ok()) {
        Check(c.error().code == base::ErrorCode::kInvalidData || c.error().code == base::ErrorCode::kUnsupported);
        return;
    }
    Check(c->object_type != 0);
    Check(c->channel_config >= 1 && c->channel_config <= 7);
    Check(c->sample_rate > 0);
    Check(c->sampling_index < 13 || c->sampling_index == 15);
    const size_t frame = in.size() * 31 % 8185;
    const auto h = aac::AdtsHeader(c.value(), frame);
    // Sync word, MPEG-4, layer 0, no CRC.
    Check(h[0] == 0xff && h[1] == 0xf1);
    const unsigned channels = ((h[2] & 1u) << 2) | (h[3] >> 6);
    Check(channels == c->channel_config);
    const unsigned index = (h[2] >> 2) & 0xf;
    Check(index < 13);
    if (c->sampling_index < 13) Check(index == c->sampling_index);
    const size_t len = ((h[3] & 3u) << 11) | (size_t{h[4]} << 3) | (h[5] >> 5);
    Check(len == frame + 7);
    Check((h[5] & 0x1f) == 0x1f && h[6] == 0xfc);
}

void FuzzBits(std::span<const uint8_t> in) {
    BitReader br(in);
    size_t reads = 0;
    while (br.ok() && reads++ < 4096) {
        const size_t before = br.bits_left();
        (void)((reads & 1) ? br.Ue() : static_cast<uint32_t>(br.Se()));
        if (br.ok()) Check(br.bits_left() < before);
    }
}

}  // namespace

// Annex B (an encoder's output): every NAL unit found lies inside the input
// and the AVCC re-framing holds exactly those units; the avcC built from
// the parameter sets parses back.
void FuzzAnnexB(std::span<const uint8_t> in) {
    size_t units = 0, bytes = 0;
    h264::ForEachAnnexBNal(in, [&](std::span<const uint8_t> nal) {
        Check(!nal.empty() && nal.data() >= in.data() && nal.data() + nal.size() <= in.data() + in.size());
        ++units;
        bytes += nal.size();
    });
    const auto avcc = h264::AnnexBToAvcc(in, false);
    Check(avcc.size() == bytes + 4 * units);
    size_t again = 0;
    Check(h264::ForEachNal(avcc, 4, [&](std::span<const uint8_t>) { ++again; }).ok());
    Check(again == units);
    auto record = h264::AvcConfigFromAnnexB(in);
    if (record.ok()) Check(h264::ParseAvcConfig(base::SharedBuffer::Copy(std::span<const uint8_t>(*record))).ok());
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> in(data, size);
    FuzzSps(in);
    FuzzAvcConfig(in);
    FuzzFraming(in);
    FuzzAac(in);
    FuzzBits(in);
    FuzzAnnexB(in);
    return 0;
}
