// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace onair::base {

/// Bounds-checked big-endian reader over a span. Every Read* returns false
/// (and leaves the output untouched) when not enough bytes remain.
class ByteReader {
public:
    explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

    size_t remaining() const { return data_.size() - pos_; }
    size_t position() const { return pos_; }
    bool empty() const { return remaining() == 0; }
    std::span<const uint8_t> rest() const { return data_.subspan(pos_); }

    bool ReadU8(uint8_t& v) { return ReadN(v, 1); }
    bool ReadU16(uint16_t& v) { return ReadN(v, 2); }
    bool ReadU24(uint32_t& v) { return ReadN(v, 3); }
    bool ReadU32(uint32_t& v) { return ReadN(v, 4); }
    bool ReadU64(uint64_t& v) { return ReadN(v, 8); }
    bool ReadBytes(size_t n, std::span<const uint8_t>& out) {
        if (remaining() < n) return false;
        out = data_.subspan(pos_, n);
        pos_ += n;
        return true;
    }
    bool Skip(size_t n) {
        if (remaining() < n) return false;
        pos_ += n;
        return true;
    }

private:
    template <typename T>
    bool ReadN(T& v, size_t n) {
        if (remaining() < n) return false;
        T r = 0;
        for (size_t i = 0; i < n; ++i) r = static_cast<T>((r << 8) | data_[pos_ + i]);
        v = r;
        pos_ += n;
        return true;
    }
    std::span<const uint8_t> data_;
    size_t pos_ = 0;
};

/// Appends big-endian integers to a byte vector.
class ByteWriter {
public:
    explicit ByteWriter(std::vector<uint8_t>& out) : out_(out) {}
    void U8(uint8_t v) { out_.push_back(v); }
    void U16(uint16_t v) { Put(v, 2); }
    void U24(uint32_t v) { Put(v, 3); }
    void U32(uint32_t v) { Put(v, 4); }
    void U64(uint64_t v) { Put(v, 8); }
    void Bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
    size_t size() const { return out_.size(); }

private:
    void Put(uint64_t v, int n) {
        for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    std::vector<uint8_t>& out_;
};

}  // namespace onair::base
