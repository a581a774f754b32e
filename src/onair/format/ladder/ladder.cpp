// SPDX-License-Identifier: Apache-2.0
#include "onair/format/ladder/ladder.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace onair::format::ladder {

namespace {

base::Error Invalid(const std::string& message) {
    return base::MakeError(base::ErrorCode::kInvalidData, "ladder: " + message);
}

bool ValidName(std::string_view name) {
    if (name.empty() || name.size() > 32 || name == "src") return false;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
    return true;
}

/// An integer field in [lo, hi]; absent leaves `out` as it is unless required.
base::Status IntField(const nlohmann::json& o, const char* key, int lo, int hi, bool required, int& out,
                      const std::string& where) {
    auto it = o.find(key);
    if (it == o.end()) {
        if (required) return Invalid(where + ": \"" + key + "\" is required");
        return {};
    }
    if (!it->is_number_integer())
        return Invalid(where + ": \"" + key + "\" must be an integer");
    const int64_t v = it->get<int64_t>();
    if (v < lo || v > hi)
        return Invalid(where + ": \"" + key + "\" must be " + std::to_string(lo) + ".." + std::to_string(hi));
    out = static_cast<int>(v);
    return {};
}

}  // namespace

Ladder DefaultLadder() {
    Ladder l;
    l.renditions.push_back({"720p", 720, 2800, 0, "high", 0});
    l.renditions.push_back({"480p", 480, 1400, 0, "main", 0});
    l.renditions.push_back({"360p", 360, 800, 0, "main", 0});
    return l;
}

base::Result<Ladder> ParseLadder(std::string_view json) {
    if (json.size() > kMaxLadderJsonBytes) return Invalid("more than 16 KiB of JSON");
    const auto doc = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
    if (doc.is_discarded()) return Invalid("not valid JSON");
    if (!doc.is_array()) return Invalid("must be a JSON array of renditions");
    if (doc.size() > kMaxRenditions) return Invalid("at most 8 renditions");
    Ladder ladder;
    std::set<std::string> names;
    static const std::set<std::string> kKnown = {"name", "height", "video_kbps", "max_kbps", "profile", "max_fps"};
    for (size_t i = 0; i < doc.size(); ++i) {
        const auto& o = doc[i];
        std::string where = "rendition " + std::to_string(i);
        if (!o.is_object()) return Invalid(where + " must be an object");
        RenditionSpec r;
        auto name = o.find("name");
        if (name == o.end() || !name->is_string()) return Invalid(where + ": \"name\" (a string) is required");
        r.name = name->get<std::string>();
        if (!ValidName(r.name))
            return Invalid(where + ": \"name\" must be 1..32 of a-z 0-9 _ - and not \"src\"");
        where = "rendition \"" + r.name + "\"";
        if (!names.insert(r.name).second) return Invalid(where + " is listed twice");
        for (const auto& [key, value] : o.items())
            if (!kKnown.count(key)) return Invalid(where + ": unknown field \"" + key + "\"");
        if (auto s = IntField(o, "height", 64, 4320, true, r.height, where); !s) return s.error();
        if (r.height % 2) return Invalid(where + ": \"height\" must be even");
        if (auto s = IntField(o, "video_kbps", 50, 50000, true, r.video_kbps, where); !s) return s.error();
        if (auto s = IntField(o, "max_kbps", 0, 100000, false, r.max_kbps, where); !s) return s.error();
        if (r.max_kbps != 0 && r.max_kbps < r.video_kbps)
            return Invalid(where + ": \"max_kbps\" must be at least \"video_kbps\"");
        if (auto s = IntField(o, "max_fps", 0, 240, false, r.max_fps, where); !s) return s.error();
        if (auto p = o.find("profile"); p != o.end()) {
            if (!p->is_string()) return Invalid(where + ": \"profile\" must be a string");
            r.profile = p->get<std::string>();
            if (r.profile != "baseline" && r.profile != "main" && r.profile != "high")
                return Invalid(where + ": \"profile\" must be baseline, main or high");
        }
        ladder.renditions.push_back(std::move(r));
    }
    return ladder;
}

std::string WriteLadder(const Ladder& ladder) {
    nlohmann::json doc = nlohmann::json::array();
    for (const auto& r : ladder.renditions) {
        doc.push_back({{"name", r.name},
                       {"height", r.height},
                       {"video_kbps", r.video_kbps},
                       {"max_kbps", r.max_kbps},
                       {"profile", r.profile},
                       {"max_fps", r.max_fps}});
    }
    return doc.dump();
}

std::vector<PlannedRendition> PlanLadder(const Ladder& ladder, int source_width, int source_height) {
    std::vector<PlannedRendition> out;
    if (source_width <= 0 || source_height <= 0) return out;
    for (const auto& r : ladder.renditions) {
        if (r.height >= source_height) continue;  // never upscaled, never the source again
        PlannedRendition p;
        p.spec = r;
        p.height = r.height;
        // The source's aspect ratio, rounded to the nearest even width
        // (4:2:0; halves round up).
        const int64_t half = (int64_t{source_width} * r.height + source_height) / (2 * int64_t{source_height});
        p.width = static_cast<int>(std::max<int64_t>(2, 2 * half));
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace onair::format::ladder
