// IsolatorProcess: the actor behind PolicyIsolator. Each isolator call becomes an IsolatorCall sent
// with PolicyHost::CallAsync; the reply is handed back to this actor (never run on the runtime's
// thread) and mapped to the Mesos result. `watch` polls IsolatorWatch every watch_interval_ms and
// completes with the first limitation the policy raises.
//
// Failures (policy error, timeout, runtime down) are logged and counted; with on_error=default the
// call answers as Mesos's default isolator does (Nothing, no launch info, empty statistics), with
// on_error=fail the future fails (prepare/isolate failures make the launch fail). A call the policy
// does not implement (Error UNSUPPORTED) always gets the default answer.
#pragma once

#include <mesos/mesos.hpp>
#include <mesos/resources.hpp>
#include <mesos/slave/containerizer.hpp>
#include <mesos/slave/isolator.hpp>
#include <process/future.hpp>
#include <process/process.hpp>
#include <stout/hashmap.hpp>
#include <stout/hashset.hpp>
#include <stout/nothing.hpp>

#include <memory>
#include <string>
#include <vector>

#include "metrics.h"
#include "policy_host.h"

namespace mesos_policy::adapter {

class IsolatorProcess : public process::Process<IsolatorProcess> {
 public:
  explicit IsolatorProcess(PolicyHost& host);
  ~IsolatorProcess() override;

  process::Future<Nothing> recover(const std::vector<mesos::slave::ContainerState>& states,
                                   const hashset<mesos::ContainerID>& orphans);
  process::Future<Option<mesos::slave::ContainerLaunchInfo>> prepare(const mesos::ContainerID& containerId,
                                                                     const mesos::slave::ContainerConfig& config);
  process::Future<Nothing> isolate(const mesos::ContainerID& containerId, pid_t pid);
  process::Future<mesos::slave::ContainerLimitation> watch(const mesos::ContainerID& containerId);
  process::Future<Nothing> update(const mesos::ContainerID& containerId, const mesos::Resources& resourceRequests,
                                  const google::protobuf::Map<std::string, mesos::Value::Scalar>& resourceLimits);
  process::Future<mesos::ResourceStatistics> usage(const mesos::ContainerID& containerId);
  process::Future<Nothing> cleanup(const mesos::ContainerID& containerId);

  // One watch poll for the container (timer).
  void poll(const mesos::ContainerID& containerId);

 private:
  // The IsolatorReply, an empty one when the policy does not implement the call, or an Error.
  process::Future<Try<protocol::IsolatorReply>> call(const char* method, protocol::IsolatorCall call);
  // Logs a failed call and answers per on_error.
  template <typename T>
  process::Future<T> failed(const char* method, const std::string& why, T fallback);
  process::Future<Nothing> done(const char* method, protocol::IsolatorCall call);

  PolicyHost& host_;
  ModuleMetrics metrics_;
  // Containers being watched; the promise completes with the first limitation.
  hashmap<mesos::ContainerID, std::shared_ptr<process::Promise<mesos::slave::ContainerLimitation>>> watches_;
};

}  // namespace mesos_policy::adapter
