// PolicyIsolator: mesos::slave::Isolator backed by the policy's isolator. Every call is dispatched
// to IsolatorProcess (isolator_process.h), so the agent's actors never wait on the policy.
// `status` is Mesos's default (an empty ContainerStatus): the protocol has no status reply.
#pragma once

#include <mesos/slave/isolator.hpp>

#include <memory>

#include "isolator_process.h"
#include "policy_host.h"

namespace mesos_policy::adapter {

class PolicyIsolator : public mesos::slave::Isolator {
 public:
  explicit PolicyIsolator(std::unique_ptr<PolicyHost> host);
  ~PolicyIsolator() override;
  PolicyIsolator(const PolicyIsolator&) = delete;
  PolicyIsolator& operator=(const PolicyIsolator&) = delete;

  process::Future<Nothing> recover(const std::vector<mesos::slave::ContainerState>& states,
                                   const hashset<mesos::ContainerID>& orphans) override;
  process::Future<Option<mesos::slave::ContainerLaunchInfo>> prepare(
      const mesos::ContainerID& containerId, const mesos::slave::ContainerConfig& containerConfig) override;
  process::Future<Nothing> isolate(const mesos::ContainerID& containerId, pid_t pid) override;
  process::Future<mesos::slave::ContainerLimitation> watch(const mesos::ContainerID& containerId) override;
  process::Future<Nothing> update(const mesos::ContainerID& containerId, const mesos::Resources& resourceRequests,
                                  const google::protobuf::Map<std::string, mesos::Value::Scalar>& resourceLimits =
                                      {}) override;
  process::Future<mesos::ResourceStatistics> usage(const mesos::ContainerID& containerId) override;
  process::Future<Nothing> cleanup(const mesos::ContainerID& containerId) override;

 private:
  std::unique_ptr<PolicyHost> host_;  // outlives the actor
  std::unique_ptr<IsolatorProcess> process_;
};

}  // namespace mesos_policy::adapter
