// The runtime's loop thread: creates a Node environment on the shared platform, loads the policy
// bundle through bootstrap.js, then serves queued requests from the event loop until stopped.
// Everything here runs on that one thread, except what RequestQueue and ExecutionControl share.
#pragma once

#include <node.h>
#include <uv.h>

#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "execution_control.h"
#include "host_binding.h"
#include "request_queue.h"
#include "runtime_options.h"

namespace mesos_policy::bridge {

class PolicyLoop final : public HostBindingTarget {
 public:
  // `bundle` is an absolute path; `queue` and `control` outlive the loop.
  PolicyLoop(std::string bundle, const RuntimeOptions& options, RequestQueue& queue,
             ExecutionControl& control);
  PolicyLoop(const PolicyLoop&) = delete;
  PolicyLoop& operator=(const PolicyLoop&) = delete;

  // Runs until the environment stops. Sets `started` once: "" when serving, else why it cannot.
  // Start-up errors are reported after the environment is torn down.
  void Run(std::promise<std::string>& started);

  // Identifies the bundle load to ExecutionControl (interrupted by the start timeout).
  static const void* LoadToken();

  void OnLog(int level, const std::string& text) override;
  void OnComplete(uint64_t id, bool ok, std::string text) override;

 private:
  std::string Load();
  void OnWake();
  void Dispatch(const std::shared_ptr<Request>& request);
  std::optional<Result> CallPolicy(uint64_t id, const Request& request, const v8::TryCatch& caught);
  void Answer(uint64_t id, Result result);
  void SweepAbandoned();
  void Teardown();
  void Log(LogLevel level, const std::string& text);

  const std::string bundle_;
  const RuntimeOptions& options_;
  RequestQueue& queue_;
  ExecutionControl& control_;

  std::unique_ptr<node::CommonEnvironmentSetup> setup_;
  uv_async_t wake_{};
  bool wake_open_ = false;
  v8::Global<v8::Function> dispatch_;
  v8::Global<v8::Object> resource_;  // the async resource of each call's callback scope
  // Requests handed to JavaScript whose answer has not come back yet.
  std::unordered_map<uint64_t, std::shared_ptr<Request>> inflight_;
  uint64_t next_id_ = 1;
  size_t sweep_at_ = 64;
};

}  // namespace mesos_policy::bridge
