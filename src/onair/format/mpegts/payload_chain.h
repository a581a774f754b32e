// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace onair::format::mpegts {

/// A read cursor over a list of byte spans: one PES packet (header, start
/// codes, NAL units, ADTS headers, frames) assembled without copying, so the
/// only copy is the one into the segment when it is cut into TS packets.
///
/// The chain does not own the bytes: they must outlive it.
class PayloadChain {
public:
    void Append(std::span<const uint8_t> bytes) {
        if (bytes.empty()) return;
        pieces_.push_back(bytes);
        remaining_ += bytes.size();
    }

    /// Bytes not yet consumed.
    size_t remaining() const { return remaining_; }
    bool empty() const { return remaining_ == 0; }

    /// Appends the next min(n, remaining()) bytes to `out` and consumes them.
    size_t CopyTo(size_t n, std::vector<uint8_t>& out) {
        size_t copied = 0;
        while (copied < n && index_ < pieces_.size()) {
            const auto piece = pieces_[index_].subspan(offset_);
            const size_t take = piece.size() < n - copied ? piece.size() : n - copied;
            out.insert(out.end(), piece.begin(), piece.begin() + static_cast<std::ptrdiff_t>(take));
            copied += take;
            offset_ += take;
            if (offset_ == pieces_[index_].size()) {
                ++index_;
                offset_ = 0;
            }
        }
        remaining_ -= copied;
        return copied;
    }

    /// Forgets every piece (keeps the capacity for the next PES).
    void Clear() {
        pieces_.clear();
        index_ = 0;
        offset_ = 0;
        remaining_ = 0;
    }

private:
    std::vector<std::span<const uint8_t>> pieces_;
    size_t index_ = 0;
    size_t offset_ = 0;
    size_t remaining_ = 0;
};

}  // namespace onair::format::mpegts
