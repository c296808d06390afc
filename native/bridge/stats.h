// Counters of a PolicySupervisor and a latency histogram, cheap to record from many threads
// (relaxed atomics, no lock) and read as a plain snapshot that the Mesos adapter publishes as metrics.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "result.h"

namespace mesos_policy::bridge {

// Log-linear histogram of durations: 8 linear buckets per power of two from 1024 ns (~1 µs) to
// 2^34 ns (~17 s), plus one bucket below and one above. A percentile is reported as the upper bound
// of the bucket it falls in (never under-reported, at most 12.5% over), capped by the maximum seen.
class LatencyHistogram {
 public:
  static constexpr int kSubBuckets = 8;
  static constexpr int kFirstOctave = 10;  // 2^10 ns
  static constexpr int kOctaves = 24;      // up to 2^34 ns
  static constexpr int kBuckets = 1 + kOctaves * kSubBuckets + 1;

  struct Summary {
    uint64_t count = 0;
    double p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0, mean_us = 0;
  };

  void Record(std::chrono::nanoseconds duration);
  // Consistent enough for metrics: buckets recorded during the read may or may not be counted.
  Summary Summarize() const;

  static int BucketOf(uint64_t ns);
  static uint64_t UpperBoundNs(int bucket);  // exclusive

 private:
  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
  std::atomic<uint64_t> sum_ns_{0};
  std::atomic<uint64_t> max_ns_{0};
};

// What the adapter publishes. Counters only grow; `serving` and `gave_up` are gauges (0/1).
struct StatsSnapshot {
  uint64_t calls = 0;        // every Call/CallAsync made
  uint64_t ok = 0;           // answered
  uint64_t errors = 0;       // kError: the policy threw, rejected or answered a non-string
  uint64_t timeouts = 0;     // kTimeout: the deadline passed while the policy ran or the call was queued
  uint64_t unavailable = 0;  // kUnavailable: no serving runtime (stopped, restarting, gave up, shutdown)
  uint64_t restarts = 0;          // fresh runtimes started after one stopped on its own
  uint64_t failed_restarts = 0;   // restart attempts whose start failed
  uint64_t reloads = 0;           // Reload() that switched to the new bundle
  uint64_t failed_reloads = 0;    // Reload() whose bundle did not start (the old one kept serving)
  bool serving = false;
  bool gave_up = false;      // the restart budget is spent; only Reload() brings a runtime back
  LatencyHistogram::Summary latency;  // every finished call, from entry to answer, whatever its status

  // Name → value, names like "mesos_policy/calls" and "mesos_policy/latency_us/p99".
  std::vector<std::pair<std::string, double>> Metrics() const;
  // {"mesos_policy/calls":12,...}: the same names and values as one JSON object.
  std::string ToJson() const;
};

class Stats {
 public:
  void CallMade() { calls_.fetch_add(1, std::memory_order_relaxed); }
  void CallEnded(Result::Status status, std::chrono::nanoseconds latency);
  void Restarted() { restarts_.fetch_add(1, std::memory_order_relaxed); }
  void RestartFailed() { failed_restarts_.fetch_add(1, std::memory_order_relaxed); }
  void Reloaded() { reloads_.fetch_add(1, std::memory_order_relaxed); }
  void ReloadFailed() { failed_reloads_.fetch_add(1, std::memory_order_relaxed); }

  // Counters and latency; the gauges are the supervisor's to fill in.
  StatsSnapshot Snapshot() const;

 private:
  std::atomic<uint64_t> calls_{0}, ok_{0}, errors_{0}, timeouts_{0}, unavailable_{0};
  std::atomic<uint64_t> restarts_{0}, failed_restarts_{0}, reloads_{0}, failed_reloads_{0};
  LatencyHistogram latency_;
};

}  // namespace mesos_policy::bridge
