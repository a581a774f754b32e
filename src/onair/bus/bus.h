// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "onair/format/record/media_record.h"

namespace onair::bus {

/// Where a record sits in a log: its partition and offset (Kafka). The
/// in-process bus has no log: partition -1.
struct LogPosition {
    int32_t partition = -1;
    int64_t offset = -1;
    bool operator==(const LogPosition&) const = default;
};

/// Receives media records, in order per broadcast. Called on a bus thread
/// (Kafka) or on the producer's thread (in-process): implementations must
/// be thread-safe and must not block.
class MediaSink {
public:
    virtual ~MediaSink() = default;
    virtual void OnRecord(const format::record::MediaRecord& record) = 0;
    /// The same, with the record's place in the log, for a sink that commits
    /// what it has durably handled (Subscription::Commit). Buses call this
    /// one; by default it forgets the position.
    virtual void OnRecordAt(const format::record::MediaRecord& record, const LogPosition& /*at*/) {
        OnRecord(record);
    }
};

/// Receives events (JSON text). Same threading rules as MediaSink.
class EventSink {
public:
    virtual ~EventSink() = default;
    virtual void OnEvent(std::string_view key, std::string_view json) = 0;
};

/// A live subscription; destroying it stops delivery (no call to the sink
/// runs after the destructor returns).
class Subscription {
public:
    virtual ~Subscription() = default;
    /// For a group subscription with manual commits: the group resumes
    /// these partitions at these offsets (each the offset of the first
    /// record not yet durably handled). Thread-safe, never blocks; a bus
    /// without a log (in-process) ignores it.
    virtual void Commit(std::span<const LogPosition> /*next*/) {}
};

/// How a group member's position is kept.
struct GroupOptions {
    /// false: committed every second, whatever was delivered (transcoders:
    /// a lost second is skipped anyway). true: only what the member commits
    /// (Subscription::Commit), so a member that dies resumes at the first
    /// record it had not made durable (origins).
    bool manual_commit = false;
};

/// The two media topics: the source as published (onair.media), and the
/// transcoded renditions (onair.renditions). Both are keyed by broadcast id.
enum class MediaTopic : uint8_t { kSource = 0, kRenditions = 1 };

/// Where a record goes: a record that names a rendition is a transcoder's.
inline MediaTopic TopicOf(const format::record::MediaRecord& record) {
    return record.rendition.empty() ? MediaTopic::kSource : MediaTopic::kRenditions;
}

/// What a bus has done, for metrics and tests.
struct BusStats {
    uint64_t media_produced = 0;    // records accepted for delivery
    uint64_t media_delivered = 0;   // confirmed by the log (in-process: at once)
    uint64_t media_dropped = 0;     // refused (buffer full, too large) or never delivered (timeout)
    uint64_t events_produced = 0;
    uint64_t events_dropped = 0;
    uint64_t records_consumed = 0;
    uint64_t records_invalid = 0;   // consumed but not decodable (counted, skipped)
    int64_t buffered_bytes = 0;     // produced, not yet delivered
    int64_t consumer_lag = 0;       // records behind the end of the log, summed over partitions
};

/// The path between the parts: media records on one topic (onair.media,
/// keyed by broadcast), events on another (onair.events, JSON). Two
/// implementations: in-process (`onair serve`; records are handed over as
/// they are, payloads shared, nothing encoded) and Kafka (librdkafka; the
/// records travel in the format of docs/MEDIA_RECORDS.md).
///
/// Publishing never blocks: a record the bus cannot take (its buffer is
/// full, the broker has been away too long) is dropped and counted, so an
/// RTMP read loop that publishes is never held up by the bus.
class Bus {
public:
    virtual ~Bus() = default;

    /// To the record's topic (TopicOf).
    virtual void PublishMedia(const format::record::MediaRecord& record) = 0;
    virtual void PublishEvent(std::string_view key, std::string_view json) = 0;

    /// Delivers media records from those received at `since_ms` (ms since
    /// the epoch; the log's time index) on, then live ones. A consumer that
    /// joins mid-broadcast asks for a little history so it can start at a
    /// segment start at once instead of waiting for the next one.
    virtual std::unique_ptr<Subscription> SubscribeMedia(int64_t since_ms, MediaSink& sink,
                                                         MediaTopic topic = MediaTopic::kSource) = 0;
    /// Source records, as a member of the consumer group `group`: the
    /// group's members share the broadcasts (one partition, and so one
    /// broadcast, goes to one member at a time). When a member leaves or
    /// dies, its broadcasts move to the others (Kafka: after the group's
    /// session timeout). A member resumes from the group's committed
    /// position (records before it were another member's; a consumer that
    /// only wants the live edge skips the old ones itself), a new group from
    /// the end of the log. Transcoders use it (automatic commits), and
    /// origins (manual commits: GroupOptions).
    virtual std::unique_ptr<Subscription> SubscribeMediaGroup(const std::string& group, MediaSink& sink,
                                                              const GroupOptions& options = {}) = 0;
    /// Delivers events published from now on.
    virtual std::unique_ptr<Subscription> SubscribeEvents(EventSink& sink) = 0;

    virtual BusStats stats() const = 0;
    /// True when records live in a log a consumer can read again (Kafka): a
    /// consumer that falls behind may wait and lose nothing. False when a
    /// sink is called on the publisher's thread (in-process): it must never
    /// wait there.
    virtual bool has_log() const = 0;
    /// "in-process" or "kafka://host:port,...", for logs.
    virtual std::string describe() const = 0;
};

}  // namespace onair::bus
