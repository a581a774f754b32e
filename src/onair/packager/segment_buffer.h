// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "onair/base/shared_buffer.h"

namespace onair::packager {

/// The bytes of one segment as they are written, handed out as
/// base::SharedBuffer slices of what is written so far, without copying:
/// a part, the bytes of the part in progress and the whole segment are
/// all views of one storage. Bytes once appended never change, so a slice
/// stays valid (and may be read on another thread) while appending goes
/// on past it. When the storage is full a larger one takes over (the
/// bytes so far copied once); slices taken before keep the old storage
/// alive, so a caller that keeps slices re-takes them from the final
/// buffer (HlsRendition does) to hold one storage per segment.
/// Not thread-safe for the writer.
class SegmentBuffer {
public:
    /// Starts a new buffer with room for `capacity` bytes; slices of the
    /// previous one stay valid.
    void Reset(size_t capacity);
    void Append(std::span<const uint8_t> bytes);
    size_t size() const { return size_; }
    /// [offset, offset + length) of the bytes written, clamped to them.
    base::SharedBuffer Slice(size_t offset, size_t length = SIZE_MAX) const;

private:
    std::shared_ptr<uint8_t[]> storage_;
    size_t capacity_ = 0;
    size_t size_ = 0;
};

}  // namespace onair::packager
