// IsolatorProcess: the actor behind PolicyIsolator. Each isolator call becomes an IsolatorCall sent
// with PolicyHost::CallAsync; the reply is handed back to this actor (never run on the runtime's
// thread) and mapped to the Mesos result. `watch` polls IsolatorWatch every watch_interval_ms and
// completes with the first limitation the policy raises. Each poll carries the measured disk usage
// of the container's persistent volumes and sandbox (IsolatorWatch.disk_usage; below).
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

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "metrics.h"
#include "policy_host.h"

namespace mesos_policy::adapter {

// ---- disk usage for IsolatorWatch.disk_usage -----------------------------------------------------

// One directory whose usage a watch poll reports.
struct DiskTarget {
  mesos::Resource report;            // sent with its scalar set to the measured MB (name, disk info, reservations kept)
  std::string path;                  // measured: the sum of the sizes of the regular files under it
  std::vector<std::string> exclude;  // directories under `path` not counted (volumes mounted into the sandbox)
};

// The agent's work_dir read off a sandbox directory, Mesos's
// <work_dir>/slaves/<agent>/frameworks/<framework>/executors/<executor>/runs/<container>[/containers/...];
// None when `directory` is not one.
Option<std::string> WorkDirOfSandbox(const std::string& directory);

// Where a persistent volume lives on the host, as Mesos's slave::paths::getPersistentVolumePath:
// <work_dir>/volumes/roles/<reservation role, '/' → ' '>/<persistence id>; a PATH disk under its
// source root instead of <work_dir>; a MOUNT disk is its source root (relative roots: under
// <work_dir>; CSI volumes: <root>/<percent-encoded id>/target).
Try<std::string> PersistentVolumePath(const std::string& workDir, const mesos::Resource& volume);

// What to measure for a container with these resources: each persistent volume (one target per host
// path), and the sandbox when the container has disk that is not a volume (the volumes mounted at
// relative container paths excluded). `workDir` empty: WorkDirOfSandbox(sandbox); without either,
// volumes are skipped (logged).
std::vector<DiskTarget> DiskTargets(const mesos::Resources& resources, const std::string& sandbox,
                                    const std::string& workDir);

// The sum of the sizes of the regular files under `path`; symlinks are not followed, unreadable
// entries are skipped, `exclude`d directories are not entered.
uint64_t DirectoryBytes(const std::string& path, const std::vector<std::string>& exclude = {});

// Measures every target (blocking: file system walks) → IsolatorWatch.disk_usage.
std::vector<protocol::Resource> MeasureDiskUsage(const std::vector<DiskTarget>& targets);

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
  // MeasureDiskUsage on a thread of its own (not a libprocess worker); completes on this actor.
  process::Future<std::vector<protocol::Resource>> measure(const mesos::ContainerID& containerId);
  void watchCall(const mesos::ContainerID& containerId, protocol::IsolatorCall request);
  void track(const mesos::ContainerID& containerId, const mesos::Resources& resources, const std::string& sandbox);

  PolicyHost& host_;
  ModuleMetrics metrics_;
  // Containers being watched; the promise completes with the first limitation.
  hashmap<mesos::ContainerID, std::shared_ptr<process::Promise<mesos::slave::ContainerLimitation>>> watches_;
  // Per container from prepare (or recover) to cleanup: its sandbox and what its watch polls measure.
  struct Disks {
    std::string sandbox;
    std::vector<DiskTarget> targets;
  };
  hashmap<mesos::ContainerID, Disks> disks_;
};

}  // namespace mesos_policy::adapter
