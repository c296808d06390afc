#include "isolator.h"

#include <process/dispatch.hpp>

namespace mesos_policy::adapter {

using process::dispatch;

PolicyIsolator::PolicyIsolator(std::unique_ptr<PolicyHost> host)
    : host_(std::move(host)), process_(std::make_unique<IsolatorProcess>(*host_)) {
  process::spawn(process_.get());
}

PolicyIsolator::~PolicyIsolator() {
  process::terminate(process_.get());
  process::wait(process_.get());
  process_.reset();
  host_.reset();
}

process::Future<Nothing> PolicyIsolator::recover(const std::vector<mesos::slave::ContainerState>& states,
                                                 const hashset<mesos::ContainerID>& orphans) {
  return dispatch(process_.get(), &IsolatorProcess::recover, states, orphans);
}

process::Future<Option<mesos::slave::ContainerLaunchInfo>> PolicyIsolator::prepare(
    const mesos::ContainerID& containerId, const mesos::slave::ContainerConfig& containerConfig) {
  return dispatch(process_.get(), &IsolatorProcess::prepare, containerId, containerConfig);
}

process::Future<Nothing> PolicyIsolator::isolate(const mesos::ContainerID& containerId, pid_t pid) {
  return dispatch(process_.get(), &IsolatorProcess::isolate, containerId, pid);
}

process::Future<mesos::slave::ContainerLimitation> PolicyIsolator::watch(const mesos::ContainerID& containerId) {
  return dispatch(process_.get(), &IsolatorProcess::watch, containerId);
}

process::Future<Nothing> PolicyIsolator::update(
    const mesos::ContainerID& containerId, const mesos::Resources& resourceRequests,
    const google::protobuf::Map<std::string, mesos::Value::Scalar>& resourceLimits) {
  return dispatch(process_.get(), &IsolatorProcess::update, containerId, resourceRequests, resourceLimits);
}

process::Future<mesos::ResourceStatistics> PolicyIsolator::usage(const mesos::ContainerID& containerId) {
  return dispatch(process_.get(), &IsolatorProcess::usage, containerId);
}

process::Future<Nothing> PolicyIsolator::cleanup(const mesos::ContainerID& containerId) {
  return dispatch(process_.get(), &IsolatorProcess::cleanup, containerId);
}

}  // namespace mesos_policy::adapter
