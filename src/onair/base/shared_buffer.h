// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace onair::base {

/// Immutable, reference-counted bytes. Copying a SharedBuffer or taking a
/// Slice() shares the storage; the bytes are never written after creation,
/// so one buffer can be fanned out to any number of readers on any thread.
class SharedBuffer {
public:
    SharedBuffer() = default;

    /// Takes ownership of `bytes` without copying them.
    static SharedBuffer Adopt(std::vector<uint8_t>&& bytes) {
        auto storage = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
        return Wrap(storage, {storage->data(), storage->size()});
    }
    /// Shares `bytes`, which `owner` keeps alive: no copy. The bytes must
    /// not change while any SharedBuffer of them lives.
    static SharedBuffer Wrap(std::shared_ptr<const void> owner, std::span<const uint8_t> bytes) {
        SharedBuffer b;
        b.owner_ = std::move(owner);
        b.data_ = bytes.data();
        b.len_ = bytes.size();
        return b;
    }
    static SharedBuffer Copy(std::span<const uint8_t> bytes) {
        return Adopt(std::vector<uint8_t>(bytes.begin(), bytes.end()));
    }
    static SharedBuffer Copy(std::string_view s) {
        return Copy(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
    }

    const uint8_t* data() const { return data_; }
    size_t size() const { return len_; }
    bool empty() const { return len_ == 0; }
    std::span<const uint8_t> span() const { return {data(), len_}; }
    std::string_view view() const { return {reinterpret_cast<const char*>(data()), len_}; }
    uint8_t operator[](size_t i) const { return data()[i]; }

    /// A view of [offset, offset+length) sharing this buffer's storage.
    /// Clamped to the buffer's bounds.
    SharedBuffer Slice(size_t offset, size_t length = SIZE_MAX) const {
        SharedBuffer b;
        if (offset > len_) offset = len_;
        if (length > len_ - offset) length = len_ - offset;
        b.owner_ = owner_;
        b.data_ = data_ ? data_ + offset : nullptr;
        b.len_ = length;
        return b;
    }

    /// Number of SharedBuffers sharing the storage (for tests and metrics).
    long use_count() const { return owner_.use_count(); }

private:
    std::shared_ptr<const void> owner_;
    const uint8_t* data_ = nullptr;
    size_t len_ = 0;
};

}  // namespace onair::base
