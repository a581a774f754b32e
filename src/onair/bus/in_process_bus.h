// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "onair/bus/bus.h"
#include "onair/bus/bus_metrics.h"

namespace onair::bus {

struct InProcessBusOptions {
    /// History kept for late subscribers (SubscribeMedia with a past
    /// `since_ms`): records younger than this, at most `retention_bytes`.
    int64_t retention_ms = 12000;
    size_t retention_bytes = size_t{32} << 20;
};

/// The bus of `onair serve`: records go to the subscribers on the
/// publisher's thread, as they are: payloads are shared buffers, nothing is
/// encoded or copied. A bounded history (the newest records, by age and
/// bytes) lets a subscriber that joins late start from a past time, as a
/// Kafka consumer does.
class InProcessBus final : public Bus {
public:
    explicit InProcessBus(runtime::Metrics& metrics, const InProcessBusOptions& options = {});
    ~InProcessBus() override;

    void PublishMedia(const format::record::MediaRecord& record) override;
    void PublishEvent(std::string_view key, std::string_view json) override;
    std::unique_ptr<Subscription> SubscribeMedia(int64_t since_ms, MediaSink& sink,
                                                 MediaTopic topic = MediaTopic::kSource) override;
    /// Members of one group split the broadcasts by a hash of their id (as
    /// Kafka's partitioner does); a member that leaves hands its broadcasts
    /// to the others at once. Live records only: no history.
    std::unique_ptr<Subscription> SubscribeMediaGroup(const std::string& group, MediaSink& sink,
                                                      const GroupOptions& options = {}) override;
    std::unique_ptr<Subscription> SubscribeEvents(EventSink& sink) override;
    BusStats stats() const override { return metrics_.Snapshot(); }
    std::string describe() const override { return "in-process"; }
    bool has_log() const override { return false; }

private:
    class MediaSubscription;
    class EventSubscription;
    /// The names a stored record's views point into (shared by all of one
    /// broadcast's records; heap-allocated so the views stay valid).
    struct Names {
        std::string broadcast_id;
        std::string channel;
    };
    struct Stored {
        std::shared_ptr<const Names> names;
        std::string end_reason;  // kEnd only
        std::string rendition;
        format::record::MediaRecord record;
        size_t cost = 0;
    };
    void Remove(const MediaSink* sink);
    void Remove(const EventSink* sink);
    std::shared_ptr<const Names> NamesForLocked(const format::record::MediaRecord& record);

    const InProcessBusOptions options_;
    BusMetrics metrics_;
    // Sinks are called with their topic's lock held: records reach every
    // sink in one order, and a sink is never called after its subscription
    // is gone. A media sink may publish events (a separate lock), not media.
    mutable std::mutex media_mu_;
    mutable std::mutex events_mu_;
    struct Topic {
        std::vector<MediaSink*> sinks;
        std::deque<Stored> history;
        size_t history_bytes = 0;
    };
    Topic& TopicFor(MediaTopic topic) { return topic == MediaTopic::kSource ? source_ : renditions_; }
    void TrimLocked(Topic& topic, int64_t now_ms);
    Topic source_;
    Topic renditions_;
    std::map<std::string, std::vector<MediaSink*>, std::less<>> groups_;
    std::vector<EventSink*> event_sinks_;
    std::map<std::string, std::shared_ptr<const Names>, std::less<>> names_;
};

}  // namespace onair::bus
