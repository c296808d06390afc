// PolicyHost: one module's policy runtime, as the adapters use it. It starts a PolicySupervisor
// (native/bridge: keeps an embedded runtime serving the bundle, restarts it when it stops on its own)
// with the module's parameters, checks the protocol version and the bundle's policy kinds with Hello,
// sends protocol::Request messages and parses the Response, and sends the policy's log lines to glog.
// A fresh runtime has an empty engine: `generation()` changes and the listener set with
// OnFreshRuntime() is told, so the allocator can re-send its state.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "bridge.pb.h"
#include "housekeeper.h"
#include "module_params.h"
#include "result.h"
#include "stats.h"
#include "supervisor.h"

namespace mesos_policy::adapter {

namespace protocol = ::mesos_policy::protocol;

class PolicyHost {
  struct Key {};

 public:
  // One call's outcome: a parsed Response (which may itself be a protocol Error), or why none came.
  struct Reply {
    bridge::Result::Status status = bridge::Result::Status::kUnavailable;
    protocol::Response response;  // when ok()
    std::string failure;          // when !ok(): timeout, runtime down, policy threw, reply unparsable
    bool ok() const { return status == bridge::Result::Status::kOk; }
  };

  // Starts the runtime and says Hello; null with `*error` set when the bundle does not load, speaks
  // another protocol version, or has no policy of the module's kind.
  static std::unique_ptr<PolicyHost> Start(const ModuleConfig& config, std::string* error);

  PolicyHost(Key, ModuleConfig config);
  ~PolicyHost();
  PolicyHost(const PolicyHost&) = delete;
  PolicyHost& operator=(const PolicyHost&) = delete;

  // Blocks until the reply or the call timeout. Sets now_ms unless the request has it. Any thread.
  Reply Call(protocol::Request request);

  // The same for a hook call already written as bytes (wire::HookRequest, which sets now_ms).
  Reply CallHook(std::string request);

  // Does not block: `done` runs once, on a bridge thread (or this one when refused at once), and
  // must only hand the reply on (e.g. process::dispatch to the adapter's actor).
  void CallAsync(protocol::Request request, std::function<void(Reply)> done);

  // 1 for the first runtime; the supervisor's number of the runtime serving now.
  uint64_t generation() const { return generation_.load(); }

  // Called (on the supervisor's thread, quickly) after a fresh runtime took over.
  void OnFreshRuntime(std::function<void(uint64_t generation)> listener);

  // The supervisor's counters ("mesos_policy/restarts", ...), for the module's metrics.
  bridge::StatsSnapshot Snapshot();

  const ModuleConfig& config() const { return config_; }

  // Loads the bundle file again (reload_check_ms): "" when the new version serves, else why not.
  // A bundle that does not start leaves the old one serving. One that starts but fails Hello (another
  // protocol version, no policy of this kind) already serves: the supervisor cannot swap back.
  std::string Reload();

  // "ERROR_CODE: message" for a protocol error; the failure text for a call that did not answer.
  static std::string Describe(const protocol::Error& error);
  static std::string Describe(const Reply& reply);
  // The request's oneof case ("allocator", "hook", ...): the method name the runtime is called with.
  static std::string MethodName(const protocol::Request& request);

 private:
  std::string Hello();  // "" when the bundle fits this module
  void FreshRuntime(const bridge::FreshRuntime& fresh);
  static Reply Parse(const std::string& method, bridge::Result result);

  const ModuleConfig config_;
  std::atomic<uint64_t> generation_{1};
  std::mutex listener_mutex_;
  std::function<void(uint64_t)> listener_;
  std::unique_ptr<bridge::PolicySupervisor> supervisor_;  // stopped before the rest goes...
  std::unique_ptr<Housekeeper> housekeeper_;               // ...but after this, which calls it
};

// Milliseconds since the Unix epoch, the protocol's clock.
double WallClockMs();

}  // namespace mesos_policy::adapter
