#include "isolator_process.h"

#include <glog/logging.h>
#include <process/clock.hpp>
#include <process/delay.hpp>
#include <process/dispatch.hpp>
#include <process/http.hpp>
#include <process/id.hpp>

#include <cmath>
#include <filesystem>
#include <set>
#include <system_error>
#include <thread>

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

namespace fs = std::filesystem;

// Mesos's own rule for ids and roles used in paths: no '/', not "." or "..", not empty.
bool SafeComponent(const std::string& text) {
  return !text.empty() && text != "." && text != ".." && text.find('/') == std::string::npos &&
         text.find('\0') == std::string::npos;
}

std::string Join(const std::string& base, const std::string& rest) { return (fs::path(base) / rest).lexically_normal().string(); }

bool IsVolume(const mesos::Resource& resource) {
  return resource.name() == "disk" && resource.has_disk() && resource.disk().has_persistence();
}

}  // namespace

Option<std::string> WorkDirOfSandbox(const std::string& directory) {
  std::vector<std::string> parts;
  for (const auto& part : fs::path(directory).lexically_normal()) parts.push_back(part.string());
  // The leftmost <slaves>/x/<frameworks>/y/<executors>/z/<runs>/c: ids never contain '/'.
  for (size_t i = 1; i + 7 < parts.size(); ++i) {
    if (parts[i] == "slaves" && parts[i + 2] == "frameworks" && parts[i + 4] == "executors" && parts[i + 6] == "runs") {
      fs::path root;
      for (size_t j = 0; j < i; ++j) root /= parts[j];
      std::string text = root.string();
      if (text.size() > 1 && text.back() == '/') text.pop_back();
      return text;
    }
  }
  return None();
}

Try<std::string> PersistentVolumePath(const std::string& workDir, const mesos::Resource& volume) {
  if (!IsVolume(volume)) return Error("not a persistent volume");
  const std::string& id = volume.disk().persistence().id();
  if (!SafeComponent(id)) return Error("persistence id '" + id + "' is not usable in a path");
  auto rooted = [&](const std::string& root) -> Try<std::string> {
    if (root.empty()) return Error("the disk source has no root");
    std::string path = fs::path(root).is_absolute() ? root : (workDir.empty() ? std::string() : Join(workDir, root));
    if (path.empty()) return Error("relative source root '" + root + "' and no work_dir");
    if (volume.disk().source().has_id()) {  // CSI: csi::paths::getMountTargetPath
      path = Join(Join(path, process::http::encode(volume.disk().source().id())), "target");
    }
    return path;
  };
  if (volume.disk().has_source() && volume.disk().source().type() == mesos::Resource::DiskInfo::Source::MOUNT) {
    return rooted(volume.disk().source().mount().root());
  }
  std::string base = workDir;
  if (volume.disk().has_source()) {
    if (volume.disk().source().type() != mesos::Resource::DiskInfo::Source::PATH) {
      return Error("a disk of source type " + mesos::Resource::DiskInfo::Source::Type_Name(volume.disk().source().type()) +
                   " has no host path");
    }
    Try<std::string> root = rooted(volume.disk().source().path().root());
    if (root.isError()) return root;
    base = root.get();
  }
  if (base.empty()) return Error("no work_dir");
  if (volume.reservations_size() == 0) return Error("the volume has no reservation");
  // Hierarchical roles: '/' is encoded as ' ' (slave::paths::getPersistentVolumePath).
  std::string role = mesos::Resources::reservationRole(volume);
  for (char& c : role) if (c == '/') c = ' ';
  if (!SafeComponent(role)) return Error("role '" + role + "' is not usable in a path");
  return Join(Join(Join(Join(base, "volumes"), "roles"), role), id);
}

std::vector<DiskTarget> DiskTargets(const mesos::Resources& resources, const std::string& sandbox,
                                    const std::string& configuredWorkDir) {
  std::vector<DiskTarget> targets;
  std::string workDir = configuredWorkDir;
  if (workDir.empty() && !sandbox.empty()) workDir = WorkDirOfSandbox(sandbox).getOrElse("");
  std::vector<std::string> mountedInSandbox;
  const mesos::Resource* sandboxDisk = nullptr;
  for (const mesos::Resource& resource : resources) {
    if (resource.name() != "disk") continue;
    if (!IsVolume(resource)) {
      if (sandboxDisk == nullptr) sandboxDisk = &resource;
      continue;
    }
    Try<std::string> path = PersistentVolumePath(workDir, resource);
    if (path.isError()) {
      LOG(WARNING) << "mesos-policy isolator: persistent volume " << resource.disk().persistence().id()
                   << " is not measured: " << path.error()
                   << (workDir.empty() ? " (give the isolator module the parameter work_dir)" : "");
      continue;
    }
    if (resource.disk().has_volume() && !resource.disk().volume().container_path().empty() && !sandbox.empty() &&
        !fs::path(resource.disk().volume().container_path()).is_absolute()) {
      mountedInSandbox.push_back(Join(sandbox, resource.disk().volume().container_path()));
    }
    bool seen = false;
    for (const DiskTarget& target : targets) seen = seen || target.path == path.get();
    if (seen) continue;  // one volume split over several Resource entries (e.g. shared): report it once
    DiskTarget target;
    target.report = resource;
    target.path = path.get();
    targets.push_back(std::move(target));
  }
  if (sandboxDisk != nullptr && !sandbox.empty()) {
    DiskTarget target;
    target.report.set_name("disk");
    target.report.set_type(mesos::Value::SCALAR);
    if (sandboxDisk->has_allocation_info()) *target.report.mutable_allocation_info() = sandboxDisk->allocation_info();
    target.path = fs::path(sandbox).lexically_normal().string();
    target.exclude = std::move(mountedInSandbox);
    targets.push_back(std::move(target));
  }
  return targets;
}

uint64_t DirectoryBytes(const std::string& path, const std::vector<std::string>& exclude) {
  std::set<fs::path> skip;
  for (const std::string& e : exclude) skip.insert(fs::path(e).lexically_normal());
  uint64_t bytes = 0;
  std::error_code ec;
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
  const fs::recursive_directory_iterator end;
  // After an error other than a permission denied (say a directory removed while we walk) the
  // iterator cannot go on: the figure is what was counted until then (rare; VLOG).
  while (!ec && it != end) {
    const fs::directory_entry& entry = *it;
    std::error_code status_error;
    const fs::file_status status = entry.symlink_status(status_error);  // never follows a symlink
    if (!status_error) {
      if (fs::is_regular_file(status)) {
        std::error_code size_error;
        const uintmax_t size = fs::file_size(entry.path(), size_error);
        if (!size_error) bytes += size;
      } else if (fs::is_directory(status) && skip.count(entry.path().lexically_normal()) > 0) {
        it.disable_recursion_pending();
      }
    }
    it.increment(ec);
  }
  if (ec) VLOG(1) << "mesos-policy isolator: measuring " << path << " stopped early: " << ec.message();
  return bytes;
}

std::vector<protocol::Resource> MeasureDiskUsage(const std::vector<DiskTarget>& targets) {
  std::vector<protocol::Resource> usage;
  for (const DiskTarget& target : targets) {
    mesos::Resource report = target.report;
    report.set_type(mesos::Value::SCALAR);
    // MB, as Mesos's disk resources; the scalar's precision (3 decimals) is Mesos's too.
    const double mb = static_cast<double>(DirectoryBytes(target.path, target.exclude)) / (1024.0 * 1024.0);
    report.mutable_scalar()->set_value(std::round(mb * 1000.0) / 1000.0);
    usage.push_back(ToProtocol(report));
  }
  return usage;
}

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
    // After an agent restart only the executor's resources are known (not its tasks').
    if (state.has_executor_info()) track(state.container_id(), mesos::Resources(state.executor_info().resources()), state.directory());
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
  track(containerId, mesos::Resources(config.resources()), config.directory());
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

void IsolatorProcess::track(const mesos::ContainerID& containerId, const mesos::Resources& resources,
                            const std::string& sandbox) {
  disks_[containerId] = Disks{sandbox, DiskTargets(resources, sandbox, host_.config().work_dir)};
}

process::Future<std::vector<protocol::Resource>> IsolatorProcess::measure(const mesos::ContainerID& containerId) {
  using Usage = std::vector<protocol::Resource>;
  if (!disks_.contains(containerId) || disks_.at(containerId).targets.empty()) return Usage();
  auto promise = std::make_shared<process::Promise<Usage>>();
  process::UPID pid = self();
  try {
    // A walk over a large volume takes a while: not on a libprocess worker, which the agent's actors share.
    std::thread([pid, promise, targets = disks_.at(containerId).targets]() {
      Usage usage = MeasureDiskUsage(targets);
      process::dispatch(pid, [promise, usage = std::move(usage)]() { promise->set(usage); });
    }).detach();
  } catch (const std::system_error& e) {
    LOG(WARNING) << "mesos-policy isolator: cannot measure the disk of container " << containerId << ": " << e.what();
    return Usage();
  }
  return promise->future();
}

void IsolatorProcess::poll(const mesos::ContainerID& containerId) {
  if (!watches_.contains(containerId)) return;  // cleaned up
  measure(containerId).onAny([this, containerId](const process::Future<std::vector<protocol::Resource>>& usage) {
    if (!watches_.contains(containerId)) return;  // cleaned up while measuring
    protocol::IsolatorCall request;
    *request.mutable_watch()->mutable_container_id() = ToProtocol(containerId);
    if (usage.isReady()) {
      for (const protocol::Resource& resource : usage.get()) *request.mutable_watch()->add_disk_usage() = resource;
    }
    watchCall(containerId, std::move(request));
  });
}

void IsolatorProcess::watchCall(const mesos::ContainerID& containerId, protocol::IsolatorCall request) {
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
  if (disks_.contains(containerId)) track(containerId, resourceRequests, disks_.at(containerId).sandbox);
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
  disks_.erase(containerId);
  protocol::IsolatorCall request;
  *request.mutable_cleanup()->mutable_container_id() = ToProtocol(containerId);
  return done("cleanup", std::move(request));
}

}  // namespace mesos_policy::adapter
