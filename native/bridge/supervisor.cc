#include "supervisor.h"

#include "supervisor_core.h"

namespace mesos_policy::bridge {

PolicySupervisor::Started PolicySupervisor::Start(SupervisorOptions options) {
  if (options.bundle.empty()) options.bundle = options.runtime.bundle;
  auto supervisor = std::make_unique<PolicySupervisor>(Key{}, std::move(options));
  std::string error = supervisor->core_->Start();
  if (!error.empty()) return {nullptr, error};
  return {std::move(supervisor), {}};
}

PolicySupervisor::PolicySupervisor(Key, SupervisorOptions options)
    : core_(std::make_unique<SupervisorCore>(std::move(options))) {}

PolicySupervisor::~PolicySupervisor() = default;

Result PolicySupervisor::Call(std::string method, std::string payload, std::chrono::milliseconds deadline) {
  return core_->Call(std::move(method), std::move(payload), deadline);
}

void PolicySupervisor::CallAsync(std::string method, std::string payload, std::chrono::milliseconds deadline,
                                 Callback done) {
  core_->CallAsync(std::move(method), std::move(payload), deadline, std::move(done));
}

Result PolicySupervisor::Reload(std::string bundle) { return core_->Reload(std::move(bundle)); }

StatsSnapshot PolicySupervisor::Snapshot() { return core_->Snapshot(); }

std::string PolicySupervisor::bundle() { return core_->bundle(); }

void SupervisorForTest::IgnoreStops(PolicySupervisor& supervisor, bool ignore) { supervisor.core_->IgnoreStops(ignore); }

int SupervisorForTest::RuntimesAlive(PolicySupervisor& supervisor) { return supervisor.core_->RuntimesAlive(); }

}  // namespace mesos_policy::bridge
