// SPDX-License-Identifier: Apache-2.0
// The only place that includes librdkafka (tools/check_layers.cmake).
#include "onair/bus/kafka_bus.h"

#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <thread>
#include <vector>

#include "onair/bus/bus_metrics.h"
#include "onair/bus/log_throttle.h"
#include "onair/runtime/logger.h"
#include "onair/runtime/wall_clock.h"

namespace onair::bus {

namespace {

using format::record::MediaRecord;
using format::record::RecordType;

const runtime::Logger& Log() {
    static const runtime::Logger log("bus");
    return log;
}

/// Owns a librdkafka object, released by `Destroy`.
template <auto Destroy>
struct Deleter {
    void operator()(auto* p) const { Destroy(p); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, Deleter<rd_kafka_conf_destroy>>;
using HandlePtr = std::unique_ptr<rd_kafka_t, Deleter<rd_kafka_destroy>>;
using TopicPtr = std::unique_ptr<rd_kafka_topic_t, Deleter<rd_kafka_topic_destroy>>;
using ListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, Deleter<rd_kafka_topic_partition_list_destroy>>;

base::Error KafkaError(std::string_view what, std::string_view detail) {
    return base::MakeError(base::ErrorCode::kInvalidData, "kafka: " + std::string(what) + ": " + std::string(detail));
}

/// librdkafka's own log lines, at our levels (it uses syslog levels).
void OnLog(const rd_kafka_t* /*rk*/, int level, const char* facility, const char* message) {
    static LogThrottle throttle(std::chrono::seconds(5));
    if (level <= 3) {
        if (throttle.Allow()) Log().Error("kafka client", {{"kafka.facility", facility}, {"kafka.message", message}});
    } else if (level == 4) {
        if (throttle.Allow()) Log().Warn("kafka client", {{"kafka.facility", facility}, {"kafka.message", message}});
    } else {
        Log().Debug("kafka client", {{"kafka.facility", facility}, {"kafka.message", message}});
    }
}

/// Errors the client reports outside any call (brokers down, fatal
/// idempotence errors): logged, rate-limited; the client keeps retrying.
void OnError(rd_kafka_t* rk, int err, const char* reason, void* /*opaque*/) {
    static LogThrottle throttle(std::chrono::seconds(5));
    const auto code = static_cast<rd_kafka_resp_err_t>(err);
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
        char detail[512];
        rd_kafka_fatal_error(rk, detail, sizeof detail);
        Log().Error("kafka fatal error", {{"error.message", detail}});
        return;
    }
    if (throttle.Allow()) {
        Log().Warn("kafka unreachable or failing",
                   {{"error.code", rd_kafka_err2name(code)}, {"error.message", reason ? reason : ""}});
    }
}

base::Status Set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
        return KafkaError("setting " + name, errstr);
    return {};
}

/// Settings both producers and consumers take; then the user's own.
base::Result<ConfPtr> BaseConf(const KafkaBusOptions& o, const std::vector<std::pair<std::string, std::string>>& own) {
    ConfPtr conf(rd_kafka_conf_new());
    std::vector<std::pair<std::string, std::string>> settings = {
        {"bootstrap.servers", o.brokers},
        {"client.id", o.client_id},
        // Come back quickly after a broker outage (librdkafka's default
        // backs off up to 10 s).
        {"reconnect.backoff.ms", "100"},
        {"reconnect.backoff.max.ms", "1000"},
        {"topic.metadata.refresh.interval.ms", "10000"},
    };
    settings.insert(settings.end(), own.begin(), own.end());
    for (const auto& [k, v] : o.properties) settings.emplace_back(k, v);
    for (const auto& [k, v] : settings)
        if (auto st = Set(conf.get(), k, v); !st.ok()) return st.error();
    rd_kafka_conf_set_log_cb(conf.get(), &OnLog);
    rd_kafka_conf_set_error_cb(conf.get(), &OnError);
    return conf;
}

/// One producer handle and its topic (and, for media, the renditions
/// topic, which the same producer writes).
struct Producer {
    HandlePtr rk;
    TopicPtr topic;
    TopicPtr renditions;
};

/// The delivery callback's view of the bus (the producer's opaque).
struct DeliveryCounters {
    BusMetrics* metrics = nullptr;
    bool media = true;
};

void OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* m, void* opaque) {
    auto* c = static_cast<DeliveryCounters*>(opaque);
    if (c->media) c->metrics->buffered_bytes.Dec(static_cast<int64_t>(m->len));
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (c->media) c->metrics->media_delivered.Inc();
        return;
    }
    static LogThrottle throttle(std::chrono::seconds(5));
    if (!c->media) {
        c->metrics->events_dropped.Inc();
    } else if (m->err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT) {
        c->metrics->media_dropped_timeout.Inc();
    } else {
        c->metrics->media_dropped_error.Inc();
    }
    if (throttle.Allow()) {
        Log().Error(c->media ? "media records lost: the log did not take them in time"
                             : "events lost: the log did not take them in time",
                    {{"error.code", rd_kafka_err2name(m->err)},
                     {"onair.bus.dropped_total",
                      c->media ? c->metrics->media_dropped_timeout.Value() + c->metrics->media_dropped_error.Value()
                               : c->metrics->events_dropped.Value()}});
    }
}

base::Result<Producer> MakeProducer(const KafkaBusOptions& o, const std::string& topic, DeliveryCounters* counters) {
    const size_t kbytes = std::max<size_t>(1, o.buffer_bytes / 1024);
    std::vector<std::pair<std::string, std::string>> own = {
        {"acks", "all"},
        {"enable.idempotence", o.idempotence ? "true" : "false"},
        {"linger.ms", std::to_string(o.linger_ms)},
        {"message.timeout.ms", std::to_string(o.delivery_timeout_ms)},
        // Java's partitioner, so other clients agree on a key's partition.
        {"partitioner", "murmur2_random"},
        // Video is compressed already.
        {"compression.type", "none"},
        {"message.max.bytes", std::to_string(std::max<size_t>(o.max_record_bytes + 4096, 1000000))},
        // Batches well under 2.5 MiB (a larger one is unreadable on the
        // test broker, and gains nothing on a real one).
        {"batch.size", "1000000"},
    };
    if (counters->media) {
        own.emplace_back("queue.buffering.max.kbytes", std::to_string(kbytes));
        own.emplace_back("queue.buffering.max.messages", "1000000");
    }
    auto conf = BaseConf(o, own);
    if (!conf.ok()) return conf.error();
    rd_kafka_conf_set_dr_msg_cb(conf->get(), &OnDelivery);
    rd_kafka_conf_set_opaque(conf->get(), counters);
    char errstr[512];
    Producer p;
    p.rk.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf->release(), errstr, sizeof errstr));
    if (!p.rk) return KafkaError("creating a producer", errstr);
    p.topic.reset(rd_kafka_topic_new(p.rk.get(), topic.c_str(), nullptr));
    if (!p.topic) return KafkaError("topic " + topic, rd_kafka_err2str(rd_kafka_last_error()));
    return p;
}

/// A consumer of one topic, every partition, no group: from the offsets for
/// a time, or from the end. Its thread hands each message to `handle`.
class TopicConsumer final : public Subscription {
public:
    using Handler = std::function<void(rd_kafka_message_t*)>;  // takes ownership

    TopicConsumer(const KafkaBusOptions& o, std::string topic, int64_t since_ms, runtime::Gauge& lag,
                  runtime::Gauge* catch_up_ms, Handler handle)
        : options_(o),
          topic_(std::move(topic)),
          since_ms_(since_ms),
          lag_(lag),
          catch_up_ms_(catch_up_ms),
          handle_(std::move(handle)) {
        if (catch_up_ms_) catch_up_ms_->Set(-1);
    }

    base::Status Start() {
        static std::atomic<uint64_t> counter{0};
        std::vector<std::pair<std::string, std::string>> own = {
            // A group id names the client; nothing joins a group (assign,
            // no subscribe) and nothing is committed: every consumer reads
            // every partition from where it chose.
            {"group.id", options_.client_id + "-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter.fetch_add(1))},
            {"enable.auto.commit", "false"},
            {"enable.auto.offset.store", "false"},
            {"enable.partition.eof", "false"},
            // A start offset the log has already deleted (retention moved
            // on while we looked) means its oldest record, not its end.
            {"auto.offset.reset", "earliest"},
            {"fetch.wait.max.ms", std::to_string(options_.fetch_wait_ms)},
            {"fetch.error.backoff.ms", "100"},
            {"fetch.max.bytes", std::to_string(std::max<size_t>(options_.max_record_bytes + 4096, 52428800))},
        };
        auto conf = BaseConf(options_, own);
        if (!conf.ok()) return conf.error();
        char errstr[512];
        rk_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf->release(), errstr, sizeof errstr));
        if (!rk_) return KafkaError("creating a consumer", errstr);
        rd_kafka_poll_set_consumer(rk_.get());
        thread_ = std::thread([this] { Run(); });
        return {};
    }

    ~TopicConsumer() override {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        if (rk_) rd_kafka_consumer_close(rk_.get());
    }

private:
    /// The topic's partitions, once the brokers answer.
    int PartitionCount() {
        TopicPtr topic(rd_kafka_topic_new(rk_.get(), topic_.c_str(), nullptr));
        LogThrottle throttle(std::chrono::seconds(5));
        while (!stop_) {
            const rd_kafka_metadata_t* md = nullptr;
            const auto err = rd_kafka_metadata(rk_.get(), 0, topic.get(), &md, 1000);
            int count = 0;
            if (err == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1 && md->topics[0].err == 0)
                count = md->topics[0].partition_cnt;
            if (md) rd_kafka_metadata_destroy(md);
            if (count > 0) return count;
            if (throttle.Allow())
                Log().Warn("waiting for the topic's metadata", {{"onair.bus.topic", topic_},
                                                               {"error.code", rd_kafka_err2name(err)}});
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        return 0;
    }

    /// Where to start on each partition: the first offset at or after
    /// since_ms (the log's time index), else the end.
    bool Assign(int partitions) {
        ListPtr list(rd_kafka_topic_partition_list_new(partitions));
        for (int p = 0; p < partitions; ++p)
            rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), p)->offset =
                since_ms_ > 0 ? since_ms_ : RD_KAFKA_OFFSET_END;
        if (since_ms_ > 0) {
            LogThrottle throttle(std::chrono::seconds(5));
            while (!stop_) {
                const auto err = rd_kafka_offsets_for_times(rk_.get(), list.get(), 2000);
                if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
                if (throttle.Allow())
                    Log().Warn("offsets for times failed; retrying", {{"onair.bus.topic", topic_},
                                                                      {"error.code", rd_kafka_err2name(err)}});
                for (int i = 0; i < list->cnt; ++i) list->elems[i].offset = since_ms_;
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
            CheckTimeIndex(*list);
        }
        if (stop_) return false;
        const auto err = rd_kafka_assign(rk_.get(), list.get());
        if (err) {
            Log().Error("assigning partitions failed", {{"onair.bus.topic", topic_}, {"error.code", rd_kafka_err2name(err)}});
            return false;
        }
        Log().Info("consuming", {{"onair.bus.topic", topic_}, {"onair.bus.partitions", partitions},
                                 {"onair.bus.since_ms", since_ms_}});
        return true;
    }

    /// Reads one record of each partition at the offsets given: partition ->
    /// (offset, timestamp) of the first record returned (a later offset if
    /// the one asked for was deleted meanwhile). Partitions that return
    /// nothing within a second are missing from the answer.
    std::map<int32_t, std::pair<int64_t, int64_t>> Probe(const std::map<int32_t, int64_t>& at) {
        std::map<int32_t, std::pair<int64_t, int64_t>> got;
        ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(at.size())));
        for (const auto& [partition, offset] : at)
            rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), partition)->offset = offset;
        if (rd_kafka_assign(rk_.get(), list.get())) return got;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        while (got.size() < at.size() && !stop_ && std::chrono::steady_clock::now() < deadline) {
            rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_.get(), 50);
            if (!m) continue;
            if (!m->err && at.count(m->partition) && !got.count(m->partition))
                got[m->partition] = {m->offset, rd_kafka_message_timestamp(m, nullptr)};
            rd_kafka_message_destroy(m);
        }
        rd_kafka_assign(rk_.get(), nullptr);
        return got;
    }

    /// offsets_for_times answered "no record at or after the time" (-1) for
    /// these partitions. True of a partition whose last record is older
    /// (it starts at the end); not of one whose last record is newer: then
    /// the brokers' time index did not answer (librdkafka's mock cluster
    /// answers -1 to every time), and the first record at or after the time
    /// is found by bisection over the offsets, all such partitions probed
    /// together (a round trip per halving: ~14 for 10^4 records).
    void CheckTimeIndex(rd_kafka_topic_partition_list_t& list) {
        struct Range {
            int64_t lo, hi;  // the answer is in [lo, hi]; hi's record is not older than since_ms
        };
        std::map<int32_t, Range> ranges;
        std::map<int32_t, int64_t> last;  // each partition's last offset
        for (int i = 0; i < list.cnt; ++i) {
            auto& e = list.elems[i];
            if (e.offset >= 0 && !e.err) continue;
            e.err = RD_KAFKA_RESP_ERR_NO_ERROR;
            e.offset = RD_KAFKA_OFFSET_END;
            int64_t lo = 0, hi = 0;
            if (rd_kafka_query_watermark_offsets(rk_.get(), topic_.c_str(), e.partition, &lo, &hi, 2000) ||
                hi <= lo)
                continue;
            ranges[e.partition] = {lo, hi - 1};
            last[e.partition] = hi - 1;
        }
        if (ranges.empty()) return;
        // A partition whose last record is older (or that did not answer)
        // starts at the end.
        const auto lasts = Probe(last);
        std::erase_if(ranges, [&](const auto& kv) {
            const auto a = lasts.find(kv.first);
            return a == lasts.end() || a->second.second < since_ms_;
        });
        const size_t searched = ranges.size();
        for (int round = 0; round < 40 && !stop_; ++round) {
            std::map<int32_t, int64_t> mid;
            for (const auto& [partition, r] : ranges)
                if (r.lo < r.hi) mid[partition] = r.lo + (r.hi - r.lo) / 2;
            if (mid.empty()) break;
            const auto answers = Probe(mid);
            for (const auto& [partition, at] : mid) {
                auto& r = ranges[partition];
                auto a = answers.find(partition);
                if (a == answers.end()) {
                    r.lo = r.hi;  // no answer: settle for what is known
                    continue;
                }
                const auto [offset, ts] = a->second;
                if (ts >= since_ms_) {
                    r.hi = std::max(r.lo, std::min(r.hi, offset));
                } else {
                    r.lo = std::min(r.hi, std::max(offset, at) + 1);
                }
            }
        }
        for (int i = 0; i < list.cnt; ++i) {
            auto it = ranges.find(list.elems[i].partition);
            if (it != ranges.end()) list.elems[i].offset = it->second.hi;
        }
        if (searched > 0)
            Log().Info("the brokers did not answer offsets for times; found them by bisection",
                       {{"onair.bus.topic", topic_}, {"onair.bus.partitions", searched}});
    }

    void UpdateLag() {
        rd_kafka_topic_partition_list_t* raw = nullptr;
        if (rd_kafka_assignment(rk_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
        ListPtr list(raw);
        rd_kafka_position(rk_.get(), list.get());
        int64_t lag = 0;
        int unknown = 0;
        for (int i = 0; i < list->cnt; ++i) {
            int64_t low = 0, high = 0;
            if (rd_kafka_get_watermark_offsets(rk_.get(), topic_.c_str(), list->elems[i].partition, &low, &high))
                continue;
            const int64_t pos = list->elems[i].offset;
            if (pos < 0 && high > low) ++unknown;  // nothing read yet on a partition with records
            if (pos >= 0 && high > pos) lag += high - pos;
        }
        lag_.Set(lag);
        if (!caught_up_ && lag == 0 && unknown == 0) {
            caught_up_ = true;
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                                  started_)
                                .count();
            if (catch_up_ms_) catch_up_ms_->Set(ms);
            Log().Info("caught up with the log", {{"onair.bus.topic", topic_}, {"onair.bus.catch_up_ms", ms},
                                                  {"onair.bus.consumed", consumed_}});
        }
    }

    void Run() {
        started_ = std::chrono::steady_clock::now();
        const int partitions = PartitionCount();
        if (partitions == 0 || !Assign(partitions)) return;
        auto next_lag = std::chrono::steady_clock::now();
        LogThrottle throttle(std::chrono::seconds(5));
        while (!stop_) {
            rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_.get(), 100);
            if (const auto now = std::chrono::steady_clock::now(); now >= next_lag) {
                UpdateLag();
                next_lag = now + std::chrono::milliseconds(100);
            }
            if (!m) continue;
            if (m->err) {
                if (throttle.Allow())
                    Log().Warn("consume error", {{"onair.bus.topic", topic_}, {"error.code", rd_kafka_err2name(m->err)}});
                rd_kafka_message_destroy(m);
                continue;
            }
            ++consumed_;
            handle_(m);
        }
    }

    const KafkaBusOptions options_;
    const std::string topic_;
    const int64_t since_ms_;
    runtime::Gauge& lag_;
    runtime::Gauge* catch_up_ms_;
    Handler handle_;
    std::chrono::steady_clock::time_point started_{};
    bool caught_up_ = false;
    uint64_t consumed_ = 0;
    HandlePtr rk_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
};

/// A member of a consumer group on one topic (rd_kafka_subscribe): the
/// group's coordinator shares the topic's partitions among the members and
/// moves a member's partitions to the others when it leaves, or when it has
/// not been heard of for session.timeout.ms. Offsets are committed every
/// second, so a partition that moves resumes about where its last owner
/// was (the consumer skips what it finds too old); a new group starts at
/// the end of the log. Its thread hands each message to `handle`.
///
/// The cooperative-sticky protocol: a rebalance moves only the partitions
/// that change owner, so a member's own broadcasts go on while another
/// member's are handed over. (With the eager protocol every member drops
/// everything for the whole rebalance, which on the test broker lasts the
/// session timeout minus 1 s, and then re-reads its own partitions from a
/// commit the coordinator refused during the rebalance.)
class GroupConsumer final : public Subscription {
public:
    using Handler = std::function<void(rd_kafka_message_t*)>;  // takes ownership

    GroupConsumer(const KafkaBusOptions& o, std::string topic, std::string group, const GroupOptions& group_options,
                  runtime::Gauge& partitions, Handler handle)
        : options_(o),
          topic_(std::move(topic)),
          group_(std::move(group)),
          manual_commit_(group_options.manual_commit),
          partitions_(partitions),
          handle_(std::move(handle)) {}

    base::Status Start() {
        const uint32_t session = options_.group_session_timeout_ms;
        std::vector<std::pair<std::string, std::string>> own = {
            {"group.id", group_},
            {"partition.assignment.strategy", "cooperative-sticky"},
            {"session.timeout.ms", std::to_string(session)},
            {"heartbeat.interval.ms", std::to_string(std::max<uint32_t>(100, session / 3))},
            {"enable.auto.commit", manual_commit_ ? "false" : "true"},
            {"auto.commit.interval.ms", "1000"},
            {"auto.offset.reset", "latest"},
            {"enable.partition.eof", "false"},
            {"fetch.wait.max.ms", std::to_string(options_.fetch_wait_ms)},
            {"fetch.error.backoff.ms", "100"},
            {"fetch.max.bytes", std::to_string(std::max<size_t>(options_.max_record_bytes + 4096, 52428800))},
        };
        auto conf = BaseConf(options_, own);
        if (!conf.ok()) return conf.error();
        rd_kafka_conf_set_rebalance_cb(conf->get(), &OnRebalance);
        if (manual_commit_) rd_kafka_conf_set_offset_commit_cb(conf->get(), &OnCommitted);
        rd_kafka_conf_set_opaque(conf->get(), this);
        char errstr[512];
        rk_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf->release(), errstr, sizeof errstr));
        if (!rk_) return KafkaError("creating a group consumer", errstr);
        rd_kafka_poll_set_consumer(rk_.get());
        ListPtr topics(rd_kafka_topic_partition_list_new(1));
        rd_kafka_topic_partition_list_add(topics.get(), topic_.c_str(), RD_KAFKA_PARTITION_UA);
        if (auto err = rd_kafka_subscribe(rk_.get(), topics.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR)
            return KafkaError("joining group " + group_, rd_kafka_err2str(err));
        Log().Info("joining the consumer group", {{"onair.bus.topic", topic_}, {"onair.bus.group", group_},
                                                  {"onair.bus.session_timeout_ms", session}});
        thread_ = std::thread([this] { Run(); });
        return {};
    }

    /// Asynchronous: the answer (an error if the partition has moved to
    /// another member meanwhile) is logged by the poll thread.
    void Commit(std::span<const LogPosition> next) override {
        if (!manual_commit_ || next.empty() || !rk_) return;
        ListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(next.size())));
        for (const auto& p : next)
            if (p.partition >= 0 && p.offset >= 0)
                rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), p.partition)->offset = p.offset;
        if (list->cnt == 0) return;
        if (auto err = rd_kafka_commit(rk_.get(), list.get(), /*async=*/1); err != RD_KAFKA_RESP_ERR_NO_ERROR &&
                                                                            commit_throttle_.Allow())
            Log().Warn("commit failed", {{"onair.bus.group", group_}, {"error.code", rd_kafka_err2name(err)}});
    }

    ~GroupConsumer() override {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
        // Leaves the group at once (the others get our partitions without
        // waiting for the session timeout) and, with automatic commits,
        // commits where we were (a manual member has committed what it
        // made durable).
        if (rk_) rd_kafka_consumer_close(rk_.get());
        partitions_.Set(0);
    }

private:
    static void OnCommitted(rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t*, void* opaque) {
        auto* self = static_cast<GroupConsumer*>(opaque);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET && self->commit_throttle_.Allow())
            Log().Warn("commit failed", {{"onair.bus.group", self->group_}, {"error.code", rd_kafka_err2name(err)}});
    }

    static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                            void* opaque) {
        auto* self = static_cast<GroupConsumer*>(opaque);
        const bool cooperative = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
        std::string list;
        for (int i = 0; i < parts->cnt; ++i) list += (i ? "," : "") + std::to_string(parts->elems[i].partition);
        const bool assign = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
        if (assign || err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
            if (cooperative) {
                rd_kafka_error_t* e =
                    assign ? rd_kafka_incremental_assign(rk, parts) : rd_kafka_incremental_unassign(rk, parts);
                if (e) {
                    Log().Error("group rebalance failed", {{"onair.bus.group", self->group_},
                                                           {"error.message", rd_kafka_error_string(e)}});
                    rd_kafka_error_destroy(e);
                }
            } else {
                rd_kafka_assign(rk, assign ? parts : nullptr);
            }
            self->held_ = cooperative ? self->held_ + (assign ? parts->cnt : -parts->cnt) : (assign ? parts->cnt : 0);
            self->partitions_.Set(self->held_);
            Log().Info(assign ? "partitions assigned" : "partitions revoked",
                       {{"onair.bus.group", self->group_}, {"onair.bus.partitions", list},
                        {"onair.bus.partitions_held", self->held_}});
            return;
        }
        rd_kafka_assign(rk, nullptr);
        self->held_ = 0;
        self->partitions_.Set(0);
        Log().Error("group rebalance failed", {{"onair.bus.group", self->group_}, {"error.code", rd_kafka_err2name(err)}});
    }

    void Run() {
        LogThrottle throttle(std::chrono::seconds(5));
        while (!stop_) {
            rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_.get(), 100);
            if (!m) continue;
            if (m->err) {
                if (throttle.Allow())
                    Log().Warn("consume error", {{"onair.bus.topic", topic_}, {"onair.bus.group", group_},
                                                 {"error.code", rd_kafka_err2name(m->err)}});
                rd_kafka_message_destroy(m);
                continue;
            }
            handle_(m);
        }
    }

    const KafkaBusOptions options_;
    const std::string topic_;
    const std::string group_;
    const bool manual_commit_;
    LogThrottle commit_throttle_{std::chrono::seconds(5)};
    runtime::Gauge& partitions_;
    int64_t held_ = 0;  // touched by the rebalance callback only (the poll thread, then close)
    Handler handle_;
    HandlePtr rk_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
};

class KafkaBus final : public Bus {
public:
    KafkaBus(const KafkaBusOptions& options, runtime::Metrics& metrics)
        : options_(options), metrics_(metrics), media_counters_{&metrics_, true}, event_counters_{&metrics_, false} {}

    ~KafkaBus() override {
        stop_ = true;
        if (poller_.joinable()) poller_.join();
        // Deliver what is still buffered, briefly: a clean stop loses nothing
        // the brokers can take.
        if (media_.rk) rd_kafka_flush(media_.rk.get(), 3000);
        if (events_.rk) rd_kafka_flush(events_.rk.get(), 3000);
    }

    base::Status Start() {
        auto media = MakeProducer(options_, options_.media_topic, &media_counters_);
        if (!media.ok()) return media.error();
        media_ = std::move(media.value());
        media_.renditions.reset(rd_kafka_topic_new(media_.rk.get(), options_.renditions_topic.c_str(), nullptr));
        if (!media_.renditions)
            return KafkaError("topic " + options_.renditions_topic, rd_kafka_err2str(rd_kafka_last_error()));
        // Events have their own producer: a media backlog never holds up or
        // crowds out an event.
        auto events = MakeProducer(options_, options_.events_topic, &event_counters_);
        if (!events.ok()) return events.error();
        events_ = std::move(events.value());
        poller_ = std::thread([this] {
            while (!stop_) {
                rd_kafka_poll(media_.rk.get(), 50);
                rd_kafka_poll(events_.rk.get(), 0);
            }
        });
        return {};
    }

    void PublishMedia(const MediaRecord& record) override {
        metrics_.media_produced.Inc();
        if (auto st = format::record::CheckMediaRecord(record); !st.ok()) {
            metrics_.media_dropped_error.Inc();
            if (invalid_throttle_.Allow())
                Log().Error("media record refused by the record format; dropped",
                            {{"error.message", st.error().message}, {"onair.broadcast_id", record.broadcast_id}});
            return;
        }
        if (const size_t size = format::record::EncodedSize(record); size > options_.max_record_bytes) {
            metrics_.media_dropped_large.Inc();
            if (large_throttle_.Allow())
                Log().Error("media record too large for the bus; dropped",
                            {{"onair.bus.record_bytes", size},
                             {"onair.bus.max_record_bytes", options_.max_record_bytes},
                             {"onair.broadcast_id", record.broadcast_id}});
            return;
        }
        // Encoded into a per-thread buffer that librdkafka copies: the
        // payload is copied twice, which costs ~0.3 MB/s of memcpy per
        // 2.6 Mbit/s stream; encoding straight into librdkafka's memory
        // would need a span writer in the record codec.
        thread_local std::vector<uint8_t> scratch;
        scratch.clear();
        format::record::AppendEncoded(record, scratch);
        rd_kafka_topic_t* topic =
            TopicOf(record) == MediaTopic::kSource ? media_.topic.get() : media_.renditions.get();
        const auto err = rd_kafka_producev(
            media_.rk.get(), RD_KAFKA_V_RKT(topic),
            RD_KAFKA_V_KEY(const_cast<char*>(record.broadcast_id.data()), record.broadcast_id.size()),
            RD_KAFKA_V_VALUE(scratch.data(), scratch.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_TIMESTAMP(record.wallclock_ms > 0 ? record.wallclock_ms : runtime::WallClockMs()),
            RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            metrics_.buffered_bytes.Inc(static_cast<int64_t>(scratch.size()));
            metrics_.media_bytes_produced.Inc(scratch.size());
            return;
        }
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            metrics_.media_dropped_full.Inc();
        } else {
            metrics_.media_dropped_error.Inc();
        }
        if (full_throttle_.Allow())
            Log().Error("media records dropped: the bus buffer is full (is the broker reachable?)",
                        {{"error.code", rd_kafka_err2name(err)},
                         {"onair.bus.buffered_bytes", metrics_.buffered_bytes.Value()},
                         {"onair.bus.dropped_total", metrics_.media_dropped_full.Value() +
                                                         metrics_.media_dropped_error.Value()}});
    }

    void PublishEvent(std::string_view key, std::string_view json) override {
        metrics_.events_produced.Inc();
        const auto err = rd_kafka_producev(
            events_.rk.get(), RD_KAFKA_V_RKT(events_.topic.get()),
            RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
            RD_KAFKA_V_VALUE(const_cast<char*>(json.data()), json.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_END);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            metrics_.events_dropped.Inc();
            if (event_throttle_.Allow())
                Log().Error("event dropped", {{"error.code", rd_kafka_err2name(err)}});
        }
    }

    std::unique_ptr<Subscription> SubscribeMedia(int64_t since_ms, MediaSink& sink, MediaTopic topic) override {
        auto consumer = std::make_unique<TopicConsumer>(
            options_, topic == MediaTopic::kSource ? options_.media_topic : options_.renditions_topic, since_ms,
            metrics_.media_lag, &metrics_.media_catch_up_ms, DecodeInto(sink));
        if (auto st = consumer->Start(); !st.ok()) {
            Log().Error("media consumer failed to start", {{"error.message", st.error().message}});
            return nullptr;
        }
        return consumer;
    }

    std::unique_ptr<Subscription> SubscribeMediaGroup(const std::string& group, MediaSink& sink,
                                                      const GroupOptions& group_options) override {
        auto consumer = std::make_unique<GroupConsumer>(options_, options_.media_topic, group, group_options,
                                                        metrics_.group_partitions, DecodeInto(sink));
        if (auto st = consumer->Start(); !st.ok()) {
            Log().Error("group consumer failed to start", {{"error.message", st.error().message}});
            return nullptr;
        }
        return consumer;
    }

    std::unique_ptr<Subscription> SubscribeEvents(EventSink& sink) override {
        auto consumer = std::make_unique<TopicConsumer>(
            options_, options_.events_topic, 0, metrics_.events_lag, nullptr, [this, &sink](rd_kafka_message_t* m) {
                metrics_.events_consumed.Inc();
                sink.OnEvent(std::string_view(static_cast<const char*>(m->key), m->key ? m->key_len : 0),
                             std::string_view(static_cast<const char*>(m->payload), m->payload ? m->len : 0));
                rd_kafka_message_destroy(m);
            });
        if (auto st = consumer->Start(); !st.ok()) {
            Log().Error("event consumer failed to start", {{"error.message", st.error().message}});
            return nullptr;
        }
        return consumer;
    }

    BusStats stats() const override { return metrics_.Snapshot(); }
    std::string describe() const override { return "kafka://" + options_.brokers; }
    bool has_log() const override { return true; }

private:
    /// What a media consumer does with a message: one copy out of the
    /// fetch buffer, which the decoded record's payload then slices
    /// (packagers keep payloads past the call, and no librdkafka buffer may
    /// outlive the consumer), then the sink; an undecodable one is counted
    /// and skipped.
    std::function<void(rd_kafka_message_t*)> DecodeInto(MediaSink& sink) {
        return [this, &sink](rd_kafka_message_t* m) {
            metrics_.media_consumed.Inc();
            metrics_.media_bytes_consumed.Inc(m->len);
            auto value = base::SharedBuffer::Copy(
                std::span<const uint8_t>(static_cast<const uint8_t*>(m->payload), m->payload ? m->len : 0));
            const int32_t partition = m->partition;
            const int64_t offset = m->offset;
            rd_kafka_message_destroy(m);
            auto decoded = format::record::DecodeMediaRecord(value);
            if (!decoded.ok()) {
                metrics_.records_invalid.Inc();
                if (invalid_throttle_.Allow())
                    Log().Warn("undecodable media record skipped",
                               {{"error.message", decoded.error().message}, {"onair.bus.partition", partition},
                                {"onair.bus.offset", offset}});
                return;
            }
            sink.OnRecordAt(decoded.value(), LogPosition{partition, offset});
        };
    }

    const KafkaBusOptions options_;
    BusMetrics metrics_;
    DeliveryCounters media_counters_;
    DeliveryCounters event_counters_;
    Producer media_;
    Producer events_;
    std::thread poller_;
    std::atomic<bool> stop_{false};
    LogThrottle large_throttle_{std::chrono::seconds(5)};
    LogThrottle full_throttle_{std::chrono::seconds(5)};
    LogThrottle event_throttle_{std::chrono::seconds(5)};
    LogThrottle invalid_throttle_{std::chrono::seconds(5)};
};

}  // namespace

base::Result<std::unique_ptr<Bus>> MakeKafkaBus(const KafkaBusOptions& options, runtime::Metrics& metrics) {
    if (options.brokers.empty())
        return base::MakeError(base::ErrorCode::kInvalidData, "kafka: no brokers given (kafka://host:port,...)");
    auto bus = std::make_unique<KafkaBus>(options, metrics);
    if (auto st = bus->Start(); !st.ok()) return st.error();
    return std::unique_ptr<Bus>(std::move(bus));
}

}  // namespace onair::bus
