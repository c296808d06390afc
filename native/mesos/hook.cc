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

Result<protocol::HookReply> PolicyHook::Invoke(const char* hook, protocol::HookCall call) {
  protocol::Request request;
  *request.mutable_hook() = std::move(call);
  PolicyHost::Reply reply = host_->Call(std::move(request));
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

Try<Nothing> PolicyHook::Notified(const char* hook, protocol::HookCall call) {
  Result<protocol::HookReply> reply = Invoke(hook, std::move(call));
  if (reply.isError()) return Error(reply.error());
  return Nothing();
}

Result<mesos::Labels> PolicyHook::DecoratedLabels(const char* hook, protocol::HookCall call) {
  Result<protocol::HookReply> reply = Invoke(hook, std::move(call));
  if (!reply.isSome()) return reply.isError() ? Result<mesos::Labels>(Error(reply.error())) : None();
  if (!reply->has_labels()) return None();
  Try<mesos::Labels> labels = WireCopy<mesos::Labels>(reply->labels());
  if (labels.isError()) return Failed<mesos::Labels>(hook, "the policy's labels are invalid: " + labels.error());
  return labels.get();
}

Result<mesos::Resources> PolicyHook::DecoratedResources(const char* hook, protocol::HookCall call) {
  Result<protocol::HookReply> reply = Invoke(hook, std::move(call));
  if (!reply.isSome()) return reply.isError() ? Result<mesos::Resources>(Error(reply.error())) : None();
  if (!reply->has_resources()) return None();
  Try<mesos::Resources> resources = FromProtocol(reply->resources());
  if (resources.isError()) return Failed<mesos::Resources>(hook, "the policy's resources are invalid: " + resources.error());
  return resources.get();
}

Result<mesos::Labels> PolicyHook::masterLaunchTaskLabelDecorator(const mesos::TaskInfo& task,
                                                                 const mesos::FrameworkInfo& framework,
                                                                 const mesos::SlaveInfo& agent) {
  const char* hook = "masterLaunchTaskLabelDecorator";
  protocol::HookCall call;
  auto* args = call.mutable_master_launch_task_label_decorator();
  *args->mutable_task() = ToProtocol(task);
  *args->mutable_framework_info() = ToProtocol(framework);
  *args->mutable_agent_info() = ToProtocol(agent);
  return DecoratedLabels(hook, std::move(call));
}

Result<mesos::Resources> PolicyHook::masterLaunchTaskResourceDecorator(const mesos::TaskInfo& task,
                                                                       const mesos::Resources& agentResources) {
  const char* hook = "masterLaunchTaskResourceDecorator";
  protocol::HookCall call;
  auto* args = call.mutable_master_launch_task_resource_decorator();
  *args->mutable_task() = ToProtocol(task);
  ToProtocol(agentResources, args->mutable_agent_resources());
  return DecoratedResources(hook, std::move(call));
}

Try<Nothing> PolicyHook::masterSlaveLostHook(const mesos::SlaveInfo& agent) {
  protocol::HookCall call;
  *call.mutable_master_agent_lost_hook()->mutable_agent_info() = ToProtocol(agent);
  return Notified("masterSlaveLostHook", std::move(call));
}

Result<mesos::Labels> PolicyHook::slaveRunTaskLabelDecorator(const mesos::TaskInfo& task,
                                                             const mesos::ExecutorInfo& executor,
                                                             const mesos::FrameworkInfo& framework,
                                                             const mesos::SlaveInfo& agent) {
  const char* hook = "slaveRunTaskLabelDecorator";
  protocol::HookCall call;
  auto* args = call.mutable_agent_run_task_label_decorator();
  *args->mutable_task() = ToProtocol(task);
  *args->mutable_executor_info() = ToProtocol(executor);
  *args->mutable_framework_info() = ToProtocol(framework);
  *args->mutable_agent_info() = ToProtocol(agent);
  return DecoratedLabels(hook, std::move(call));
}

Result<mesos::Environment> PolicyHook::slaveExecutorEnvironmentDecorator(const mesos::ExecutorInfo& executor) {
  const char* hook = "slaveExecutorEnvironmentDecorator";
  protocol::HookCall call;
  *call.mutable_agent_executor_environment_decorator()->mutable_executor_info() = ToProtocol(executor);
  Result<protocol::HookReply> reply = Invoke(hook, std::move(call));
  if (!reply.isSome()) return reply.isError() ? Result<mesos::Environment>(Error(reply.error())) : None();
  if (!reply->has_environment()) return None();
  Try<mesos::Environment> environment = WireCopy<mesos::Environment>(reply->environment());
  if (environment.isError()) {
    return Failed<mesos::Environment>(hook, "the policy's environment is invalid: " + environment.error());
  }
  return environment.get();
}

Try<Nothing> PolicyHook::slavePostFetchHook(const mesos::ContainerID& containerId, const std::string& directory) {
  protocol::HookCall call;
  auto* args = call.mutable_agent_post_fetch_hook();
  *args->mutable_container_id() = ToProtocol(containerId);
  args->set_directory(directory);
  return Notified("slavePostFetchHook", std::move(call));
}

Try<Nothing> PolicyHook::slaveRemoveExecutorHook(const mesos::FrameworkInfo& framework,
                                                 const mesos::ExecutorInfo& executor) {
  protocol::HookCall call;
  auto* args = call.mutable_agent_remove_executor_hook();
  *args->mutable_framework_info() = ToProtocol(framework);
  *args->mutable_executor_info() = ToProtocol(executor);
  return Notified("slaveRemoveExecutorHook", std::move(call));
}

Result<mesos::TaskStatus> PolicyHook::slaveTaskStatusDecorator(const mesos::FrameworkID& frameworkId,
                                                               const mesos::TaskStatus& status) {
  const char* hook = "slaveTaskStatusDecorator";
  protocol::HookCall call;
  auto* args = call.mutable_agent_task_status_decorator();
  args->set_framework_id(frameworkId.value());
  *args->mutable_status() = ToProtocol<protocol::TaskStatus>(status);
  Result<protocol::HookReply> reply = Invoke(hook, std::move(call));
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
  protocol::HookCall call;
  *call.mutable_agent_resources_decorator()->mutable_agent_info() = ToProtocol(agent);
  return DecoratedResources(hook, std::move(call));
}

Result<mesos::Attributes> PolicyHook::slaveAttributesDecorator(const mesos::SlaveInfo& agent) {
  const char* hook = "slaveAttributesDecorator";
  protocol::HookCall call;
  *call.mutable_agent_attributes_decorator()->mutable_agent_info() = ToProtocol(agent);
  Result<protocol::HookReply> reply = Invoke(hook, std::move(call));
  if (!reply.isSome()) return reply.isError() ? Result<mesos::Attributes>(Error(reply.error())) : None();
  if (!reply->has_attributes()) return None();
  Try<mesos::Attributes> attributes = AttributesFromProtocol(reply->attributes());
  if (attributes.isError()) {
    return Failed<mesos::Attributes>(hook, "the policy's attributes are invalid: " + attributes.error());
  }
  return attributes.get();
}

}  // namespace mesos_policy::adapter
