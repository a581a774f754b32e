// SPDX-License-Identifier: Apache-2.0
#include "onair/bus/in_process_bus.h"

#include <algorithm>
#include <functional>

#include "onair/runtime/wall_clock.h"

namespace onair::bus {

using format::record::MediaRecord;
using format::record::RecordType;

class InProcessBus::MediaSubscription final : public Subscription {
public:
    MediaSubscription(InProcessBus& bus, MediaSink& sink) : bus_(bus), sink_(sink) {}
    ~MediaSubscription() override { bus_.Remove(&sink_); }

private:
    InProcessBus& bus_;
    MediaSink& sink_;
};

class InProcessBus::EventSubscription final : public Subscription {
public:
    EventSubscription(InProcessBus& bus, EventSink& sink) : bus_(bus), sink_(sink) {}
    ~EventSubscription() override { bus_.Remove(&sink_); }

private:
    InProcessBus& bus_;
    EventSink& sink_;
};

InProcessBus::InProcessBus(runtime::Metrics& metrics, const InProcessBusOptions& options)
    : options_(options), metrics_(metrics) {}

InProcessBus::~InProcessBus() = default;

std::shared_ptr<const InProcessBus::Names> InProcessBus::NamesForLocked(const MediaRecord& record) {
    auto it = names_.find(record.broadcast_id);
    if (it != names_.end() && it->second->channel == record.channel) return it->second;
    auto names = std::make_shared<Names>();
    names->broadcast_id = record.broadcast_id;
    names->channel = record.channel;
    names_[names->broadcast_id] = names;
    return names;
}

void InProcessBus::PublishMedia(const MediaRecord& record) {
    std::lock_guard lock(media_mu_);
    Topic& topic = TopicFor(TopicOf(record));
    // A group member gets the source records of the broadcasts its hash
    // picks; every plain subscriber of the topic gets every record.
    std::vector<MediaSink*> members;
    if (&topic == &source_) {
        const size_t hash = std::hash<std::string_view>{}(record.broadcast_id);
        for (auto& [name, group] : groups_)
            if (!group.empty()) members.push_back(group[hash % group.size()]);
    }
    const size_t receivers = topic.sinks.size() + members.size();
    metrics_.media_produced.Inc();
    metrics_.media_delivered.Inc();
    metrics_.media_consumed.Inc(receivers);
    const size_t bytes = format::record::EncodedSize(record);  // what it would weigh on Kafka
    metrics_.media_bytes_produced.Inc(bytes);
    metrics_.media_bytes_consumed.Inc(bytes * receivers);
    for (auto* sink : topic.sinks) sink->OnRecordAt(record, {});
    for (auto* sink : members) sink->OnRecordAt(record, {});
    if (options_.retention_ms <= 0 || options_.retention_bytes == 0) return;
    Stored stored;
    stored.names = NamesForLocked(record);
    stored.record = record;
    stored.record.broadcast_id = stored.names->broadcast_id;
    stored.record.channel = stored.names->channel;
    stored.cost = 128 + record.packet.payload.size() + record.config.extradata.size() + record.metadata.size() +
                  record.ladder.size();
    topic.history_bytes += stored.cost;
    topic.history.push_back(std::move(stored));
    // The deque never moves an element it holds: the views stay valid.
    auto& kept = topic.history.back();
    kept.end_reason = std::string(record.end_reason);
    kept.record.end_reason = kept.end_reason;
    kept.rendition = std::string(record.rendition);
    kept.record.rendition = kept.rendition;
    if (record.type == RecordType::kEnd && record.rendition.empty()) names_.erase(std::string(record.broadcast_id));
    TrimLocked(topic, record.wallclock_ms > 0 ? record.wallclock_ms : runtime::WallClockMs());
}

void InProcessBus::TrimLocked(Topic& topic, int64_t now_ms) {
    while (!topic.history.empty() && (topic.history_bytes > options_.retention_bytes ||
                                      topic.history.front().record.wallclock_ms < now_ms - options_.retention_ms)) {
        topic.history_bytes -= topic.history.front().cost;
        topic.history.pop_front();
    }
}

void InProcessBus::PublishEvent(std::string_view key, std::string_view json) {
    std::lock_guard lock(events_mu_);
    metrics_.events_produced.Inc();
    metrics_.events_consumed.Inc(event_sinks_.size());
    for (auto* sink : event_sinks_) sink->OnEvent(key, json);
}

std::unique_ptr<Subscription> InProcessBus::SubscribeMedia(int64_t since_ms, MediaSink& sink, MediaTopic which) {
    std::lock_guard lock(media_mu_);
    Topic& topic = TopicFor(which);
    for (const auto& stored : topic.history) {
        if (stored.record.wallclock_ms < since_ms) continue;
        metrics_.media_consumed.Inc();
        sink.OnRecordAt(stored.record, {});
    }
    topic.sinks.push_back(&sink);
    return std::make_unique<MediaSubscription>(*this, sink);
}

std::unique_ptr<Subscription> InProcessBus::SubscribeMediaGroup(const std::string& group, MediaSink& sink,
                                                               const GroupOptions& /*options*/) {
    std::lock_guard lock(media_mu_);
    groups_[group].push_back(&sink);
    return std::make_unique<MediaSubscription>(*this, sink);
}

std::unique_ptr<Subscription> InProcessBus::SubscribeEvents(EventSink& sink) {
    std::lock_guard lock(events_mu_);
    event_sinks_.push_back(&sink);
    return std::make_unique<EventSubscription>(*this, sink);
}

void InProcessBus::Remove(const MediaSink* sink) {
    std::lock_guard lock(media_mu_);
    std::erase(source_.sinks, sink);
    std::erase(renditions_.sinks, sink);
    for (auto it = groups_.begin(); it != groups_.end();) {
        std::erase(it->second, sink);
        it = it->second.empty() ? groups_.erase(it) : std::next(it);
    }
}

void InProcessBus::Remove(const EventSink* sink) {
    std::lock_guard lock(events_mu_);
    std::erase(event_sinks_, sink);
}

}  // namespace onair::bus
