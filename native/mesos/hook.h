// PolicyHook: mesos::Hook backed by the policy's hooks. Mesos calls hooks synchronously on its
// actor, so each call blocks for at most call_timeout_ms. The policy's HookReply maps back as Mesos
// expects: nothing set → None() (unchanged); a set field → Some(value). A hook the policy does not
// implement (Error UNSUPPORTED) is None() silently. A failure (the policy threw, a protocol error,
// a timeout, an answer that does not convert) is logged and, with on_error=default, None() —
// Mesos's behaviour without the hook — or, with on_error=fail, an Error (HookManager logs it).
// The docker pre-launch hook is not in the protocol: Mesos's default (None) applies.
#pragma once

#include <mesos/hook.hpp>
#include <stout/result.hpp>

#include <memory>
#include <string>

#include "hook_request.h"
#include "metrics.h"
#include "policy_host.h"

namespace mesos_policy::adapter {

class PolicyHook : public mesos::Hook {
 public:
  explicit PolicyHook(std::unique_ptr<PolicyHost> host);
  ~PolicyHook() override;

  Result<mesos::Labels> masterLaunchTaskLabelDecorator(const mesos::TaskInfo& task,
                                                       const mesos::FrameworkInfo& framework,
                                                       const mesos::SlaveInfo& agent) override;
  Result<mesos::Resources> masterLaunchTaskResourceDecorator(const mesos::TaskInfo& task,
                                                             const mesos::Resources& agentResources) override;
  Try<Nothing> masterSlaveLostHook(const mesos::SlaveInfo& agent) override;
  Result<mesos::Labels> slaveRunTaskLabelDecorator(const mesos::TaskInfo& task, const mesos::ExecutorInfo& executor,
                                                   const mesos::FrameworkInfo& framework,
                                                   const mesos::SlaveInfo& agent) override;
  Result<mesos::Environment> slaveExecutorEnvironmentDecorator(const mesos::ExecutorInfo& executor) override;
  Try<Nothing> slavePostFetchHook(const mesos::ContainerID& containerId, const std::string& directory) override;
  Try<Nothing> slaveRemoveExecutorHook(const mesos::FrameworkInfo& framework,
                                       const mesos::ExecutorInfo& executor) override;
  Result<mesos::TaskStatus> slaveTaskStatusDecorator(const mesos::FrameworkID& frameworkId,
                                                     const mesos::TaskStatus& status) override;
  Result<mesos::Resources> slaveResourcesDecorator(const mesos::SlaveInfo& agent) override;
  Result<mesos::Attributes> slaveAttributesDecorator(const mesos::SlaveInfo& agent) override;

 private:
  // The policy's reply; None when it changed nothing or failed under on_error=default.
  Result<protocol::HookReply> Invoke(const char* hook, const wire::HookRequest& request);
  // Logs a failed hook and maps it per on_error.
  template <typename T>
  Result<T> Failed(const char* hook, const std::string& why);
  Try<Nothing> Notified(const char* hook, const wire::HookRequest& request);
  // The decorated labels / resources of a reply (None: unchanged), invalid ones mapped per on_error.
  Result<mesos::Labels> DecoratedLabels(const char* hook, const wire::HookRequest& request);
  Result<mesos::Resources> DecoratedResources(const char* hook, const wire::HookRequest& request);

  std::unique_ptr<PolicyHost> host_;
  ModuleMetrics metrics_;
};

}  // namespace mesos_policy::adapter
