// SPDX-License-Identifier: Apache-2.0
#include "onair/origin/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace onair::origin {

namespace {

using Fd = ScopedFd;

}  // namespace

ScopedFd::~ScopedFd() {
    if (fd >= 0) ::close(fd);
}

base::Status WriteAll(int fd, const uint8_t* data, size_t size, const std::filesystem::path& path) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return SystemError("writing", path, errno);
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
    return {};
}

namespace {

base::Status SyncDirectory(const std::filesystem::path& dir) {
    Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (d.fd < 0) return SystemError("opening directory", dir, errno);
    if (::fsync(d.fd) != 0) return SystemError("syncing directory", dir, errno);
    return {};
}

}  // namespace

base::Error SystemError(std::string_view what, const std::filesystem::path& path, int error_number) {
    const char* name = ::strerrorname_np(error_number);
    return base::MakeError(base::ErrorCode::kIo, std::string(what) + " " + path.string() + ": " +
                                                     std::strerror(error_number) + " (" + (name ? name : "?") + ")");
}

base::Status WriteFileDurably(const std::filesystem::path& path, std::span<const base::SharedBuffer> parts) {
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    {
        Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
        if (f.fd < 0) return SystemError("creating", tmp, errno);
        for (const auto& part : parts) {
            if (auto st = WriteAll(f.fd, part.data(), part.size(), tmp); !st.ok()) {
                ::unlink(tmp.c_str());
                return st;
            }
        }
        if (::fsync(f.fd) != 0) {
            const int e = errno;
            ::unlink(tmp.c_str());
            return SystemError("syncing", tmp, e);
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        return SystemError("renaming into", path, e);
    }
    return SyncDirectory(path.parent_path());
}

base::Status WriteFileDurably(const std::filesystem::path& path, std::string_view text) {
    const base::SharedBuffer part = base::SharedBuffer::Copy(text);
    return WriteFileDurably(path, std::span<const base::SharedBuffer>(&part, 1));
}

base::Status AppendLineDurably(const std::filesystem::path& path, std::string_view line) {
    Fd f{::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)};
    if (f.fd < 0) return SystemError("opening", path, errno);
    std::string text(line);
    text += '\n';
    if (auto st = WriteAll(f.fd, reinterpret_cast<const uint8_t*>(text.data()), text.size(), path); !st.ok())
        return st;
    if (::fdatasync(f.fd) != 0) return SystemError("syncing", path, errno);
    return {};
}

base::Status MakeDirectoryDurably(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return SystemError("creating directory", dir, ec.value());
    return SyncDirectory(dir.parent_path().empty() ? std::filesystem::path(".") : dir.parent_path());
}

base::Result<std::string> ReadFileBounded(const std::filesystem::path& path, size_t max_bytes) {
    // One byte more than allowed tells a file over the limit from one at it.
    auto text = ReadFileHead(path, max_bytes + 1);
    if (text.ok() && text.value().size() > max_bytes)
        return base::MakeError(base::ErrorCode::kLimitExceeded,
                               path.string() + ": more than " + std::to_string(max_bytes) + " bytes");
    return text;
}

base::Result<std::string> ReadFileHead(const std::filesystem::path& path, size_t max_bytes) {
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) {
        if (errno == ENOENT) return base::MakeError(base::ErrorCode::kNotFound, path.string() + ": no such file");
        return SystemError("opening", path, errno);
    }
    // Sized by the file, not the bound: a bound of 64 MiB reads a 2 KiB
    // file into 2 KiB.
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) return SystemError("reading", path, errno);
    std::string out(std::min<size_t>(max_bytes, static_cast<size_t>(st.st_size)), '\0');
    size_t got = 0;
    while (got < out.size()) {
        const ssize_t n = ::read(f.fd, out.data() + got, out.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return SystemError("reading", path, errno);
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    out.resize(got);
    return out;
}

}  // namespace onair::origin
