// Lets other threads interrupt the JavaScript the loop thread is running — but only the work they
// own. The loop marks what it runs with a token (a request, the bundle load); a host thread whose
// deadline passed terminates execution only while its own token is the one running, so a call that
// already finished never costs the next call its run. V8's TerminateExecution is thread-safe; the
// loop cancels it after the interrupted call has left JavaScript, and the runtime keeps serving.
#pragma once

#include <mutex>

namespace node {
class Environment;
}
namespace v8 {
class Isolate;
}

namespace mesos_policy::bridge {

class ExecutionControl {
 public:
  // Loop thread: the isolate/environment exist between Attach and Detach.
  void Attach(v8::Isolate* isolate, node::Environment* env);
  void Detach();

  // Loop thread, around each entry into JavaScript on behalf of `token`. Leave returns true when the
  // run was terminated on request (and cancels the termination unless the runtime is stopping).
  void Enter(const void* token);
  bool Leave();

  // Any thread: terminate the running JavaScript if `token` is the one running.
  bool TerminateIf(const void* token);
  // Any thread: stop the environment (node::Stop): the loop returns, JavaScript is terminated.
  void Stop();
  bool stopping();

 private:
  std::mutex mutex_;
  v8::Isolate* isolate_ = nullptr;
  node::Environment* env_ = nullptr;
  const void* running_ = nullptr;
  bool terminated_ = false;
  bool stopping_ = false;
};

}  // namespace mesos_policy::bridge
