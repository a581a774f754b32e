// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "onair/base/byte_reader.h"
#include "onair/base/result.h"

namespace onair::format::mp4 {

/// Limits of the MP4 readers, which read bytes from disk or the network:
/// no size field is trusted beyond them or beyond the bytes given.
inline constexpr size_t kMaxMoofBytes = 4u << 20;       // a moof, all its trafs and truns
inline constexpr size_t kMaxInitSegmentBytes = 1u << 20; // the moov of an init segment
inline constexpr size_t kMaxSamplesPerTrun = 1u << 16;
inline constexpr size_t kMaxSamplesPerFragment = 1u << 16;
inline constexpr size_t kMaxTrafsPerMoof = 8;
inline constexpr size_t kMaxTrunsPerTraf = 64;
inline constexpr size_t kMaxTracks = 8;                 // traks of an init segment
inline constexpr size_t kMaxSampleDescriptions = 16;    // stsd entries read
inline constexpr size_t kMaxBoxDepth = 10;              // moov/trak/mdia/minf/stbl/stsd/avc1/avcC is 8
inline constexpr size_t kMaxChildBoxes = 256;           // boxes inside one container

/// One box header read over a span (ISO/IEC 14496-12 4.2).
struct BoxView {
    uint32_t type = 0;
    size_t offset = 0;       // of the box within the span it was read from
    size_t header_size = 0;  // 8, or 16 with a largesize
    uint64_t size = 0;       // as declared (size 0 "to the end" resolved)
    /// The payload present in the span: all of it, or (ReadBoxHeader with
    /// `allow_truncated`) the part that is there.
    std::span<const uint8_t> payload;
};

/// Printable form of a box type ("moof"; hex when not printable).
std::string FourccName(uint32_t type);

/// Reads the box that starts at `offset`. kInvalidData when the header is
/// cut or its size is smaller than the header or runs past the span
/// (unless `allow_truncated`: then the payload is what remains).
base::Result<BoxView> ReadBoxHeader(std::span<const uint8_t> bytes, size_t offset, bool allow_truncated = false);

/// Calls fn(const BoxView&) -> base::Status for each box of a container's
/// payload, in order; stops at the first error. At most kMaxChildBoxes.
/// `depth` is the container's nesting level: over kMaxBoxDepth is
/// kLimitExceeded.
template <typename Fn>
base::Status ForEachBox(std::span<const uint8_t> payload, size_t depth, Fn&& fn) {
    if (depth > kMaxBoxDepth) {
        return base::MakeError(base::ErrorCode::kLimitExceeded, "mp4: boxes nested deeper than " +
                                                                     std::to_string(kMaxBoxDepth));
    }
    size_t offset = 0;
    size_t count = 0;
    while (offset < payload.size()) {
        if (++count > kMaxChildBoxes) {
            return base::MakeError(base::ErrorCode::kLimitExceeded,
                                   "mp4: more than " + std::to_string(kMaxChildBoxes) + " boxes in a container");
        }
        auto box = ReadBoxHeader(payload, offset);
        if (!box.ok()) return box.error();
        if (auto st = fn(*box); !st.ok()) return st;
        offset += static_cast<size_t>(box->size);
    }
    return base::Status::Ok();
}

/// Reads a full box's version and flags.
bool ReadFullBoxHeader(base::ByteReader& r, uint8_t& version, uint32_t& flags);

/// kInvalidData "mp4: <what>".
base::Error Invalid(const std::string& what);
base::Error TooMany(const std::string& what);

}  // namespace onair::format::mp4
