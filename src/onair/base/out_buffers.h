// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "onair/base/shared_buffer.h"

namespace onair::base {

/// A gather list for one write: small bytes (headers) copied into an arena,
/// payloads referenced without a copy. Protocol writers append to it; the
/// socket layer turns it into a scatter-gather write.
class OutBuffers {
public:
    struct Piece {
        bool shared;       // true: `buffer`; false: arena_[offset, offset+length)
        size_t offset;
        size_t length;
        SharedBuffer buffer;
    };

    void AppendCopy(std::span<const uint8_t> bytes) {
        if (bytes.empty()) return;
        if (!pieces_.empty() && !pieces_.back().shared &&
            pieces_.back().offset + pieces_.back().length == arena_.size()) {
            pieces_.back().length += bytes.size();
        } else {
            pieces_.push_back(Piece{false, arena_.size(), bytes.size(), {}});
        }
        arena_.insert(arena_.end(), bytes.begin(), bytes.end());
        total_ += bytes.size();
    }
    void AppendCopy(std::string_view s) {
        AppendCopy(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
    }
    void AppendShared(const SharedBuffer& buffer) {
        if (buffer.empty()) return;
        pieces_.push_back(Piece{true, 0, buffer.size(), buffer});
        total_ += buffer.size();
    }

    /// Calls fn(const uint8_t* data, size_t size) for each piece, in order.
    template <typename Fn>
    void ForEach(Fn&& fn) const {
        for (const auto& p : pieces_) {
            if (p.shared) fn(p.buffer.data(), p.length);
            else fn(arena_.data() + p.offset, p.length);
        }
    }

    /// All bytes in one contiguous vector (tests, small messages).
    std::vector<uint8_t> Flatten() const {
        std::vector<uint8_t> out;
        out.reserve(total_);
        ForEach([&](const uint8_t* d, size_t n) { out.insert(out.end(), d, d + n); });
        return out;
    }

    size_t size() const { return total_; }
    bool empty() const { return total_ == 0; }
    size_t piece_count() const { return pieces_.size(); }
    void Clear() {
        pieces_.clear();
        arena_.clear();
        total_ = 0;
    }

private:
    std::vector<Piece> pieces_;
    std::vector<uint8_t> arena_;
    size_t total_ = 0;
};

}  // namespace onair::base
