// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/file_body.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace onair::server::http {

FileBody::Descriptor::~Descriptor() { ::close(fd); }

base::Result<FileBody> FileBody::Open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return base::MakeError(err == ENOENT || err == ENOTDIR ? base::ErrorCode::kNotFound : base::ErrorCode::kIo,
                               "open " + path + ": " + std::strerror(err));
    }
    auto body = Adopt(fd);
    if (!body.ok()) return body.error().Wrap(path);
    return body;
}

base::Result<FileBody> FileBody::Adopt(int fd) {
    auto owner = std::make_shared<const Descriptor>(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) return base::MakeError(base::ErrorCode::kIo, std::string("fstat: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return base::MakeError(base::ErrorCode::kUnsupported, "not a regular file");
    FileBody body;
    body.fd_ = std::move(owner);
    body.size_ = static_cast<uint64_t>(st.st_size);
    return body;
}

}  // namespace onair::server::http
