#include "stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace mesos_policy::bridge {
namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

int FloorLog2(uint64_t value) { return 63 - __builtin_clzll(value); }

// The value at quantile `q` of `counts` (total `total`), in ns: its bucket's upper bound, capped at `max`.
double QuantileNs(const std::array<uint64_t, LatencyHistogram::kBuckets>& counts, uint64_t total, double q,
                  uint64_t max) {
  const auto rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(total))));
  uint64_t seen = 0;
  for (int bucket = 0; bucket < LatencyHistogram::kBuckets; ++bucket) {
    seen += counts[bucket];
    if (seen >= rank) return static_cast<double>(std::min(LatencyHistogram::UpperBoundNs(bucket), max));
  }
  return static_cast<double>(max);
}

}  // namespace

int LatencyHistogram::BucketOf(uint64_t ns) {
  if (ns < (uint64_t{1} << kFirstOctave)) return 0;
  const int octave = FloorLog2(ns);
  if (octave >= kFirstOctave + kOctaves) return kBuckets - 1;
  const int sub = static_cast<int>((ns >> (octave - 3)) & (kSubBuckets - 1));  // the 3 bits below the top one
  return 1 + (octave - kFirstOctave) * kSubBuckets + sub;
}

uint64_t LatencyHistogram::UpperBoundNs(int bucket) {
  if (bucket <= 0) return uint64_t{1} << kFirstOctave;
  if (bucket >= kBuckets - 1) return std::numeric_limits<uint64_t>::max();
  const int octave = kFirstOctave + (bucket - 1) / kSubBuckets;
  const uint64_t sub = static_cast<uint64_t>((bucket - 1) % kSubBuckets);
  return (kSubBuckets + sub + 1) << (octave - 3);
}

void LatencyHistogram::Record(std::chrono::nanoseconds duration) {
  const uint64_t ns = duration.count() > 0 ? static_cast<uint64_t>(duration.count()) : 0;
  buckets_[BucketOf(ns)].fetch_add(1, kRelaxed);
  sum_ns_.fetch_add(ns, kRelaxed);
  uint64_t max = max_ns_.load(kRelaxed);
  while (ns > max && !max_ns_.compare_exchange_weak(max, ns, kRelaxed)) {
  }
}

LatencyHistogram::Summary LatencyHistogram::Summarize() const {
  std::array<uint64_t, kBuckets> counts{};
  uint64_t total = 0;
  for (int bucket = 0; bucket < kBuckets; ++bucket) {
    counts[bucket] = buckets_[bucket].load(kRelaxed);
    total += counts[bucket];
  }
  Summary summary;
  if (total == 0) return summary;
  const uint64_t max = max_ns_.load(kRelaxed);
  summary.count = total;
  summary.p50_us = QuantileNs(counts, total, 0.50, max) / 1000;
  summary.p90_us = QuantileNs(counts, total, 0.90, max) / 1000;
  summary.p99_us = QuantileNs(counts, total, 0.99, max) / 1000;
  summary.max_us = static_cast<double>(max) / 1000;
  summary.mean_us = static_cast<double>(sum_ns_.load(kRelaxed)) / static_cast<double>(total) / 1000;
  return summary;
}

void Stats::CallEnded(Result::Status status, std::chrono::nanoseconds latency) {
  latency_.Record(latency);
  // Release, paired with Snapshot's acquire: a snapshot that sees this outcome also sees its call.
  switch (status) {
    case Result::Status::kOk: ok_.fetch_add(1, std::memory_order_release); break;
    case Result::Status::kError: errors_.fetch_add(1, std::memory_order_release); break;
    case Result::Status::kTimeout: timeouts_.fetch_add(1, std::memory_order_release); break;
    case Result::Status::kUnavailable: unavailable_.fetch_add(1, std::memory_order_release); break;
  }
}

StatsSnapshot Stats::Snapshot() const {
  StatsSnapshot s;
  // Outcomes first, calls last: calls >= ok + errors + timeouts + unavailable in every snapshot.
  s.ok = ok_.load(std::memory_order_acquire);
  s.errors = errors_.load(std::memory_order_acquire);
  s.timeouts = timeouts_.load(std::memory_order_acquire);
  s.unavailable = unavailable_.load(std::memory_order_acquire);
  s.calls = calls_.load(kRelaxed);
  s.restarts = restarts_.load(kRelaxed);
  s.failed_restarts = failed_restarts_.load(kRelaxed);
  s.reloads = reloads_.load(kRelaxed);
  s.failed_reloads = failed_reloads_.load(kRelaxed);
  s.latency = latency_.Summarize();
  return s;
}

std::vector<std::pair<std::string, double>> StatsSnapshot::Metrics() const {
  auto n = [](uint64_t value) { return static_cast<double>(value); };
  return {
      {"mesos_policy/calls", n(calls)},
      {"mesos_policy/ok", n(ok)},
      {"mesos_policy/errors", n(errors)},
      {"mesos_policy/timeouts", n(timeouts)},
      {"mesos_policy/unavailable", n(unavailable)},
      {"mesos_policy/restarts", n(restarts)},
      {"mesos_policy/failed_restarts", n(failed_restarts)},
      {"mesos_policy/reloads", n(reloads)},
      {"mesos_policy/failed_reloads", n(failed_reloads)},
      {"mesos_policy/serving", serving ? 1.0 : 0.0},
      {"mesos_policy/gave_up", gave_up ? 1.0 : 0.0},
      {"mesos_policy/latency_us/count", n(latency.count)},
      {"mesos_policy/latency_us/p50", latency.p50_us},
      {"mesos_policy/latency_us/p90", latency.p90_us},
      {"mesos_policy/latency_us/p99", latency.p99_us},
      {"mesos_policy/latency_us/max", latency.max_us},
      {"mesos_policy/latency_us/mean", latency.mean_us},
  };
}

std::string StatsSnapshot::ToJson() const {
  std::string json = "{";
  for (const auto& [name, value] : Metrics()) {
    char number[48];
    // Counters print as integers; latencies with a tenth of a microsecond.
    if (value == std::floor(value) && std::fabs(value) < 1e15) {
      std::snprintf(number, sizeof number, "%.0f", value);
    } else {
      std::snprintf(number, sizeof number, "%.1f", value);
    }
    if (json.size() > 1) json += ",";
    json += "\"" + name + "\":" + number;
  }
  return json + "}";
}

}  // namespace mesos_policy::bridge
