// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "onair/base/result.h"

namespace onair::server::http {

/// A regular file to send as a response body: an open descriptor (closed
/// when the last copy goes) and its size when it was opened. The handler
/// opens it, on its own thread, and answers 404 or 500 itself when that
/// fails; the session only streams it. A file deleted after it was opened
/// (retention) is still served in full from the descriptor.
class FileBody {
public:
    /// Opens `path` read-only. kNotFound when it does not exist, kUnsupported
    /// when it is not a regular file, kIo otherwise.
    static base::Result<FileBody> Open(const std::string& path);
    /// Takes ownership of `fd`, an open regular file (closed here on error).
    static base::Result<FileBody> Adopt(int fd);

    int fd() const { return fd_ ? fd_->fd : -1; }
    uint64_t size() const { return size_; }

private:
    struct Descriptor {
        explicit Descriptor(int f) : fd(f) {}
        ~Descriptor();
        Descriptor(const Descriptor&) = delete;
        Descriptor& operator=(const Descriptor&) = delete;
        int fd;
    };
    std::shared_ptr<const Descriptor> fd_;
    uint64_t size_ = 0;
};

}  // namespace onair::server::http
