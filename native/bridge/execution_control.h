// Lets other threads interrupt the JavaScript the loop thread is running — but only the work they
// own. The loop marks what it runs with a token (a request, the bundle load); a host thread whose
// deadline passed terminates execution only while its own token is the one running, so a call that
// already finished never costs the next call its run. The loop cancels the termination after the
// interrupted call has left JavaScript, and the runtime keeps serving.
//
// Terminations happen on the loop thread, from a V8 interrupt (RequestInterrupt is thread-safe):
// right before terminating, the interrupt empties Node's async-context stack (`clear_async_stack`).
// Terminated JavaScript never pops the contexts it pushed (a timer's, an AsyncLocalStorage's), and
// Node's native callback scopes check that stack as they unwind — with async hooks enabled a
// mismatch aborts the whole process. An empty stack is what Node itself leaves after an uncaught
// exception, and its scopes skip the check for it.
//
// It also holds the runtime's stop state (asked by the host, or on its own with a reason), and the
// loop's "turn" counter, which moves whenever the loop passes a point outside JavaScript (each loop
// iteration, each call): the runaway watch uses it to tell a run of JavaScript that never ends.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace node {
class Environment;
}
namespace v8 {
class Isolate;
}

namespace mesos_policy::bridge {

class ExecutionControl {
 public:
  // Loop thread: the isolate/environment exist between Attach and Detach. `clear_async_stack` runs
  // inside the interrupt, so it must not call into JavaScript or allocate on the V8 heap.
  void Attach(v8::Isolate* isolate, node::Environment* env, std::function<void()> clear_async_stack);
  void Detach();

  // Loop thread, around each entry into JavaScript on behalf of `token`. Leave returns true when the
  // run was terminated on request (and cancels the termination unless the runtime is stopping).
  void Enter(const void* token);
  bool Leave();
  // Loop thread, outside JavaScript (loop iterations): moves the turn; clears a runaway's termination.
  void Turn();
  uint64_t turn() const { return turn_.load(std::memory_order_acquire); }
  // Loop thread: what runs now (nullptr: nobody's — a timer, an I/O callback, a promise job).
  const void* running();

  // Any thread: terminate the running JavaScript if `token` is the one running (at once, through an
  // interrupt; true if it was running when asked).
  bool TerminateIf(const void* token);
  // Loop thread, inside JavaScript (an interrupt): terminate it if nobody owns it; Turn() clears it.
  bool TerminateRunaway();
  // Any thread: V8's RequestInterrupt while the isolate exists and the runtime is not stopping.
  bool RequestInterrupt(void (*callback)(v8::Isolate*, void*), void* data);

  // Any thread: stop the environment (node::Stop): the loop returns, JavaScript is terminated.
  // Stop() is the host's; StopOnItsOwn() records why the runtime stopped (the first reason wins).
  void Stop();
  void StopOnItsOwn(const std::string& reason);
  bool stopping();
  bool stopped_by_host();
  std::string stop_reason();

 private:
  void StopLocked();
  static void OnTerminateInterrupt(v8::Isolate* isolate, void* data);
  void TerminateLocked();

  std::mutex mutex_;
  v8::Isolate* isolate_ = nullptr;
  node::Environment* env_ = nullptr;
  const void* running_ = nullptr;
  bool terminated_ = false;
  const void* terminate_token_ = nullptr;  // the run an interrupt was requested for
  bool stopping_ = false;
  bool by_host_ = false;
  std::string reason_;
  std::function<void()> clear_async_stack_;
  std::atomic<uint64_t> turn_{0};
  std::atomic<bool> runaway_terminated_{false};
};

}  // namespace mesos_policy::bridge
