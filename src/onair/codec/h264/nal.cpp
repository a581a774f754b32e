// SPDX-License-Identifier: Apache-2.0
#include "onair/codec/h264/nal.h"

#include "onair/base/byte_reader.h"

namespace onair::codec::h264 {

namespace {
base::Error Invalid(std::string message) { return base::MakeError(base::ErrorCode::kInvalidData, std::move(message)); }
}  // namespace

base::Status ForEachNal(std::span<const uint8_t> avcc, uint8_t length_size,
                        const std::function<void(std::span<const uint8_t>)>& fn) {
    if (length_size != 1 && length_size != 2 && length_size != 4) return Invalid("h264: NAL length size must be 1, 2 or 4");
    size_t pos = 0;
    while (pos < avcc.size()) {
        if (avcc.size() - pos < length_size) return Invalid("h264: truncated NAL unit length");
        uint32_t len = 0;
        for (uint8_t i = 0; i < length_size; ++i) len = (len << 8) | avcc[pos + i];
        pos += length_size;
        if (len > avcc.size() - pos) return Invalid("h264: NAL unit length runs past the access unit");
        if (len > 0) fn(avcc.subspan(pos, len));
        pos += len;
    }
    return base::Status::Ok();
}

void AppendWithFourByteLength(std::vector<uint8_t>& out, std::span<const uint8_t> nal) {
    const auto n = static_cast<uint32_t>(nal.size());
    out.push_back(static_cast<uint8_t>(n >> 24));
    out.push_back(static_cast<uint8_t>(n >> 16));
    out.push_back(static_cast<uint8_t>(n >> 8));
    out.push_back(static_cast<uint8_t>(n));
    out.insert(out.end(), nal.begin(), nal.end());
}

base::Result<std::vector<uint8_t>> ToFourByteLengths(std::span<const uint8_t> avcc, uint8_t length_size) {
    std::vector<uint8_t> out;
    out.reserve(avcc.size() + avcc.size() / 8 + 16);
    auto st = ForEachNal(avcc, length_size, [&](std::span<const uint8_t> nal) { AppendWithFourByteLength(out, nal); });
    if (!st.ok()) return st.error();
    return out;
}

bool ContainsIdr(std::span<const uint8_t> avcc4) {
    bool idr = false;
    (void)ForEachNal(avcc4, 4, [&](std::span<const uint8_t> nal) {
        if (NalTypeOf(nal[0]) == static_cast<uint8_t>(NalType::kIdr)) idr = true;
    });
    return idr;
}

void UnescapeRbsp(std::span<const uint8_t> nal, std::vector<uint8_t>& rbsp) {
    rbsp.clear();
    rbsp.reserve(nal.size());
    unsigned zeros = 0;
    for (uint8_t b : nal) {
        if (zeros >= 2 && b == 0x03) {
            zeros = 0;
            continue;  // emulation_prevention_three_byte
        }
        zeros = b == 0 ? zeros + 1 : 0;
        rbsp.push_back(b);
    }
}

}  // namespace onair::codec::h264
