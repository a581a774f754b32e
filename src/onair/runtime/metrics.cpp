// SPDX-License-Identifier: Apache-2.0
#include "onair/runtime/metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
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

void RenderSummary(const std::string& name, const std::string& labels, const Summary& summary, std::string& out) {
    const std::string sep = labels.empty() ? "" : labels + ",";
    char buf[64];
    for (const char* q : {"0.5", "0.9", "0.99"}) {
        std::snprintf(buf, sizeof buf, "%.6f", summary.Quantile(std::strtod(q, nullptr)));
        out += name + "{" + sep + "quantile=\"" + q + "\"} " + buf + "\n";
    }
    const std::string braces = labels.empty() ? "" : "{" + labels + "}";
    std::snprintf(buf, sizeof buf, "%.6f", summary.Sum());
    out += name + "_sum" + braces + " " + buf + "\n";
    out += name + "_count" + braces + " " + std::to_string(summary.Count()) + "\n";
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

void Summary::Observe(double value) {
    std::lock_guard lock(mu_);
    if (recent_.size() < kWindow) {
        recent_.push_back(value);
    } else {
        recent_[next_] = value;
        next_ = (next_ + 1) % kWindow;
    }
    ++count_;
    sum_ += value;
}

double Summary::Quantile(double q) const {
    std::vector<double> sorted;
    {
        std::lock_guard lock(mu_);
        sorted = recent_;
    }
    if (sorted.empty()) return 0;
    const auto rank = static_cast<size_t>(std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1) + 0.5);
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(rank), sorted.end());
    return sorted[rank];
}

uint64_t Summary::Count() const {
    std::lock_guard lock(mu_);
    return count_;
}

double Summary::Sum() const {
    std::lock_guard lock(mu_);
    return sum_;
}

Metrics::Entry& Metrics::Find(const std::string& name, const std::string& help, const std::string& labels,
                              Type type) {
    std::lock_guard lock(mu_);
    for (auto& e : entries_)
        if (e.name == name && e.labels == labels) return e;
    auto& e = entries_.emplace_back();
    e.name = name;
    e.help = help;
    e.labels = labels;
    e.type = type;
    return e;
}

Counter& Metrics::counter(const std::string& name, const std::string& help, const std::string& labels) {
    return Find(name, help, labels, Type::kCounter).counter;
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help, const std::string& labels) {
    return Find(name, help, labels, Type::kGauge).gauge;
}

Summary& Metrics::summary(const std::string& name, const std::string& help, const std::string& labels) {
    return Find(name, help, labels, Type::kSummary).summary;
}

std::string Metrics::Render() const {
    std::string out;
    {
        std::lock_guard lock(mu_);
        std::string last;
        for (const auto& e : entries_) {
            if (e.name != last) {
                static constexpr const char* kTypes[] = {" counter\n", " gauge\n", " summary\n"};
                out += "# HELP " + e.name + " " + e.help + "\n";
                out += "# TYPE " + e.name + kTypes[static_cast<int>(e.type)];
                last = e.name;
            }
            if (e.type == Type::kSummary) {
                RenderSummary(e.name, e.labels, e.summary, out);
                continue;
            }
            out += e.name;
            if (!e.labels.empty()) out += "{" + e.labels + "}";
            out += " " + (e.type == Type::kCounter ? std::to_string(e.counter.Value()) : std::to_string(e.gauge.Value())) +
                   "\n";
        }
    }
    ProcessMetrics(out);
    return out;
}

}  // namespace onair::runtime
