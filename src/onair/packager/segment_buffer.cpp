// SPDX-License-Identifier: Apache-2.0
#include "onair/packager/segment_buffer.h"

#include <algorithm>
#include <cstring>

namespace onair::packager {

void SegmentBuffer::Reset(size_t capacity) {
    storage_.reset();
    capacity_ = 0;
    size_ = 0;
    if (capacity > 0) {
        storage_ = std::make_shared_for_overwrite<uint8_t[]>(capacity);
        capacity_ = capacity;
    }
}

void SegmentBuffer::Append(std::span<const uint8_t> bytes) {
    if (bytes.empty()) return;
    if (bytes.size() > capacity_ - size_) {
        const size_t capacity = std::max({capacity_ * 2, size_ + bytes.size(), size_t{4096}});
        auto storage = std::make_shared_for_overwrite<uint8_t[]>(capacity);
        if (size_ > 0) std::memcpy(storage.get(), storage_.get(), size_);
        storage_ = std::move(storage);
        capacity_ = capacity;
    }
    std::memcpy(storage_.get() + size_, bytes.data(), bytes.size());
    size_ += bytes.size();
}

base::SharedBuffer SegmentBuffer::Slice(size_t offset, size_t length) const {
    if (!storage_) return {};
    offset = std::min(offset, size_);
    length = std::min(length, size_ - offset);
    return base::SharedBuffer::Wrap(storage_, std::span<const uint8_t>(storage_.get() + offset, length));
}

}  // namespace onair::packager
