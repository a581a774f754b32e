// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

namespace onair::runtime {

/// Monotonic counter; lock-free.
class Counter {
public:
    void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<uint64_t> value_{0};
};

/// Value that goes up and down; lock-free.
class Gauge {
public:
    void Inc(int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    void Dec(int64_t n = 1) { value_.fetch_sub(n, std::memory_order_relaxed); }
    void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
    int64_t Value() const { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<int64_t> value_{0};
};

/// A registry rendered in the Prometheus text exposition format 0.0.4.
/// Metrics are created once (at start-up) and live as long as the registry;
/// the references returned stay valid. Process metrics (RSS, CPU, open fds)
/// are added to every rendering.
class Metrics {
public:
    /// `labels` is the label set in exposition form, e.g. `rendition="src"`
    /// (empty for none). Same name+labels returns the same metric.
    Counter& counter(const std::string& name, const std::string& help, const std::string& labels = "");
    Gauge& gauge(const std::string& name, const std::string& help, const std::string& labels = "");

    std::string Render() const;

private:
    struct Entry {
        std::string name, help, labels;
        bool is_counter;
        Counter counter;
        Gauge gauge;
    };
    Entry& Find(const std::string& name, const std::string& help, const std::string& labels, bool counter);

    mutable std::mutex mu_;
    std::deque<Entry> entries_;  // deque: stable addresses
};

/// Escapes a label value per the exposition format (\\, \", \n).
std::string EscapeLabelValue(const std::string& value);

}  // namespace onair::runtime
