#include "runtime_stats.h"

#include <glog/logging.h>
#include <process/metrics/metrics.hpp>

#include <array>
#include <sstream>

namespace mesos_policy::adapter {
namespace {

const char* Section(ModuleKind kind) {
  switch (kind) {
    case ModuleKind::kAllocator: return "allocator/";
    case ModuleKind::kHook: return "hooks/";
    case ModuleKind::kIsolator: return "isolator/";
  }
  return "";
}

bool StartsWith(const std::string& text, const std::string& prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

// The adapter's own names under mesos_policy/<kind>/ (metrics.cc, allocator_process, isolator_process).
bool ShadowsAdapterName(const std::string& rest) {
  static const std::array<const char*, 15> kTaken = {
      "calls", "errors", "timeouts", "unavailable", "offers", "inverse_offers", "rejected_offers", "batches",
      "resyncs", "limitations", "runtime", "operator_calls/made", "operator_calls/succeeded",
      "operator_calls/failed", "operator_calls/dropped"};
  if (StartsWith(rest, "runtime/")) return true;  // the supervisor's gauges
  for (const char* taken : kTaken) {
    if (rest == taken) return true;
  }
  return false;
}

}  // namespace

bool IsPolicyErrorCounter(const std::string& name) {
  return StartsWith(name, "allocator/policy_errors/") || StartsWith(name, "hooks/errors/") ||
         StartsWith(name, "isolator/errors/");
}

std::string RuntimeCounterMetricName(ModuleKind kind, const std::string& name) {
  const std::string prefix = std::string("mesos_policy/") + ModuleKindName(kind) + "/";
  const std::string section = Section(kind);
  if (StartsWith(name, section)) {
    const std::string rest = name.substr(section.size());
    if (!rest.empty() && !ShadowsAdapterName(rest)) return prefix + rest;
  }
  return prefix + "policy/" + name;
}

RuntimeStatsGauges::RuntimeStatsGauges(ModuleKind kind, std::chrono::seconds warn_every)
    : kind_(kind), warn_every_(warn_every) {}

RuntimeStatsGauges::~RuntimeStatsGauges() {
  for (const auto& gauge : gauges_) process::metrics::remove(gauge);
}

std::string RuntimeStatsGauges::Update(const Counters& counters, Clock::time_point now) {
  std::vector<std::string> added;
  {
    std::lock_guard<std::mutex> lock(*mutex_);
    for (const auto& [name, value] : counters) {
      const std::string metric = RuntimeCounterMetricName(kind_, name);
      if (values_->find(metric) == values_->end()) added.push_back(metric);
      (*values_)[metric] = value;
    }
  }
  // A gauge per new name; it reads the shared values, so it stays valid however long the metrics
  // process holds it.
  for (const std::string& metric : added) {
    gauges_.emplace_back(metric, [mutex = mutex_, values = values_, metric]() {
      std::lock_guard<std::mutex> lock(*mutex);
      auto found = values->find(metric);
      return process::Future<double>(found == values->end() ? 0.0 : found->second);
    });
    process::metrics::add(gauges_.back());
  }

  for (const auto& [name, value] : counters) {
    if (!IsPolicyErrorCounter(name)) continue;
    double& last = last_errors_[name];
    // Smaller than before: a fresh runtime (restart, reload) counts from 0 again.
    const double grew = value < last ? value : value - last;
    last = value;
    if (grew > 0) unreported_[name] += grew;
  }
  if (unreported_.empty() || (last_warning_ && now - *last_warning_ < warn_every_)) return {};
  std::ostringstream text;
  text << "mesos-policy " << ModuleKindName(kind_) << ": the policy failed";
  const char* separator = " ";
  for (const auto& [name, grew] : unreported_) {
    text << separator << grew << "x " << name;
    separator = ", ";
  }
  text << " since " << (last_warning_ ? "the last warning" : "start")
       << " (it fell back to Mesos's behaviour; the policy's log lines say why; counters: "
       << RuntimeCounterMetricName(kind_, unreported_.begin()->first) << ", ...)";
  unreported_.clear();
  last_warning_ = now;
  LOG(WARNING) << text.str();
  return text.str();
}

std::optional<double> RuntimeStatsGauges::Value(const std::string& metric) const {
  std::lock_guard<std::mutex> lock(*mutex_);
  auto found = values_->find(metric);
  if (found == values_->end()) return std::nullopt;
  return found->second;
}

}  // namespace mesos_policy::adapter
