// SPDX-License-Identifier: Apache-2.0
#include "onair/origin/recording_manifest.h"

#include <map>
#include <nlohmann/json.hpp>

namespace onair::origin {

namespace {

constexpr const char* kStateNames[] = {"recording", "finalizing", "complete", "failed", "deleted"};

}  // namespace

const char* StateName(RecordingState state) { return kStateNames[static_cast<size_t>(state)]; }

std::optional<RecordingState> ParseState(std::string_view name) {
    for (size_t i = 0; i < std::size(kStateNames); ++i)
        if (name == kStateNames[i]) return static_cast<RecordingState>(i);
    return std::nullopt;
}

std::string HeaderToJson(const RecordingHeader& h) {
    nlohmann::json j = {{"version", 1},
                        {"id", h.id},
                        {"channel", h.channel},
                        {"node", h.node},
                        {"state", StateName(h.state)},
                        {"started_at_ms", h.started_at_ms},
                        {"ended_at_ms", h.ended_at_ms},
                        {"origin_dts", h.origin_dts},
                        {"inits", h.inits},
                        {"interrupted", h.interrupted},
                        {"mp4_bytes", h.mp4_bytes},
                        {"error", h.error}};
    return j.dump() + "\n";
}

base::Result<RecordingHeader> HeaderFromJson(std::string_view json) {
    auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return base::MakeError(base::ErrorCode::kInvalidData, "recording.json: not a JSON object");
    RecordingHeader h;
    try {
        h.id = j.at("id").get<std::string>();
        h.channel = j.at("channel").get<std::string>();
        h.node = j.value("node", "");
        const auto state = ParseState(j.at("state").get<std::string>());
        if (!state) return base::MakeError(base::ErrorCode::kInvalidData, "recording.json: unknown state");
        h.state = *state;
        h.started_at_ms = j.at("started_at_ms").get<int64_t>();
        h.ended_at_ms = j.value("ended_at_ms", int64_t{0});
        h.origin_dts = j.at("origin_dts").get<int64_t>();
        h.inits = j.at("inits").get<uint32_t>();
        h.interrupted = j.value("interrupted", false);
        h.mp4_bytes = j.value("mp4_bytes", uint64_t{0});
        h.error = j.value("error", "");
    } catch (const nlohmann::json::exception& e) {
        return base::MakeError(base::ErrorCode::kInvalidData, std::string("recording.json: ") + e.what());
    }
    return h;
}

std::string SegmentToJsonLine(const SegmentEntry& e) {
    nlohmann::json j = {{"n", e.number},   {"init", e.init},   {"start", e.start},
                        {"dur", e.duration}, {"pdt", e.wallclock_ms}, {"disc", e.discontinuity},
                        {"bytes", e.bytes}, {"seq", e.last_sequence}, {"frames", e.frames}};
    return j.dump();
}

std::optional<SegmentEntry> SegmentFromJsonLine(std::string_view line) {
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return std::nullopt;
    try {
        SegmentEntry e;
        e.number = j.at("n").get<int64_t>();
        e.init = j.at("init").get<uint32_t>();
        e.start = j.at("start").get<int64_t>();
        e.duration = j.at("dur").get<int64_t>();
        e.wallclock_ms = j.at("pdt").get<int64_t>();
        e.discontinuity = j.at("disc").get<bool>();
        e.bytes = j.at("bytes").get<uint64_t>();
        e.last_sequence = j.at("seq").get<uint64_t>();
        e.frames = j.value("frames", uint32_t{0});
        if (e.number < 0 || e.init == 0 || e.duration < 0) return std::nullopt;
        return e;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

SegmentTotals TotalsOf(const std::vector<SegmentEntry>& segments) {
    SegmentTotals t;
    for (size_t i = 0; i < segments.size(); ++i) {
        t.bytes += segments[i].bytes;
        t.duration += segments[i].duration;
        t.discontinuities += i > 0 && segments[i].discontinuity ? 1 : 0;
    }
    return t;
}

std::vector<SegmentEntry> ParseSegmentJournal(std::string_view text) {
    std::map<int64_t, SegmentEntry> by_number;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();  // a torn last line fails to parse
        if (auto e = SegmentFromJsonLine(text.substr(pos, end - pos))) by_number[e->number] = *e;
        pos = end + 1;
    }
    std::vector<SegmentEntry> out;
    out.reserve(by_number.size());
    for (auto& [n, e] : by_number) out.push_back(e);
    return out;
}

}  // namespace onair::origin
