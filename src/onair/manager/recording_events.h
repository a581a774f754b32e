// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "onair/base/result.h"
#include "onair/store/records.h"

namespace onair::manager {

/// How long an origin keeps recordings (the `retention` block of its
/// events); 0 means unlimited.
struct RecordingRetention {
    int64_t max_age_s = 0;
    int64_t max_bytes_per_channel = 0;

    bool operator==(const RecordingRetention&) const = default;
};

/// What an origin said in one recording.* event (docs/EVENTS.md).
struct RecordingReport {
    std::string type;             // "recording.started", "recording.updated", ...
    store::Recording recording;   // node: the envelope's `node`; updated_at_ms unset
    std::optional<RecordingRetention> retention;
};

/// A recording event of more bytes than this is not read.
inline constexpr size_t kMaxRecordingEventBytes = 64 * 1024;
/// An origin's `error` text is cut to this many bytes (at a UTF-8 boundary).
inline constexpr size_t kMaxRecordingErrorBytes = 1024;

/// The event types an origin emits: recording.started, .updated,
/// .finalized, .failed, .deleted.
bool IsOriginRecordingEvent(std::string_view type);

/// Reads an origin's recording event, checking every field it uses: the id
/// (1-128 of [A-Za-z0-9._-]), the channel (recording.channel, else
/// channel.name: a valid channel name), the state (recording, complete,
/// failed or deleted), RFC 3339 times, non-negative integer counters, URLs
/// that are relative ("/...") or http(s) without spaces or control
/// characters, at most 2048 bytes (a URL the dashboard links to can never be
/// javascript:). kInvalidData naming the field; kUnsupported for another
/// event type.
base::Result<RecordingReport> ParseRecordingEvent(const nlohmann::json& event);
/// The same from the event's bytes; kLimitExceeded over
/// kMaxRecordingEventBytes, kInvalidData if it is not a JSON object.
base::Result<RecordingReport> ParseRecordingEvent(std::string_view json);

/// {"max_age_s", "max_bytes_per_channel"}.
nlohmann::json RetentionJson(const RecordingRetention& retention);

}  // namespace onair::manager
