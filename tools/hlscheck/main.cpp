// SPDX-License-Identifier: Apache-2.0
// onair-hlscheck FILE [--previous FILE] [--keyframe-segments] [--multivariant]
// Checks an HLS playlist with format::hls's checker and prints one JSON line
//   {"ok":true,"errors":[{"code":"...","message":"..."}],"warnings":[...]}
// Exit 0 without errors, 1 with errors, 2 on bad usage or an unreadable file.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "onair/format/hls/playlist_checker.h"

namespace {

using onair::format::hls::Severity;
using onair::format::hls::Violation;

bool ReadFile(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream s;
    s << in.rdbuf();
    out = s.str();
    return true;
}

void AppendJsonString(std::string& out, const std::string& s) {
    out.push_back('"');
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    out.push_back('"');
}

std::string List(const std::vector<Violation>& v, Severity s) {
    std::string out = "[";
    for (const auto& x : v) {
        if (x.severity != s) continue;
        if (out.size() > 1) out.push_back(',');
        out += "{\"code\":";
        AppendJsonString(out, x.code);
        out += ",\"message\":";
        AppendJsonString(out, x.message);
        out.push_back('}');
    }
    return out + "]";
}

int Usage() {
    std::fputs("usage: onair-hlscheck FILE [--previous FILE] [--keyframe-segments] [--multivariant]\n", stderr);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string file, previous_file;
    bool multivariant = false;
    onair::format::hls::CheckOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--previous" && i + 1 < argc) previous_file = argv[++i];
        else if (a == "--keyframe-segments") options.keyframe_segments = true;
        else if (a == "--multivariant") multivariant = true;
        else if (!a.empty() && a[0] != '-' && file.empty()) file = a;
        else return Usage();
    }
    if (file.empty()) return Usage();
    std::string text, previous;
    if (!ReadFile(file, text)) {
        std::fprintf(stderr, "onair-hlscheck: cannot read %s\n", file.c_str());
        return 2;
    }
    if (!previous_file.empty() && !ReadFile(previous_file, previous)) {
        std::fprintf(stderr, "onair-hlscheck: cannot read %s\n", previous_file.c_str());
        return 2;
    }
    std::vector<Violation> v;
    if (multivariant) {
        v = onair::format::hls::CheckMultivariantPlaylistText(text);
    } else {
        const std::string_view prev = previous;
        v = onair::format::hls::CheckMediaPlaylistText(text, previous_file.empty() ? nullptr : &prev, options);
    }
    const bool errors = onair::format::hls::HasErrors(v);
    std::string line = std::string("{\"ok\":") + (errors ? "false" : "true") + ",\"errors\":" + List(v, Severity::kError) +
                       ",\"warnings\":" + List(v, Severity::kWarning) + "}\n";
    std::fputs(line.c_str(), stdout);
    return errors ? 1 : 0;
}
