// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/body_stream.h"

#include <algorithm>
#include <string>

namespace onair::server::http {

std::shared_ptr<BodyStream> BodyStream::Make(Options options) {
    return std::shared_ptr<BodyStream>(new BodyStream(options));
}

base::Status BodyStream::Append(base::SharedBuffer chunk) {
    if (chunk.empty()) return {};
    bool over = false;
    {
        std::lock_guard lock(mu_);
        if (state_ != State::kOpen) return base::MakeError(base::ErrorCode::kInvalidData, "body stream already ended");
        over = bytes_ + chunk.size() > options_.max_bytes || chunks_.size() >= options_.max_chunks;
        if (over) {
            state_ = State::kFailed;
        } else {
            bytes_ += chunk.size();
            chunks_.push_back(std::move(chunk));
        }
    }
    changes_.Notify();
    if (over)
        return base::MakeError(base::ErrorCode::kLimitExceeded,
                               "body stream over " + std::to_string(options_.max_bytes) + " bytes or " +
                                   std::to_string(options_.max_chunks) + " chunks");
    return {};
}

void BodyStream::Close() {
    {
        std::lock_guard lock(mu_);
        if (state_ != State::kOpen) return;
        state_ = State::kClosed;
    }
    changes_.Notify();
}

void BodyStream::Fail() {
    {
        std::lock_guard lock(mu_);
        if (state_ != State::kOpen) return;
        state_ = State::kFailed;
    }
    changes_.Notify();
}

BodyStream::Read BodyStream::ReadFrom(size_t from, size_t max) const {
    Read r;
    std::lock_guard lock(mu_);
    r.state = state_;
    if (from < chunks_.size()) {
        const size_t n = std::min(max, chunks_.size() - from);
        r.chunks.assign(chunks_.begin() + static_cast<std::ptrdiff_t>(from),
                        chunks_.begin() + static_cast<std::ptrdiff_t>(from + n));
    }
    return r;
}

BodyStream::State BodyStream::state() const {
    std::lock_guard lock(mu_);
    return state_;
}

uint64_t BodyStream::size() const {
    std::lock_guard lock(mu_);
    return bytes_;
}

size_t BodyStream::chunk_count() const {
    std::lock_guard lock(mu_);
    return chunks_.size();
}

}  // namespace onair::server::http
