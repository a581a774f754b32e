// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "onair/base/result.h"
#include "onair/base/shared_buffer.h"
#include "onair/server/http/change_notifier.h"

namespace onair::server::http {

/// A response body written while it is being sent: an LL-HLS part that a
/// preload hint announced, served as the packager appends to it.
///
/// A producer on any thread (the bus thread) Append()s chunks (shared, not
/// copied) and ends with Close() (complete) or Fail() (abandoned). Any
/// number of HttpSessions send it at once, each from its own position: the
/// chunks are an append-only list every reader walks from the start, so a
/// reader that joins late still gets the whole body, and readers are woken
/// by the stream's ChangeNotifier. The producer never waits for a reader.
///
/// Bounded: the stream keeps every chunk until its last reader is gone (a
/// late reader needs them), so it holds at most `max_bytes` in at most
/// `max_chunks` chunks; an Append() beyond either fails the stream
/// (kLimitExceeded). A slow or stalled reader holds no bytes of its own:
/// it only lags, and is dropped by its write timeout or `max_duration`.
///
/// HttpSession sends it with `Transfer-Encoding: chunked` (one HTTP chunk
/// per Append) and the last-chunk on Close(); to an HTTP/1.0 client without
/// chunking, `Connection: close`, the end of the body being the close. A
/// failed stream, or one a reader has sent for longer than `max_duration`,
/// closes the reader's connection without the last-chunk, so the client
/// sees a truncated body, never a short one taken as whole.
class BodyStream {
public:
    struct Options {
        size_t max_bytes = 16u << 20;
        size_t max_chunks = 4096;
        /// How long one reader may take from its response's start to the last byte.
        std::chrono::milliseconds max_duration{30000};
        /// Readers waiting at once for more bytes; one more closes its connection.
        size_t max_waiting_readers = 65536;
    };
    enum class State { kOpen, kClosed, kFailed };

    static std::shared_ptr<BodyStream> Make(Options options);
    static std::shared_ptr<BodyStream> Make() { return Make(Options{}); }

    /// Adds `chunk` at the end (an empty one is ignored). kLimitExceeded
    /// (and the stream failed) beyond max_bytes or max_chunks;
    /// kInvalidData once closed or failed.
    base::Status Append(base::SharedBuffer chunk);
    /// The body is complete: readers send the last-chunk once they have
    /// sent every chunk. No-op once closed or failed.
    void Close();
    /// The body will not be completed: readers close their connections.
    void Fail();

    /// What a reader at chunk `from` can send now.
    struct Read {
        std::vector<base::SharedBuffer> chunks;  // chunks [from, from + chunks.size())
        State state = State::kOpen;              // as of this read
    };
    /// At most `max` chunks from chunk `from` on, and the state.
    Read ReadFrom(size_t from, size_t max) const;

    State state() const;
    uint64_t size() const;  // bytes appended
    size_t chunk_count() const;
    const Options& options() const { return options_; }
    /// Notified on every Append(), Close() and Fail().
    ChangeNotifier& changes() { return changes_; }

private:
    explicit BodyStream(Options options) : options_(options), changes_(options.max_waiting_readers) {}

    const Options options_;
    ChangeNotifier changes_;
    mutable std::mutex mu_;
    std::vector<base::SharedBuffer> chunks_;  // guarded by mu_
    uint64_t bytes_ = 0;
    State state_ = State::kOpen;
};

}  // namespace onair::server::http
