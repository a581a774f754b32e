// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "onair/base/result.h"
#include "onair/base/shared_buffer.h"

namespace onair::origin {

/// Files that survive a crash: a file is either absent or whole. Errors are
/// kIo and say what failed, where and why in the system's words
/// ("writing /rec/br_x/12.m4s: No space left on device (ENOSPC)").

/// Closes its descriptor on scope exit.
struct ScopedFd {
    int fd = -1;
    ScopedFd() = default;
    explicit ScopedFd(int f) : fd(f) {}
    ScopedFd(const ScopedFd&) = delete;
    ScopedFd& operator=(const ScopedFd&) = delete;
    ~ScopedFd();
};

/// Writes all `size` bytes to `fd` (retrying short writes and EINTR); an
/// error names `path`.
base::Status WriteAll(int fd, const uint8_t* data, size_t size, const std::filesystem::path& path);

/// Writes `parts` one after the other to `path`: into `path.tmp`, fsync,
/// rename over `path`, fsync of the directory.
base::Status WriteFileDurably(const std::filesystem::path& path, std::span<const base::SharedBuffer> parts);
base::Status WriteFileDurably(const std::filesystem::path& path, std::string_view text);

/// Appends one line ("\n" added) and fsyncs. A crash can leave a torn last
/// line; readers skip a line they cannot parse.
base::Status AppendLineDurably(const std::filesystem::path& path, std::string_view line);

/// Creates the directory (and its parents) and fsyncs its parent.
base::Status MakeDirectoryDurably(const std::filesystem::path& dir);

/// The whole file, refused beyond `max_bytes` (kLimitExceeded).
base::Result<std::string> ReadFileBounded(const std::filesystem::path& path, size_t max_bytes);

/// At most `max_bytes` from the start of the file (all of it when shorter).
base::Result<std::string> ReadFileHead(const std::filesystem::path& path, size_t max_bytes);

/// An error of the system call `what` on `path`, with errno's text and name.
base::Error SystemError(std::string_view what, const std::filesystem::path& path, int error_number);

}  // namespace onair::origin
