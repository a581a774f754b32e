// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <span>

namespace onair::codec {

/// MSB-first bit reader over a byte span. Reading past the end never reads
/// out of bounds: it sets a sticky failure flag and returns 0, so a parser
/// reads a whole structure and checks `ok()` once.
class BitReader {
public:
    explicit BitReader(std::span<const uint8_t> data) : data_(data) {}

    bool ok() const { return ok_; }
    size_t bits_left() const { return ok_ ? data_.size() * 8 - pos_ : 0; }

    uint32_t Bits(unsigned n) {  // n <= 32
        uint32_t v = 0;
        for (unsigned i = 0; i < n; ++i) v = (v << 1) | Bit();
        return v;
    }
    uint32_t Bit() {
        if (pos_ >= data_.size() * 8) {
            ok_ = false;
            return 0;
        }
        const uint32_t b = (data_[pos_ >> 3] >> (7 - (pos_ & 7))) & 1u;
        ++pos_;
        return b;
    }
    void Skip(size_t n) {
        if (n > bits_left()) {
            ok_ = false;
            pos_ = data_.size() * 8;
            return;
        }
        pos_ += n;
    }
    /// ue(v): unsigned Exp-Golomb. Codes longer than 32 bits fail.
    uint32_t Ue() {
        unsigned zeros = 0;
        while (ok_ && Bit() == 0) {
            if (++zeros > 31) {
                ok_ = false;
                return 0;
            }
        }
        if (!ok_) return 0;
        if (zeros == 0) return 0;
        const uint64_t rest = Bits(zeros);
        return static_cast<uint32_t>((uint64_t{1} << zeros) - 1 + rest);
    }
    /// se(v): signed Exp-Golomb.
    int32_t Se() {
        const uint32_t k = Ue();
        const int64_t mag = (static_cast<int64_t>(k) + 1) / 2;
        return static_cast<int32_t>((k & 1) ? mag : -mag);
    }

private:
    std::span<const uint8_t> data_;
    size_t pos_ = 0;
    bool ok_ = true;
};

}  // namespace onair::codec
