// The .node addon's test host: drives the binding the way the embedded runtime's host threads do,
// from a normal Node process (the system Node, in tests). JavaScript is the policy side —
// serve(handler), complete(), log() as in the embedded runtime — and call() is a host call:
//
//   const host = createTestHost({ threads: 8, spinWaitUs: 50 });  // spinWaitUs: RuntimeOptions::spin_wait
//                                                                 // (spinning on a busy machine too: tests run beside builds)
//   host.serve((id, method, payload) => payload);            // answers now, or later via complete()
//   const { status, value } = await host.call('m', bytes, 50);  // status: ok | error | timeout | unavailable
//   host.close();
//
// Each call() runs as a blocking host call (BlockingCall over the same Request/RequestQueue code) on
// one of a fixed pool of C++ threads; its result comes back to JavaScript through a thread-safe
// function. Deadlines work as in the runtime, except that a running call cannot be interrupted here
// (no V8 access from a Node-API addon): its caller times out and the late answer is dropped.
#pragma once

#include <napi.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "binding.h"

namespace mesos_policy::addon {

class TestHost : public Napi::ObjectWrap<TestHost>, public BindingHost {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit TestHost(const Napi::CallbackInfo& info);
  ~TestHost() override;

  // BindingHost: nothing to interrupt; the log is kept for logs().
  void Log(LogLevel level, const std::string& text) override;
  std::optional<Result> Enter(const Request*) override { return std::nullopt; }
  std::optional<Result> Leave() override { return std::nullopt; }
  void OnServe() override;

 private:
  struct Job;
  struct Delivery;
  static void Deliver(Napi::Env env, Napi::Function, Delivery* delivery, Job* job);

  Napi::Value Call(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Logs(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  void HostThread();
  void Shutdown();
  void Delivered(Napi::Env env);

  RequestQueue queue_;
  std::unique_ptr<Binding> binding_;
  Delivery* delivery_ = nullptr;  // the thread-safe function's context (freed by its finalizer); null once closed
  Napi::TypedThreadSafeFunction<Delivery, Job, &TestHost::Deliver> results_;
  bool open_ = true;
  uint64_t outstanding_ = 0;  // JS thread: calls whose promise is not settled yet
  uint64_t submitted_ = 0;
  uint64_t delivered_ = 0;
  std::vector<std::string> log_;
  // A process that exits without close(): shut down (join the threads) with the environment.
  static void OnEnvCleanup(void* data);
  bool cleanup_hooked_ = false;

  std::mutex jobs_mutex_;
  std::condition_variable jobs_ready_;
  std::deque<std::unique_ptr<Job>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace mesos_policy::addon
