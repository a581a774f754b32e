// SPDX-License-Identifier: Apache-2.0
// Runs ffprobe/ffmpeg on bytes written to a temporary file, for end-to-end
// checks that real demuxers and decoders accept what we mux.
#pragma once
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace onair::test {

inline bool HaveTool(const char* name) {
    const std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
}

/// Output (stdout and stderr) of a shell command.
inline std::string RunCommand(const std::string& cmd) {
    std::string out;
    FILE* f = popen((cmd + " 2>&1").c_str(), "r");
    if (!f) return "popen failed";
    char buf[4096];
    size_t n = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    pclose(f);
    return out;
}

inline std::string WriteTempFile(const std::string& name, const std::vector<uint8_t>& bytes) {
    const std::string path = ::testing::TempDir() + "/" + name;
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
    return path;
}

/// What ffmpeg, reading `path` as one stream (as its HLS reader reads a
/// playlist's segments) at debug level, says about continuity counters or
/// corrupt packets: empty when there is nothing to say. (At -v error it
/// would not say it: "Continuity check failed" is a debug line and "Packet
/// corrupt" a warning.)
inline std::string ContinuityComplaints(const std::string& path) {
    return RunCommand("ffmpeg -nostdin -v debug -i '" + path + "' -f null - 2>&1 | grep -iE 'continuity|corrupt' || true");
}

struct ProbedPacket {
    std::string type;  // "video", "audio"
    int64_t pts = -1;
    int64_t dts = -1;
    bool key = false;
};

/// `ffprobe -show_packets` of a file, with timestamps in the stream time
/// base (1/90000 for MPEG-TS).
inline std::vector<ProbedPacket> ProbePackets(const std::string& path, std::string* errors) {
    *errors = RunCommand("ffprobe -v error -show_entries packet=codec_type,pts,dts,flags -of csv=p=0 '" + path +
                         "' 2>&1 >/dev/null");
    const std::string out = RunCommand("ffprobe -v quiet -show_entries packet=codec_type,pts,dts,flags -of csv=p=0 '" +
                                       path + "'");
    std::vector<ProbedPacket> packets;
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        std::vector<std::string> f;
        std::istringstream fields(line);
        std::string field;
        while (std::getline(fields, field, ',')) f.push_back(field);
        if (f.size() < 4) continue;
        ProbedPacket p;
        p.type = f[0];
        p.pts = f[1] == "N/A" ? -1 : std::stoll(f[1]);
        p.dts = f[2] == "N/A" ? -1 : std::stoll(f[2]);
        p.key = !f[3].empty() && f[3][0] == 'K';
        packets.push_back(p);
    }
    return packets;
}

}  // namespace onair::test
