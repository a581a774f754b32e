// SPDX-License-Identifier: Apache-2.0
#include "onair/runtime/metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace onair::runtime {

namespace {

void ProcessMetrics(std::string& out) {
    // /proc/self/stat: utime (14) and stime (15) in clock ticks; rss (24) in pages.
    std::ifstream stat("/proc/self/stat");
    std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto close = content.rfind(')');
    if (close != std::string::npos) {
        std::istringstream in(content.substr(close + 2));
        std::string field;
        unsigned long long utime = 0, stime = 0, rss = 0;
        for (int i = 3; in >> field; ++i) {
            if (i == 14) utime = std::stoull(field);
            if (i == 15) stime = std::stoull(field);
            if (i == 24) {
                rss = std::stoull(field);
                break;
            }
        }
        const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
        char buf[256];
        std::snprintf(buf, sizeof buf,
                      "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
                      "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %.2f\n",
                      static_cast<double>(utime + stime) / ticks);
        out += buf;
        std::snprintf(buf, sizeof buf,
                      "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
                      "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %llu\n",
                      rss * static_cast<unsigned long long>(sysconf(_SC_PAGESIZE)));
        out += buf;
    }
    int fds = 0;
    if (DIR* d = opendir("/proc/self/fd")) {
        while (readdir(d)) ++fds;
        closedir(d);
        fds -= 3;  // ".", ".." and the directory's own fd
    }
    out += "# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\n";
    out += "process_open_fds " + std::to_string(fds) + "\n";
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
    std::string out;
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

Metrics::Entry& Metrics::Find(const std::string& name, const std::string& help, const std::string& labels,
                              bool counter) {
    std::lock_guard lock(mu_);
    for (auto& e : entries_)
        if (e.name == name && e.labels == labels) return e;
    auto& e = entries_.emplace_back();
    e.name = name;
    e.help = help;
    e.labels = labels;
    e.is_counter = counter;
    return e;
}

Counter& Metrics::counter(const std::string& name, const std::string& help, const std::string& labels) {
    return Find(name, help, labels, true).counter;
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help, const std::string& labels) {
    return Find(name, help, labels, false).gauge;
}

std::string Metrics::Render() const {
    std::string out;
    {
        std::lock_guard lock(mu_);
        std::string last;
        for (const auto& e : entries_) {
            if (e.name != last) {
                out += "# HELP " + e.name + " " + e.help + "\n";
                out += "# TYPE " + e.name + (e.is_counter ? " counter\n" : " gauge\n");
                last = e.name;
            }
            out += e.name;
            if (!e.labels.empty()) out += "{" + e.labels + "}";
            out += " " + (e.is_counter ? std::to_string(e.counter.Value()) : std::to_string(e.gauge.Value())) + "\n";
        }
    }
    ProcessMetrics(out);
    return out;
}

}  // namespace onair::runtime
