// SPDX-License-Identifier: Apache-2.0
#include "onair/origin/recorder_service.h"

#include <nlohmann/json.hpp>

#include "onair/format/hls/date_time.h"
#include "onair/origin/durable_file.h"
#include "onair/server/bus/event_envelope.h"
#include "onair/origin/recording_finalizer.h"
#include "onair/runtime/logger.h"
#include "onair/runtime/wall_clock.h"

namespace onair::origin {

namespace {

using Clock = std::chrono::steady_clock;
using format::record::RecordType;

const runtime::Logger& Log() {
    static const runtime::Logger log("origin");
    return log;
}

constexpr size_t kMaxEventBytes = 65536;
constexpr size_t kMaxHeaderFileBytes = 64 * 1024;
constexpr size_t kMaxJournalBytes = size_t{64} << 20;


nlohmann::json TimeOrNull(int64_t ms) {
    return ms > 0 ? nlohmann::json(format::hls::FormatDateTime(ms)) : nlohmann::json(nullptr);
}

}  // namespace

/// A record on its way to the writer, with its own copies of the names its
/// views point into (the bus's bytes are gone when OnRecordAt returns;
/// payloads are shared, not copied).
struct RecorderService::Queued {
    std::string broadcast_id;
    std::string channel;
    std::string end_reason;
    format::record::MediaRecord record;
    bus::LogPosition at;
    size_t cost = 0;
};

/// A recording being written (writer thread only).
struct RecorderService::Active {
    std::unique_ptr<RecordingWriter> writer;
    Clock::time_point last_record = Clock::now();
    Clock::time_point last_update = Clock::now();
    std::optional<bus::LogPosition> since_last_packet;  // first record after the last packet kept
    bool failed = false;
};

/// Work for the finalizer thread.
struct RecorderService::Job {
    enum class Kind : uint8_t { kFinalize, kDelete } kind = Kind::kFinalize;
    std::string id;
    RecordingHeader header;
    std::vector<SegmentEntry> segments;
    const char* reason = "api";
};

bool RecorderService::ValidId(std::string_view id) {
    if (id.empty() || id.size() > 64 || id.front() == '.') return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
    return true;
}

RecorderService::RecorderService(bus::Bus& bus, runtime::Metrics& metrics, RecorderOptions options)
    : bus_(bus),
      options_(std::move(options)),
      started_(metrics.counter("onair_origin_recordings_started_total", "Recordings this origin began")),
      finalized_(metrics.counter("onair_origin_recordings_finalized_total", "Recordings finalized (MP4 and VOD playlist)")),
      write_errors_(metrics.counter("onair_origin_write_errors_total",
                                    "Recordings failed by a disk error (full, unwritable directory)")),
      dropped_(metrics.counter("onair_origin_records_dropped_total",
                               "Records not recorded because the write queue was full")),
      deleted_(metrics.counter("onair_origin_recordings_deleted_total", "Recordings deleted (API or retention)")),
      bytes_written_(metrics.counter("onair_origin_bytes_written_total", "Fragment bytes written to disk")),
      recording_(metrics.gauge("onair_origin_recordings_active", "Recordings being written")),
      queue_bytes_gauge_(metrics.gauge("onair_origin_queue_bytes", "Media waiting to be written")) {}

RecorderService::~RecorderService() { Stop(); }

void RecorderService::SetSubscription(bus::Subscription* subscription) {
    std::lock_guard lock(mu_);
    subscription_ = subscription;
}

void RecorderService::Start() {
    Scan();
    writer_ = std::thread([this] { WriterLoop(); });
    finalizer_ = std::thread([this] { FinalizerLoop(); });
}

void RecorderService::Stop() {
    {
        std::lock_guard lock(mu_);
        if (!writer_.joinable() && !finalizer_.joinable()) return;
        accepting_ = false;
        stopping_ = true;
    }
    cv_.notify_all();
    space_.notify_all();
    if (writer_.joinable()) writer_.join();
    {
        std::lock_guard lock(jobs_mu_);
        jobs_stopping_ = true;
    }
    jobs_cv_.notify_all();
    if (finalizer_.joinable()) finalizer_.join();
}

void RecorderService::OnRecordAt(const format::record::MediaRecord& record, const bus::LogPosition& at) {
    if (!record.rendition.empty()) return;  // the source only: full quality
    const size_t cost = 256 + record.packet.payload.size() + record.config.extradata.size();
    std::unique_lock lock(mu_);
    if (!accepting_) return;
    if (queued_bytes_ + cost > options_.queue_bytes) {
        if (!options_.block_when_full) {
            dropped_.Inc();
            return;  // the writer sees the gap in the sequence numbers
        }
        space_.wait(lock, [&] { return !accepting_ || queued_bytes_ + cost <= options_.queue_bytes; });
        if (!accepting_) return;
    }
    Queued& q = queue_.emplace_back();
    q.broadcast_id = record.broadcast_id;
    q.channel = record.channel;
    q.end_reason = record.end_reason;
    q.record = record;
    q.record.broadcast_id = q.broadcast_id;
    q.record.channel = q.channel;
    q.record.end_reason = q.end_reason;
    q.record.rendition = {};
    q.at = at;
    q.cost = cost;
    queued_bytes_ += cost;
    queue_bytes_gauge_.Set(static_cast<int64_t>(queued_bytes_));
    lock.unlock();
    cv_.notify_one();
}

void RecorderService::OnEvent(std::string_view /*key*/, std::string_view json) {
    if (json.size() > kMaxEventBytes) return;
    auto event = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || event.value("type", "") != "recording.delete_requested") return;
    const auto& rec = event["recording"];
    if (!rec.is_object() || !rec.contains("id") || !rec["id"].is_string()) return;
    const std::string id = rec["id"].get<std::string>();
    if (!ValidId(id)) return;
    {
        std::lock_guard lock(catalog_mu_);
        if (!catalog_.count(id)) return;  // another origin's
    }
    // Through the writer's queue: a recording still being written is
    // stopped there first, in order with its records.
    std::lock_guard lock(mu_);
    if (!accepting_) return;
    Queued& q = queue_.emplace_back();
    q.broadcast_id = id;
    q.end_reason = "delete";
    q.record.type = RecordType::kEnd;
    q.record.broadcast_id = q.broadcast_id;
    q.record.end_reason = q.end_reason;
    q.record.sequence = UINT64_MAX;  // marks the delete request
    cv_.notify_one();
}

void RecorderService::WriterLoop() {
    auto last_commit = Clock::now();
    auto last_idle_check = Clock::now();
    for (;;) {
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return stopping_ || !queue_.empty(); });
        const bool stop = stopping_ && queue_.empty();
        bus::Subscription* subscription = subscription_;
        if (!queue_.empty()) {
            Queued item = std::move(queue_.front());
            queue_.pop_front();
            // The views pointed into the queued element's strings: point
            // them at the moved ones (short strings move by copy).
            item.record.broadcast_id = item.broadcast_id;
            item.record.channel = item.channel;
            item.record.end_reason = item.end_reason;
            queued_bytes_ -= item.cost;
            queue_bytes_gauge_.Set(static_cast<int64_t>(queued_bytes_));
            lock.unlock();
            space_.notify_all();
            Handle(item);
        } else {
            lock.unlock();
        }
        const auto now = Clock::now();
        if (now - last_idle_check >= std::chrono::seconds(1) || stop) {
            last_idle_check = now;
            for (auto it = active_.begin(); it != active_.end();) {
                auto& [id, a] = *it;
                if (!a.failed && now - a.last_update >= options_.update_interval) {
                    a.last_update = now;
                    if (auto view = Find(id)) Publish(*view, "recording.updated");
                }
                if (now - a.last_record >= options_.idle_finalize) {
                    Log().Warn("the log has been silent on a recording: finalizing it",
                               {{"onair.recording.id", id}, {"onair.channel", a.writer->header().channel}});
                    Finish(id, a, runtime::WallClockMs(), /*interrupted=*/true);
                    it = active_.erase(it);
                    continue;
                }
                ++it;
            }
        }
        if ((now - last_commit >= std::chrono::seconds(1) || stop) && subscription) {
            last_commit = now;
            auto commits = commits_.TakeCommits();
            if (!commits.empty()) subscription->Commit(commits);
        }
        if (stop) break;
    }
    recording_.Set(0);
}

void RecorderService::Begin(const std::string& id, const std::string& channel, int64_t wallclock_ms) {
    const auto dir = options_.dir / id;
    base::Result<std::unique_ptr<RecordingWriter>> made = base::MakeError(base::ErrorCode::kInternal, "");
    bool resumed = false;
    std::error_code ec;
    if (std::filesystem::exists(RecordingFiles::Header(dir), ec)) {
        made = RecordingWriter::Resume(dir);
        resumed = true;
    } else {
        made = RecordingWriter::Create(dir, id, channel, options_.node_id,
                                       wallclock_ms > 0 ? wallclock_ms : runtime::WallClockMs());
    }
    Active& a = active_[id];
    if (!made.ok()) {
        RecordingView view;
        view.header.id = id;
        view.header.channel = channel;
        view.header.node = options_.node_id;
        view.header.started_at_ms = runtime::WallClockMs();
        {
            std::lock_guard lock(catalog_mu_);
            catalog_[id] = view;
        }
        Fail(id, a, made.error());
        return;
    }
    a.writer = std::move(made.value());
    recording_.Set(static_cast<int64_t>(active_.size()));
    UpdateView(id, *a.writer, true);
    if (!resumed) {
        started_.Inc();
        Log().Info("recording", {{"onair.recording.id", id}, {"onair.channel", channel},
                                 {"onair.recording.dir", dir.string()}});
        if (auto view = Find(id)) Publish(*view, "recording.started");
    } else {
        Log().Info("recording resumed", {{"onair.recording.id", id}, {"onair.channel", channel},
                                         {"onair.recording.segments", a.writer->segments().size()}});
    }
}

void RecorderService::Handle(Queued& item) {
    const auto& r = item.record;
    const std::string& id = item.broadcast_id;
    if (r.type == RecordType::kEnd && r.sequence == UINT64_MAX && item.end_reason == "delete") {
        // Stopped here, in order with its records; records still on their
        // way must not begin it again before the finalizer has removed it.
        deleting_.insert(id);
        auto it = active_.find(id);
        if (it != active_.end()) {
            commits_.Durable(id);
            active_.erase(it);
            recording_.Set(static_cast<int64_t>(active_.size()));
        }
        Job job;
        job.kind = Job::Kind::kDelete;
        job.id = id;
        job.reason = "api";
        PostJob(std::move(job));
        return;
    }
    if (!ValidId(id) || deleting_.count(id)) {
        commits_.Seen(item.at);
        return;
    }
    auto it = active_.find(id);
    if (it == active_.end()) {
        std::optional<RecordingState> known;
        {
            std::lock_guard lock(catalog_mu_);
            if (auto c = catalog_.find(id); c != catalog_.end()) known = c->second.header.state;
        }
        // A finished recording's records read again (after a restart), or
        // an end with nothing recorded: nothing to do.
        if ((known && *known != RecordingState::kRecording) || r.type == RecordType::kEnd) {
            commits_.Seen(item.at);
            return;
        }
        Begin(id, item.channel, r.wallclock_ms);
        it = active_.find(id);
    }
    Active& a = it->second;
    a.last_record = Clock::now();
    if (a.failed) {
        commits_.Seen(item.at);
        return;
    }
    if (r.type == RecordType::kEnd) {
        commits_.Pending(id, item.at);
        Finish(id, a, r.wallclock_ms > 0 ? r.wallclock_ms : runtime::WallClockMs(), /*interrupted=*/false);
        active_.erase(it);
        return;
    }
    const uint64_t before = a.writer->bytes();
    auto took = a.writer->Add(r);
    if (!took.ok()) {
        Fail(id, a, took.error());
        return;
    }
    const bool packet = r.type == RecordType::kPacket;
    switch (took.value()) {
        case RecordingWriter::Took::kSkipped:
            commits_.Seen(item.at);
            if (!a.since_last_packet) a.since_last_packet = item.at;
            break;
        case RecordingWriter::Took::kWroteFragment:
            commits_.DurableUntil(id, a.since_last_packet.value_or(item.at));
            bytes_written_.Inc(a.writer->bytes() - before);
            UpdateView(id, *a.writer, true);
            if (a.writer->segments().size() == 1) {
                // Playable from now on: say so without waiting for the next update.
                a.last_update = Clock::now();
                if (auto view = Find(id)) Publish(*view, "recording.updated");
            }
            [[fallthrough]];
        case RecordingWriter::Took::kHeld:
            commits_.Pending(id, item.at);
            if (packet)
                a.since_last_packet.reset();
            else if (!a.since_last_packet)
                a.since_last_packet = item.at;
            break;
    }
}

void RecorderService::Fail(const std::string& id, Active& a, const base::Error& error) {
    a.failed = true;
    write_errors_.Inc();
    commits_.Durable(id);  // nothing more will be written: the log may move on
    Log().Error("recording failed", {{"onair.recording.id", id}, {"error.message", error.message}});
    if (a.writer) {
        (void)a.writer->SetState(RecordingState::kFailed, runtime::WallClockMs(), false, error.message);
        UpdateView(id, *a.writer, false);
    }
    std::optional<RecordingView> view;
    {
        std::lock_guard lock(catalog_mu_);
        auto& v = catalog_[id];
        v.header.state = RecordingState::kFailed;
        v.header.error = error.message;
        if (v.header.ended_at_ms == 0) v.header.ended_at_ms = runtime::WallClockMs();
        v.live_playlist.reset();
        view = v;
    }
    Publish(*view, "recording.failed");
}

void RecorderService::Finish(const std::string& id, Active& a, int64_t ended_at_ms, bool interrupted) {
    if (a.failed) return;
    if (auto st = a.writer->Flush(); !st.ok()) return Fail(id, a, st.error());
    if (auto st = a.writer->SetState(RecordingState::kFinalizing, ended_at_ms, interrupted); !st.ok())
        return Fail(id, a, st.error());
    commits_.Durable(id);
    UpdateView(id, *a.writer, true);
    recording_.Set(static_cast<int64_t>(active_.size()) - 1);
    Job job;
    job.id = id;
    job.header = a.writer->header();
    job.segments = a.writer->segments();
    PostJob(std::move(job));
}

void RecorderService::PostJob(Job job) {
    {
        std::lock_guard lock(jobs_mu_);
        jobs_.push_back(std::move(job));
    }
    jobs_cv_.notify_one();
}

void RecorderService::UpdateView(const std::string& id, const RecordingWriter& w, bool with_playlist) {
    RecordingView v;
    v.header = w.header();
    v.bytes = w.bytes();
    v.duration = w.duration();
    v.segments = static_cast<uint32_t>(w.segments().size());
    v.discontinuities = w.discontinuities();
    if (with_playlist && w.header().state == RecordingState::kRecording)
        v.live_playlist = std::make_shared<const std::string>(BuildRecordingPlaylist(w.segments(), false));
    std::lock_guard lock(catalog_mu_);
    catalog_[id] = std::move(v);
}

std::optional<RecordingView> RecorderService::Find(const std::string& id) const {
    std::lock_guard lock(catalog_mu_);
    auto it = catalog_.find(id);
    if (it == catalog_.end()) return std::nullopt;
    return it->second;
}

std::vector<RecordingView> RecorderService::List() const {
    std::lock_guard lock(catalog_mu_);
    std::vector<RecordingView> out;
    out.reserve(catalog_.size());
    for (const auto& [id, v] : catalog_)
        if (v.header.state != RecordingState::kDeleted) out.push_back(v);
    return out;
}

void RecorderService::Publish(const RecordingView& v, const char* type, std::string_view reason) {
    const auto& h = v.header;
    const std::string base = options_.public_url + "/vod/" + h.id + "/";
    const bool done = h.state == RecordingState::kComplete;
    const bool gone = h.state == RecordingState::kDeleted;
    // Finalizing shows as recording: the MP4 is not there yet.
    const char* state = h.state == RecordingState::kFinalizing ? "recording" : StateName(h.state);
    nlohmann::json rec = {
        {"id", h.id},
        {"broadcast_id", h.id},
        {"channel", h.channel},
        {"state", state},
        {"started_at", TimeOrNull(h.started_at_ms)},
        {"ended_at", TimeOrNull(h.ended_at_ms)},
        {"duration_ms", v.duration / 90},
        {"bytes", v.bytes},
        {"segments", v.segments},
        {"discontinuities", v.discontinuities},
        {"interrupted", h.interrupted},
        {"vod_url", gone || v.segments == 0 ? nlohmann::json(nullptr) : nlohmann::json(base + "index.m3u8")},
        {"mp4_url", done && h.mp4_bytes > 0 ? nlohmann::json(base + "recording.mp4") : nlohmann::json(nullptr)},
        {"expires_at", options_.retention_max_age_ms > 0 && h.ended_at_ms > 0
                           ? TimeOrNull(h.ended_at_ms + options_.retention_max_age_ms)
                           : nlohmann::json(nullptr)},
        {"error", h.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(h.error)},
    };
    nlohmann::json event = server::bus::EventEnvelope(type, "origin", options_.node_id, runtime::WallClockMs());
    event["channel"] = {{"name", h.channel}};
    event["recording"] = std::move(rec);
    event["retention"] = {{"max_age_s", options_.retention_max_age_ms / 1000},
                          {"max_bytes_per_channel", options_.retention_max_bytes_per_channel}};
    if (!reason.empty()) event["reason"] = reason;
    bus_.PublishEvent(h.channel, event.dump());
}

void RecorderService::Scan() {
    std::error_code ec;
    if (auto st = MakeDirectoryDurably(options_.dir); !st.ok()) {
        write_errors_.Inc();
        Log().Error("the recordings directory is not usable: broadcasts will not be recorded",
                    {{"error.message", st.error().message}});
        return;
    }
    size_t found = 0;
    for (const auto& entry : std::filesystem::directory_iterator(options_.dir, ec)) {
        if (!entry.is_directory(ec)) continue;
        const std::string id = entry.path().filename().string();
        if (!ValidId(id)) continue;
        auto text = ReadFileBounded(RecordingFiles::Header(entry.path()), kMaxHeaderFileBytes);
        if (!text.ok()) continue;
        auto header = HeaderFromJson(text.value());
        if (!header.ok() || header.value().id != id) {
            Log().Warn("unreadable recording skipped", {{"onair.recording.dir", entry.path().string()}});
            continue;
        }
        ++found;
        const RecordingHeader& h = header.value();
        if (h.state == RecordingState::kRecording) {
            Begin(id, h.channel, 0);  // resumed; finalized if the log stays silent
            continue;
        }
        std::vector<SegmentEntry> segments;
        if (auto journal = ReadFileBounded(RecordingFiles::Journal(entry.path()), kMaxJournalBytes); journal.ok())
            segments = ParseSegmentJournal(journal.value());
        const SegmentTotals totals = TotalsOf(segments);
        RecordingView v;
        v.header = h;
        v.segments = static_cast<uint32_t>(segments.size());
        v.bytes = totals.bytes + RecordingFiles::InitBytes(entry.path(), h.inits) + h.mp4_bytes;
        v.duration = totals.duration;
        v.discontinuities = totals.discontinuities;
        {
            std::lock_guard lock(catalog_mu_);
            catalog_[id] = v;
        }
        if (h.state == RecordingState::kFinalizing) {
            Job job;
            job.id = id;
            job.header = h;
            job.segments = std::move(segments);
            PostJob(std::move(job));
        }
    }
    Log().Info("recordings on disk", {{"onair.recording.dir", options_.dir.string()}, {"onair.recordings", found}});
}

void RecorderService::FinalizerLoop() {
    auto last_retain = Clock::now() - options_.retention_interval;
    for (;;) {
        std::unique_lock lock(jobs_mu_);
        jobs_cv_.wait_for(lock, std::chrono::seconds(1), [&] { return jobs_stopping_ || !jobs_.empty(); });
        if (!jobs_.empty()) {
            Job job = std::move(jobs_.front());
            jobs_.pop_front();
            lock.unlock();
            RunJob(job);
            if (job.kind == Job::Kind::kFinalize) last_retain = Clock::now() - options_.retention_interval;
            continue;
        }
        if (jobs_stopping_) break;
        lock.unlock();
        if (Clock::now() - last_retain >= options_.retention_interval) {
            last_retain = Clock::now();
            Retain();
        }
    }
}

void RecorderService::RunJob(Job& job) {
    if (job.kind == Job::Kind::kDelete) return Delete(job.id, job.reason);
    const auto dir = options_.dir / job.id;
    RecordingHeader h = job.header;
    const auto t0 = Clock::now();
    auto movie = WriteRecordingMovie(dir, h.inits, job.segments);
    base::Status st;
    if (movie.ok()) {
        h.mp4_bytes = movie.value().bytes;
    } else {
        // The fragments and the VOD playlist stay playable; the MP4 is missing.
        h.error = "mp4: " + movie.error().message;
        Log().Error("making the recording's MP4 failed", {{"onair.recording.id", job.id},
                                                          {"error.message", movie.error().message}});
        if (movie.error().code == base::ErrorCode::kIo) write_errors_.Inc();
    }
    st = WriteFileDurably(RecordingFiles::Playlist(dir), BuildRecordingPlaylist(job.segments, true));
    h.state = RecordingState::kComplete;
    if (st.ok()) st = WriteFileDurably(RecordingFiles::Header(dir), HeaderToJson(h));
    if (!st.ok()) {
        write_errors_.Inc();
        h.state = RecordingState::kFailed;
        h.error = st.error().message;
        Log().Error("finalizing the recording failed", {{"onair.recording.id", job.id}, {"error.message", h.error}});
    }
    std::optional<RecordingView> view;
    {
        std::lock_guard lock(catalog_mu_);
        auto& v = catalog_[job.id];
        if (v.header.state == RecordingState::kDeleted) return;
        const uint64_t old_mp4 = v.header.mp4_bytes;
        v.header = h;
        v.bytes = v.bytes - old_mp4 + h.mp4_bytes;
        v.live_playlist.reset();
        view = v;
    }
    finalized_.Inc();
    Log().Info("recording finalized",
               {{"onair.recording.id", job.id},
                {"onair.channel", h.channel},
                {"onair.recording.segments", job.segments.size()},
                {"onair.recording.bytes", view->bytes},
                {"onair.recording.video_frames", movie.ok() ? movie.value().video_frames : 0},
                {"onair.recording.audio_frames", movie.ok() ? movie.value().audio_frames : 0},
                {"event.duration", std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count()}});
    Publish(*view, h.state == RecordingState::kComplete ? "recording.finalized" : "recording.failed");
}

void RecorderService::Delete(const std::string& id, const char* reason) {
    std::optional<RecordingView> view;
    {
        std::lock_guard lock(catalog_mu_);
        auto it = catalog_.find(id);
        if (it == catalog_.end() || it->second.header.state == RecordingState::kDeleted) return;
        view = it->second;
    }
    std::error_code ec;
    std::filesystem::remove_all(options_.dir / id, ec);
    if (ec) {
        Log().Error("deleting a recording failed", {{"onair.recording.id", id}, {"error.message", ec.message()}});
        return;
    }
    view->header.state = RecordingState::kDeleted;
    view->live_playlist.reset();
    {
        // Kept as a tombstone: records of the broadcast still on their way
        // must not start it again.
        std::lock_guard lock(catalog_mu_);
        catalog_[id] = *view;
    }
    deleted_.Inc();
    Log().Info("recording deleted", {{"onair.recording.id", id}, {"onair.channel", view->header.channel},
                                     {"event.reason", reason}});
    Publish(*view, "recording.deleted", reason);
}

void RecorderService::Retain() {
    if (options_.retention_max_age_ms <= 0 && options_.retention_max_bytes_per_channel == 0) return;
    const int64_t now = runtime::WallClockMs();
    std::vector<std::string> expired;
    {
        std::lock_guard lock(catalog_mu_);
        // Finished recordings per channel, oldest first.
        std::map<std::string, std::vector<std::pair<int64_t, const RecordingView*>>> by_channel;
        for (const auto& [id, v] : catalog_) {
            const auto s = v.header.state;
            if (s != RecordingState::kComplete && s != RecordingState::kFailed) continue;
            if (options_.retention_max_age_ms > 0 && v.header.ended_at_ms > 0 &&
                now - v.header.ended_at_ms > options_.retention_max_age_ms) {
                expired.push_back(id);
                continue;
            }
            by_channel[v.header.channel].push_back({v.header.started_at_ms, &v});
        }
        if (options_.retention_max_bytes_per_channel > 0) {
            for (auto& [channel, list] : by_channel) {
                uint64_t total = 0;
                for (const auto& [t, v] : list) total += v->bytes;
                std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
                for (const auto& [t, v] : list) {
                    if (total <= options_.retention_max_bytes_per_channel) break;
                    total -= v->bytes;
                    expired.push_back(v->header.id);
                }
            }
        }
    }
    for (const auto& id : expired) Delete(id, "retention");
}

}  // namespace onair::origin
