#include "isolator_process.h"

#include <glog/logging.h>
#include <process/clock.hpp>
#include <process/delay.hpp>
#include <process/dispatch.hpp>
#include <process/id.hpp>

#include "convert.h"

namespace mesos_policy::adapter {
namespace {

// ResourceStatistics from the policy's name → value map, by field name (e.g. "disk_used_bytes").
mesos::ResourceStatistics StatisticsOf(const google::protobuf::Map<std::string, double>& values) {
  mesos::ResourceStatistics statistics;
  statistics.set_timestamp(process::Clock::now().secs());
  const auto* descriptor = statistics.GetDescriptor();
  const auto* reflection = statistics.GetReflection();
  for (const auto& [name, value] : values) {
    const auto* field = descriptor->FindFieldByName(name);
    if (field == nullptr || field->is_repeated()) {
      VLOG(1) << "mesos-policy isolator: usage statistic '" << name << "' is not a ResourceStatistics field";
      continue;
    }
    using google::protobuf::FieldDescriptor;
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_DOUBLE: reflection->SetDouble(&statistics, field, value); break;
      case FieldDescriptor::CPPTYPE_FLOAT: reflection->SetFloat(&statistics, field, static_cast<float>(value)); break;
      case FieldDescriptor::CPPTYPE_UINT64: reflection->SetUInt64(&statistics, field, static_cast<uint64_t>(value)); break;
      case FieldDescriptor::CPPTYPE_UINT32: reflection->SetUInt32(&statistics, field, static_cast<uint32_t>(value)); break;
      case FieldDescriptor::CPPTYPE_INT64: reflection->SetInt64(&statistics, field, static_cast<int64_t>(value)); break;
      case FieldDescriptor::CPPTYPE_INT32: reflection->SetInt32(&statistics, field, static_cast<int32_t>(value)); break;
      default: VLOG(1) << "mesos-policy isolator: usage statistic '" << name << "' is not a number field"; break;
    }
  }
  return statistics;
}

Try<mesos::slave::ContainerLaunchInfo> LaunchInfoOf(const protocol::IsolatorReply::LaunchInfo& launch) {
  mesos::slave::ContainerLaunchInfo info;
  if (launch.has_environment()) {
    Try<mesos::Environment> environment = WireCopy<mesos::Environment>(launch.environment());
    if (environment.isError()) return Error("the policy's environment is invalid: " + environment.error());
    *info.mutable_environment() = environment.get();
  }
  for (const std::string& command : launch.pre_exec_commands()) {
    mesos::CommandInfo* pre = info.add_pre_exec_commands();  // shell commands, as Mesos accepts them
    pre->set_shell(true);
    pre->set_value(command);
  }
  return info;
}

}  // namespace

IsolatorProcess::IsolatorProcess(PolicyHost& host)
    : process::ProcessBase(process::ID::generate("mesos-policy-isolator")),
      host_(host),
      metrics_(ModuleKind::kIsolator, {"limitations"}, host) {}

IsolatorProcess::~IsolatorProcess() = default;

process::Future<Try<protocol::IsolatorReply>> IsolatorProcess::call(const char* method, protocol::IsolatorCall call) {
  auto promise = std::make_shared<process::Promise<PolicyHost::Reply>>();
  protocol::Request request;
  *request.mutable_isolator() = std::move(call);
  process::UPID pid = self();
  host_.CallAsync(std::move(request), [pid, promise](PolicyHost::Reply reply) {
    // On the runtime's thread: complete on this actor, so continuations never run on the runtime.
    process::dispatch(pid, [promise, reply = std::move(reply)]() { promise->set(reply); });
  });
  const std::string name = method;
  return promise->future().then([this, name](const PolicyHost::Reply& reply) -> Try<protocol::IsolatorReply> {
    metrics_.CountReply(reply);
    if (!reply.ok()) return Error(reply.failure);
    if (reply.response.has_error()) {
      if (reply.response.error().code() == protocol::Error::UNSUPPORTED) {
        VLOG(1) << "mesos-policy isolator: the policy does not implement " << name;
        return protocol::IsolatorReply();
      }
      return Error(PolicyHost::Describe(reply.response.error()));
    }
    if (!reply.response.has_isolator()) return Error("the policy answered with something other than an IsolatorReply");
    return reply.response.isolator();
  });
}

template <typename T>
process::Future<T> IsolatorProcess::failed(const char* method, const std::string& why, T fallback) {
  if (host_.config().on_error == OnError::kFail) {
    LOG(WARNING) << "mesos-policy isolator: " << method << " failed: " << why;
    return process::Failure(std::string("mesos-policy isolator: ") + method + " failed: " + why);
  }
  LOG(WARNING) << "mesos-policy isolator: " << method << " failed: " << why << " (on_error=default: Mesos's default)";
  return fallback;
}

process::Future<Nothing> IsolatorProcess::done(const char* method, protocol::IsolatorCall request) {
  return call(method, std::move(request)).then([this, method](const Try<protocol::IsolatorReply>& reply) {
    if (reply.isError()) return failed<Nothing>(method, reply.error(), Nothing());
    return process::Future<Nothing>(Nothing());
  });
}

process::Future<Nothing> IsolatorProcess::recover(const std::vector<mesos::slave::ContainerState>& states,
                                                  const hashset<mesos::ContainerID>& orphans) {
  protocol::IsolatorCall request;
  protocol::IsolatorRecover* args = request.mutable_recover();
  for (const mesos::slave::ContainerState& state : states) {
    protocol::ContainerState* entry = args->add_states();
    *entry->mutable_container_id() = ToProtocol(state.container_id());
    if (state.has_executor_info()) *entry->mutable_executor_info() = ToProtocol(state.executor_info());
    entry->set_pid(state.pid());
    entry->set_directory(state.directory());
  }
  for (const mesos::ContainerID& orphan : orphans) *args->add_orphans() = ToProtocol(orphan);
  return done("recover", std::move(request));
}

process::Future<Option<mesos::slave::ContainerLaunchInfo>> IsolatorProcess::prepare(
    const mesos::ContainerID& containerId, const mesos::slave::ContainerConfig& config) {
  protocol::IsolatorCall request;
  protocol::IsolatorPrepare* args = request.mutable_prepare();
  *args->mutable_container_id() = ToProtocol(containerId);
  if (config.has_executor_info()) *args->mutable_executor_info() = ToProtocol(config.executor_info());
  if (config.has_task_info()) *args->mutable_task_info() = ToProtocol(config.task_info());
  ToProtocol(mesos::Resources(config.resources()), args->mutable_resources());
  args->set_directory(config.directory());
  if (config.has_user()) args->set_user(config.user());
  using Result = Option<mesos::slave::ContainerLaunchInfo>;
  return call("prepare", std::move(request)).then([this](const Try<protocol::IsolatorReply>& reply) -> process::Future<Result> {
    if (reply.isError()) return failed<Result>("prepare", reply.error(), None());
    if (!reply->has_launch_info()) return Result(None());
    Try<mesos::slave::ContainerLaunchInfo> info = LaunchInfoOf(reply->launch_info());
    if (info.isError()) return failed<Result>("prepare", info.error(), None());
    return Result(info.get());
  });
}

process::Future<Nothing> IsolatorProcess::isolate(const mesos::ContainerID& containerId, pid_t pid) {
  protocol::IsolatorCall request;
  *request.mutable_isolate()->mutable_container_id() = ToProtocol(containerId);
  request.mutable_isolate()->set_pid(static_cast<uint64_t>(pid));
  return done("isolate", std::move(request));
}

process::Future<mesos::slave::ContainerLimitation> IsolatorProcess::watch(const mesos::ContainerID& containerId) {
  if (!watches_.contains(containerId)) {
    watches_[containerId] = std::make_shared<process::Promise<mesos::slave::ContainerLimitation>>();
    process::delay(Milliseconds(host_.config().watch_interval.count()), self(), &IsolatorProcess::poll, containerId);
  }
  return watches_.at(containerId)->future();
}

void IsolatorProcess::poll(const mesos::ContainerID& containerId) {
  if (!watches_.contains(containerId)) return;  // cleaned up
  protocol::IsolatorCall request;
  *request.mutable_watch()->mutable_container_id() = ToProtocol(containerId);
  call("watch", std::move(request)).onAny([this, containerId](const process::Future<Try<protocol::IsolatorReply>>& reply) {
    if (!watches_.contains(containerId)) return;
    if (!reply.isReady() || reply->isError()) {
      // A failed poll is not a limitation: log it and ask again next time.
      LOG(WARNING) << "mesos-policy isolator: watch of container " << containerId << " failed: "
                   << (reply.isReady() ? reply->error() : std::string("no reply"));
    } else if (reply->get().has_limitation()) {
      Try<mesos::slave::ContainerLimitation> limitation =
          WireCopy<mesos::slave::ContainerLimitation>(reply->get().limitation());
      if (limitation.isSome()) {
        metrics_.Increment("limitations");
        LOG(INFO) << "mesos-policy isolator: the policy limits container " << containerId << ": "
                  << limitation->message();
        watches_.at(containerId)->set(limitation.get());
        watches_.erase(containerId);
        return;
      }
      LOG(WARNING) << "mesos-policy isolator: ignoring an invalid limitation for container " << containerId << ": "
                   << limitation.error();
    }
    process::delay(Milliseconds(host_.config().watch_interval.count()), self(), &IsolatorProcess::poll, containerId);
  });
}

process::Future<Nothing> IsolatorProcess::update(
    const mesos::ContainerID& containerId, const mesos::Resources& resourceRequests,
    const google::protobuf::Map<std::string, mesos::Value::Scalar>& resourceLimits) {
  protocol::IsolatorCall request;
  protocol::IsolatorUpdate* args = request.mutable_update();
  *args->mutable_container_id() = ToProtocol(containerId);
  ToProtocol(resourceRequests, args->mutable_resource_requests());
  for (const auto& [name, scalar] : resourceLimits) (*args->mutable_resource_limits())[name].set_value(scalar.value());
  return done("update", std::move(request));
}

process::Future<mesos::ResourceStatistics> IsolatorProcess::usage(const mesos::ContainerID& containerId) {
  protocol::IsolatorCall request;
  *request.mutable_usage()->mutable_container_id() = ToProtocol(containerId);
  return call("usage", std::move(request))
      .then([this](const Try<protocol::IsolatorReply>& reply) -> process::Future<mesos::ResourceStatistics> {
        if (reply.isError()) return failed<mesos::ResourceStatistics>("usage", reply.error(), mesos::ResourceStatistics());
        return StatisticsOf(reply->statistics());
      });
}

process::Future<Nothing> IsolatorProcess::cleanup(const mesos::ContainerID& containerId) {
  watches_.erase(containerId);  // its watch future is abandoned; the container is going away
  protocol::IsolatorCall request;
  *request.mutable_cleanup()->mutable_container_id() = ToProtocol(containerId);
  return done("cleanup", std::move(request));
}

}  // namespace mesos_policy::adapter
