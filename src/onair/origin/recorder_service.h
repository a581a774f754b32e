// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "onair/base/result.h"
#include "onair/bus/bus.h"
#include "onair/origin/commit_tracker.h"
#include "onair/origin/recording_manifest.h"
#include "onair/origin/recording_writer.h"
#include "onair/runtime/metrics.h"

namespace onair::origin {

struct RecorderOptions {
    std::filesystem::path dir;                   // one directory per recording below it
    std::string node_id = "local";
    std::string public_url;                      // prefix of the URLs in events; empty: paths
    int64_t retention_max_age_ms = 0;            // 0: kept
    uint64_t retention_max_bytes_per_channel = 0;  // 0: no limit
    std::chrono::milliseconds idle_finalize{30000};
    size_t queue_bytes = size_t{256} << 20;
    /// When the queue is full: wait (Kafka: the log keeps the records) or
    /// drop and count (in-process: the publisher's thread must not wait).
    bool block_when_full = false;
    std::chrono::milliseconds update_interval{10000};    // recording.updated while recording
    std::chrono::milliseconds retention_interval{60000};
};

/// What the VOD routes and the events show of a recording.
struct RecordingView {
    RecordingHeader header;
    uint64_t bytes = 0;
    int64_t duration = 0;  // 90 kHz
    uint32_t segments = 0;
    uint32_t discontinuities = 0;
    /// While recording: the EVENT playlist of the fragments on disk.
    std::shared_ptr<const std::string> live_playlist;
};

/// The origin: records every broadcast of the source topic to disk as it
/// arrives (RecordingWriter), finalizes it when the broadcast ends (an MP4
/// with the moov in front and a VOD playlist), enforces retention, and
/// announces each recording's life on the events topic (recording.started,
/// .updated, .finalized, .failed, .deleted; docs/RECORDINGS.md). It takes
/// recording.delete_requested from the events topic.
///
/// Threads: the bus's thread only queues (bounded by bytes); one writer
/// thread writes fragments and commits log positions (CommitTracker) a
/// second after they are durable; one finalizer thread makes MP4s and
/// deletes. A write error (disk full, an unwritable directory) fails that
/// recording only, with an event, a log line and
/// onair_origin_write_errors_total; nothing waits for the disk but the
/// origin itself, so live viewers never notice.
class RecorderService final : public bus::MediaSink, public bus::EventSink {
public:
    RecorderService(bus::Bus& bus, runtime::Metrics& metrics, RecorderOptions options);
    ~RecorderService() override;

    /// Reads the recordings on disk (resuming those still `recording`,
    /// finishing those `finalizing`) and starts the threads. An unusable
    /// directory is logged and announced, not fatal.
    void Start();
    /// For commits of what is durable (Kafka); set before records arrive.
    void SetSubscription(bus::Subscription* subscription);
    /// Writes what is queued, finishes the finalizations, commits. Records
    /// that arrive meanwhile are dropped (the log has them).
    void Stop();

    void OnRecord(const format::record::MediaRecord& record) override { OnRecordAt(record, {}); }
    void OnRecordAt(const format::record::MediaRecord& record, const bus::LogPosition& at) override;
    void OnEvent(std::string_view key, std::string_view json) override;

    std::optional<RecordingView> Find(const std::string& id) const;
    std::vector<RecordingView> List() const;
    const RecorderOptions& options() const { return options_; }

    /// True for an id a recording may have (a directory name, a URL part).
    static bool ValidId(std::string_view id);

private:
    struct Queued;
    struct Active;
    struct Job;

    void WriterLoop();
    void FinalizerLoop();
    void Handle(Queued& item);
    void Begin(const std::string& id, const std::string& channel, int64_t wallclock_ms);
    void Fail(const std::string& id, Active& active, const base::Error& error);
    void Finish(const std::string& id, Active& active, int64_t ended_at_ms, bool interrupted);
    void Publish(const RecordingView& view, const char* type, std::string_view reason = {});
    void UpdateView(const std::string& id, const RecordingWriter& writer, bool with_playlist);
    void Scan();
    void RunJob(Job& job);
    void PostJob(Job job);
    void Retain();
    void Delete(const std::string& id, const char* reason);

    bus::Bus& bus_;
    const RecorderOptions options_;
    runtime::Counter& started_;
    runtime::Counter& finalized_;
    runtime::Counter& write_errors_;
    runtime::Counter& dropped_;
    runtime::Counter& deleted_;
    runtime::Counter& bytes_written_;
    runtime::Gauge& recording_;
    runtime::Gauge& queue_bytes_gauge_;

    // The queue, bus thread -> writer thread.
    std::mutex mu_;
    std::condition_variable cv_;
    std::condition_variable space_;
    std::deque<Queued> queue_;
    size_t queued_bytes_ = 0;
    bool stopping_ = false;
    bool accepting_ = true;
    bus::Subscription* subscription_ = nullptr;

    // The writer thread's own.
    std::map<std::string, Active> active_;
    std::set<std::string> deleting_;  // asked to be deleted: their records are ignored
    CommitTracker commits_;

    // Jobs, writer -> finalizer thread.
    std::mutex jobs_mu_;
    std::condition_variable jobs_cv_;
    std::deque<Job> jobs_;
    bool jobs_stopping_ = false;

    // What everyone reads.
    mutable std::mutex catalog_mu_;
    std::map<std::string, RecordingView> catalog_;

    std::thread writer_;
    std::thread finalizer_;
};

}  // namespace onair::origin
