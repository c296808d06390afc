#include "hook.h"

#include <glog/logging.h>

#include "convert.h"

namespace mesos_policy::adapter {

PolicyHook::PolicyHook(std::unique_ptr<PolicyHost> host)
    : host_(std::move(host)), metrics_(ModuleKind::kHook, {}, *host_) {}

PolicyHook::~PolicyHook() = default;

template <typename T>
Result<T> PolicyHook::Failed(const char* hook, const std::string& why) {
  if (host_->config().on_error == OnError::kFail) {
    LOG(WARNING) << "mesos-policy hook: " << hook << " failed: " << why;
    return Error(std::string("mesos-policy ") + hook + ": " + why);
  }
  LOG(WARNING) << "mesos-policy hook: " << hook << " failed: " << why << " (on_error=default: left unchanged)";
  return None();
}

Result<protocol::HookReply> PolicyHook::Invoke(const char* hook, const wire::HookRequest& request) {
  PolicyHost::Reply reply = host_->CallHook(request.Finish(WallClockMs()));
  metrics_.CountReply(reply);
  if (!reply.ok()) return Failed<protocol::HookReply>(hook, reply.failure);
  if (reply.response.has_error()) {
    if (reply.response.error().code() == protocol::Error::UNSUPPORTED) {
      VLOG(1) << "mesos-policy hook: the policy has no " << hook << " hook";
      return None();
    }
    return Failed<protocol::HookReply>(hook, PolicyHost::Describe(reply.response.error()));
  }
  if (!reply.response.has_hook()) return Failed<protocol::HookReply>(hook, "the policy answered with something other than a HookReply");
  return reply.response.hook();
}

Try<Nothing> PolicyHook::Notified(const char* hook, const wire::HookRequest& request) {
  Result<protocol::HookReply> reply = Invoke(hook, request);
  if (reply.isError()) return Error(reply.error());
  return Nothing();
}

Result<mesos::Labels> PolicyHook::DecoratedLabels(const char* hook, const wire::HookRequest& request) {
  Result<protocol::HookReply> reply = Invoke(hook, request);
  if (!reply.isSome()) return reply.isError() ? Result<mesos::Labels>(Error(reply.error())) : None();
  if (!reply->has_labels()) return None();
  Try<mesos::Labels> labels = WireCopy<mesos::Labels>(reply->labels());
  if (labels.isError()) return Failed<mesos::Labels>(hook, "the policy's labels are invalid: " + labels.error());
  return labels.get();
}

Result<mesos::Resources> PolicyHook::DecoratedResources(const char* hook, const wire::HookRequest& request) {
  Result<protocol::HookReply> reply = Invoke(hook, request);
  if (!reply.isSome()) return reply.isError() ? Result<mesos::Resources>(Error(reply.error())) : None();
  if (!reply->has_resources()) return None();
  Try<mesos::Resources> resources = FromProtocol(reply->resources());
  if (resources.isError()) return Failed<mesos::Resources>(hook, "the policy's resources are invalid: " + resources.error());
  return resources.get();
}

Result<mesos::Labels> PolicyHook::masterLaunchTaskLabelDecorator(const mesos::TaskInfo& task,
                                                                 const mesos::FrameworkInfo& framework,
                                                                 const mesos::SlaveInfo& agent) {
  using Args = protocol::MasterLaunchTaskLabelDecorator;
  wire::HookRequest request(protocol::HookCall::kMasterLaunchTaskLabelDecoratorFieldNumber);
  request.Copy<protocol::TaskInfo>(Args::kTaskFieldNumber, task);
  request.Copy<protocol::FrameworkInfo>(Args::kFrameworkInfoFieldNumber, framework);
  request.Copy<protocol::AgentInfo>(Args::kAgentInfoFieldNumber, agent);
  return DecoratedLabels("masterLaunchTaskLabelDecorator", request);
}

Result<mesos::Resources> PolicyHook::masterLaunchTaskResourceDecorator(const mesos::TaskInfo& task,
                                                                       const mesos::Resources& agentResources) {
  using Args = protocol::MasterLaunchTaskResourceDecorator;
  wire::HookRequest request(protocol::HookCall::kMasterLaunchTaskResourceDecoratorFieldNumber);
  request.Copy<protocol::TaskInfo>(Args::kTaskFieldNumber, task);
  Args rest;
  ToProtocol(agentResources, rest.mutable_agent_resources());
  request.Merge(rest);
  return DecoratedResources("masterLaunchTaskResourceDecorator", request);
}

Try<Nothing> PolicyHook::masterSlaveLostHook(const mesos::SlaveInfo& agent) {
  wire::HookRequest request(protocol::HookCall::kMasterAgentLostHookFieldNumber);
  request.Copy<protocol::AgentInfo>(protocol::MasterAgentLostHook::kAgentInfoFieldNumber, agent);
  return Notified("masterSlaveLostHook", request);
}

Result<mesos::Labels> PolicyHook::slaveRunTaskLabelDecorator(const mesos::TaskInfo& task,
                                                             const mesos::ExecutorInfo& executor,
                                                             const mesos::FrameworkInfo& framework,
                                                             const mesos::SlaveInfo& agent) {
  using Args = protocol::AgentRunTaskLabelDecorator;
  wire::HookRequest request(protocol::HookCall::kAgentRunTaskLabelDecoratorFieldNumber);
  request.Copy<protocol::TaskInfo>(Args::kTaskFieldNumber, task);
  request.Copy<protocol::ExecutorInfo>(Args::kExecutorInfoFieldNumber, executor);
  request.Copy<protocol::FrameworkInfo>(Args::kFrameworkInfoFieldNumber, framework);
  request.Copy<protocol::AgentInfo>(Args::kAgentInfoFieldNumber, agent);
  return DecoratedLabels("slaveRunTaskLabelDecorator", request);
}

Result<mesos::Environment> PolicyHook::slaveExecutorEnvironmentDecorator(const mesos::ExecutorInfo& executor) {
  const char* hook = "slaveExecutorEnvironmentDecorator";
  wire::HookRequest request(protocol::HookCall::kAgentExecutorEnvironmentDecoratorFieldNumber);
  request.Copy<protocol::ExecutorInfo>(protocol::AgentExecutorEnvironmentDecorator::kExecutorInfoFieldNumber, executor);
  Result<protocol::HookReply> reply = Invoke(hook, request);
  if (!reply.isSome()) return reply.isError() ? Result<mesos::Environment>(Error(reply.error())) : None();
  if (!reply->has_environment()) return None();
  Try<mesos::Environment> environment = WireCopy<mesos::Environment>(reply->environment());
  if (environment.isError()) {
    return Failed<mesos::Environment>(hook, "the policy's environment is invalid: " + environment.error());
  }
  return environment.get();
}

Try<Nothing> PolicyHook::slavePostFetchHook(const mesos::ContainerID& containerId, const std::string& directory) {
  using Args = protocol::AgentPostFetchHook;
  wire::HookRequest request(protocol::HookCall::kAgentPostFetchHookFieldNumber);
  request.Copy<protocol::ContainerID>(Args::kContainerIdFieldNumber, containerId);
  Args rest;
  rest.set_directory(directory);
  request.Merge(rest);
  return Notified("slavePostFetchHook", request);
}

Try<Nothing> PolicyHook::slaveRemoveExecutorHook(const mesos::FrameworkInfo& framework,
                                                 const mesos::ExecutorInfo& executor) {
  using Args = protocol::AgentRemoveExecutorHook;
  wire::HookRequest request(protocol::HookCall::kAgentRemoveExecutorHookFieldNumber);
  request.Copy<protocol::FrameworkInfo>(Args::kFrameworkInfoFieldNumber, framework);
  request.Copy<protocol::ExecutorInfo>(Args::kExecutorInfoFieldNumber, executor);
  return Notified("slaveRemoveExecutorHook", request);
}

Result<mesos::TaskStatus> PolicyHook::slaveTaskStatusDecorator(const mesos::FrameworkID& frameworkId,
                                                               const mesos::TaskStatus& status) {
  const char* hook = "slaveTaskStatusDecorator";
  using Args = protocol::AgentTaskStatusDecorator;
  wire::HookRequest request(protocol::HookCall::kAgentTaskStatusDecoratorFieldNumber);
  Args rest;
  rest.set_framework_id(frameworkId.value());
  request.Merge(rest);
  request.Copy<protocol::TaskStatus>(Args::kStatusFieldNumber, status);
  Result<protocol::HookReply> reply = Invoke(hook, request);
  if (!reply.isSome()) return reply.isError() ? Result<mesos::TaskStatus>(Error(reply.error())) : None();
  if (!reply->has_labels()) return None();
  Try<mesos::Labels> labels = WireCopy<mesos::Labels>(reply->labels());
  if (labels.isError()) return Failed<mesos::TaskStatus>(hook, "the policy's labels are invalid: " + labels.error());
  // Mesos takes only `labels` and `container_status` from the decorated status.
  mesos::TaskStatus decorated = status;
  *decorated.mutable_labels() = labels.get();
  return decorated;
}

Result<mesos::Resources> PolicyHook::slaveResourcesDecorator(const mesos::SlaveInfo& agent) {
  const char* hook = "slaveResourcesDecorator";
  wire::HookRequest request(protocol::HookCall::kAgentResourcesDecoratorFieldNumber);
  request.Copy<protocol::AgentInfo>(protocol::AgentResourcesDecorator::kAgentInfoFieldNumber, agent);
  return DecoratedResources(hook, request);
}

Result<mesos::Attributes> PolicyHook::slaveAttributesDecorator(const mesos::SlaveInfo& agent) {
  const char* hook = "slaveAttributesDecorator";
  wire::HookRequest request(protocol::HookCall::kAgentAttributesDecoratorFieldNumber);
  request.Copy<protocol::AgentInfo>(protocol::AgentAttributesDecorator::kAgentInfoFieldNumber, agent);
  Result<protocol::HookReply> reply = Invoke(hook, request);
  if (!reply.isSome()) return reply.isError() ? Result<mesos::Attributes>(Error(reply.error())) : None();
  if (!reply->has_attributes()) return None();
  Try<mesos::Attributes> attributes = AttributesFromProtocol(reply->attributes());
  if (attributes.isError()) {
    return Failed<mesos::Attributes>(hook, "the policy's attributes are invalid: " + attributes.error());
  }
  return attributes.get();
}

}  // namespace mesos_policy::adapter
