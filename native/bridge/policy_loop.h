// The runtime's loop thread: creates a Node environment on the shared platform, loads the policy
// bundle through bootstrap.js, then serves queued requests from the event loop until stopped.
// Everything here runs on that one thread, except what RequestQueue and ExecutionControl share.
#pragma once

#include <future>
#include <memory>
#include <optional>
#include <string>

#include "binding.h"
#include "execution_control.h"
#include "heap_limit.h"
#include "node_environment.h"
#include "request_queue.h"
#include "runaway_watch.h"
#include "runtime_options.h"

namespace mesos_policy::bridge {

class PolicyLoop final : public addon::BindingHost {
 public:
  // `bundle` is an absolute path; the references outlive the loop.
  PolicyLoop(std::string bundle, const RuntimeOptions& options, RequestQueue& queue,
             ExecutionControl& control, RunawayWatch& runaway);
  PolicyLoop(const PolicyLoop&) = delete;
  PolicyLoop& operator=(const PolicyLoop&) = delete;

  // Runs until the environment stops. Sets `started` once: "" when serving, else why it cannot.
  // Start-up errors are reported after the environment is torn down. When the runtime stops on its
  // own, calls options.on_stop last.
  void Run(std::promise<std::string>& started);

  // Identifies the bundle load to ExecutionControl (interrupted by the start timeout).
  static const void* LoadToken();

  // addon::BindingHost
  void Log(LogLevel level, const std::string& text) override;
  std::optional<Result> Enter(const Request* request) override;
  std::optional<Result> Leave() override;
  void OnServe() override {}

 private:
  std::string Load();
  void Serve();
  void Teardown();
  std::string StoppedMessage();

  const std::string bundle_;
  const RuntimeOptions& options_;
  RequestQueue& queue_;
  ExecutionControl& control_;
  RunawayWatch& runaway_;
  HeapLimit heap_;

  std::unique_ptr<NodeEnvironment> setup_;
  addon::Binding* binding_ = nullptr;  // owned by the environment; shut down in Teardown
};

}  // namespace mesos_policy::bridge
