// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

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

/// Observations (e.g. latencies in seconds) summarized as quantiles over
/// the most recent `kWindow` of them, plus their count and sum since start:
/// a Prometheus summary. Observe takes a short lock.
class Summary {
public:
    static constexpr size_t kWindow = 4096;
    void Observe(double value);
    /// Quantile q in [0, 1] of the recent window; 0 when empty.
    double Quantile(double q) const;
    uint64_t Count() const;
    double Sum() const;

private:
    mutable std::mutex mu_;
    std::vector<double> recent_;  // ring of the last kWindow observations
    size_t next_ = 0;
    uint64_t count_ = 0;
    double sum_ = 0;
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
    /// Rendered with quantile="0.5", "0.9", "0.99" and _sum/_count.
    Summary& summary(const std::string& name, const std::string& help, const std::string& labels = "");

    std::string Render() const;

private:
    enum class Type { kCounter, kGauge, kSummary };
    struct Entry {
        std::string name, help, labels;
        Type type;
        Counter counter;
        Gauge gauge;
        Summary summary;
    };
    Entry& Find(const std::string& name, const std::string& help, const std::string& labels, Type type);

    mutable std::mutex mu_;
    std::deque<Entry> entries_;  // deque: stable addresses
};

/// Escapes a label value per the exposition format (\\, \", \n).
std::string EscapeLabelValue(const std::string& value);

}  // namespace onair::runtime
