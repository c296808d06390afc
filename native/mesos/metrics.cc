#include "metrics.h"

#include <glog/logging.h>
#include <process/metrics/metrics.hpp>

namespace mesos_policy::adapter {

ModuleMetrics::ModuleMetrics(ModuleKind kind, const std::vector<std::string>& extra, PolicyHost& host) {
  const std::string prefix = std::string("mesos_policy/") + ModuleKindName(kind) + "/";
  std::vector<std::string> names = {"calls", "errors", "timeouts", "unavailable"};
  names.insert(names.end(), extra.begin(), extra.end());
  for (const std::string& name : names) {
    auto [at, added] = counters_.emplace(name, process::metrics::Counter(prefix + name));
    if (added) process::metrics::add(at->second);
  }
  // The supervisor names its metrics "mesos_policy/<name>"; each module has its own supervisor.
  const std::string theirs = "mesos_policy/";
  for (const auto& [name, value] : host.Snapshot().Metrics()) {
    if (name.compare(0, theirs.size(), theirs) != 0) continue;
    PolicyHost* source = &host;
    gauges_.emplace_back(prefix + "runtime/" + name.substr(theirs.size()), [source, name = name]() {
      for (const auto& [key, current] : source->Snapshot().Metrics()) {
        if (key == name) return process::Future<double>(current);
      }
      return process::Future<double>(0.0);
    });
    process::metrics::add(gauges_.back());
  }
}

ModuleMetrics::~ModuleMetrics() {
  for (const auto& [name, counter] : counters_) process::metrics::remove(counter);
  for (const auto& gauge : gauges_) process::metrics::remove(gauge);
}

void ModuleMetrics::CountReply(const PolicyHost::Reply& reply) {
  Increment("calls");
  if (!reply.ok()) {
    CountFailure(reply.status);
  } else if (reply.response.has_error()) {
    Increment("errors");
  }
}

void ModuleMetrics::CountFailure(bridge::Result::Status status) {
  switch (status) {
    case bridge::Result::Status::kTimeout: Increment("timeouts"); break;
    case bridge::Result::Status::kUnavailable: Increment("unavailable"); break;
    default: Increment("errors"); break;
  }
}

void ModuleMetrics::Increment(const std::string& name, int64_t by) {
  auto found = counters_.find(name);
  if (found == counters_.end()) {
    LOG(DFATAL) << "mesos-policy: no counter named " << name;
    return;
  }
  found->second += by;
}

}  // namespace mesos_policy::adapter
