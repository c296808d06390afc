// A module's counters, published as process::metrics under mesos_policy/<kind>/ so they appear in
// the master's or agent's /metrics/snapshot:
//   calls        calls sent to the policy runtime (a batch counts once per request)
//   errors       calls answered with an error (the policy threw, a protocol Error, an unparsable reply)
//   timeouts     calls that passed their deadline
//   unavailable  calls made while the runtime was not serving (stopped, restarting)
// plus the module's own counters (e.g. allocator/offers), named at construction, and the bridge
// supervisor's counters and latency as gauges under mesos_policy/<kind>/runtime/ (restarts,
// serving, latency_us/p99, ...).
#pragma once

#include <process/metrics/counter.hpp>
#include <process/metrics/pull_gauge.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "module_params.h"
#include "policy_host.h"

namespace mesos_policy::adapter {

class ModuleMetrics {
 public:
  // `host` must outlive this object (the gauges read it).
  ModuleMetrics(ModuleKind kind, const std::vector<std::string>& extra, PolicyHost& host);
  ~ModuleMetrics();
  ModuleMetrics(const ModuleMetrics&) = delete;
  ModuleMetrics& operator=(const ModuleMetrics&) = delete;

  // Counts one call and its outcome. Thread-safe (the counters are atomic).
  void CountReply(const PolicyHost::Reply& reply);
  void CountFailure(bridge::Result::Status status);

  // One of the names given at construction, or the common ones.
  void Increment(const std::string& name, int64_t by = 1);

 private:
  std::map<std::string, process::metrics::Counter> counters_;  // fixed after construction
  std::vector<process::metrics::PullGauge> gauges_;
};

}  // namespace mesos_policy::adapter
