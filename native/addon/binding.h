// The Node-API binding between the request queue and JavaScript, shared by the embedded runtime
// (a linked binding: process._linkedBinding('mesos_policy_bridge')) and the .node addon's test host.
//
// JavaScript sees an object with
//   serve(handler, [asyncStack])
//                             registers handler(id, method, payload: Buffer) → Uint8Array | string |
//                             undefined; undefined means the answer comes later through complete().
//                             asyncStack: Node's async-context fields, { fields: Uint32Array, ids:
//                             Float64Array, constants } from process.binding('async_wrap'), for
//                             ClearAsyncContextStack()
//   complete(id, ok, answer)  answers request `id`: ok → answer is the bytes (Uint8Array, or a string
//                             sent as UTF-8); not ok → answer is the error text
//   log(level, text)          the host's log (levels as LogLevel: 0 debug … 3 error)
// C++ wakes the binding (uv_async_send) when requests are queued; the binding drains the queue on
// the loop thread, calls the handler for each, and finishes the requests with the answers.
//
// This header is deliberately free of napi.h: it is included where node.h is (which defines
// NAPI_VERSION 9 and NAPI_EXPERIMENTAL), while binding.cc compiles node-addon-api at Node-API 8.
#pragma once

#include <js_native_api.h>  // (not the _types header alone: NAPI_VERSION must be set first)

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "log.h"
#include "request.h"
#include "request_queue.h"
#include "result.h"

namespace mesos_policy::addon {

using bridge::LogLevel;
using bridge::Request;
using bridge::RequestQueue;
using bridge::Result;

// What the binding needs from its host (the embedded loop, or the test host). Loop thread only.
class BindingHost {
 public:
  virtual void Log(LogLevel level, const std::string& text) = 0;
  // Around each run of JavaScript for a request. Enter: nullopt to go ahead, or the result to give
  // instead (the runtime is stopping; no Leave follows). Leave: nullopt when the run ended normally,
  // or its outcome when it did not (interrupted, or the runtime stopped meanwhile).
  virtual std::optional<Result> Enter(const Request* request) = 0;
  virtual std::optional<Result> Leave() = 0;
  // JavaScript registered its handler.
  virtual void OnServe() = 0;

 protected:
  ~BindingHost() = default;
};

class Binding {
 public:
  // Adds serve/complete/log to `exports` and a wake-up handle to the environment's event loop;
  // `keep_loop_alive` false leaves the loop free to end (the test host in a normal Node process).
  // Null with `*error` set on failure. Loop thread; `host` and `queue` must outlive the binding.
  static std::unique_ptr<Binding> Create(napi_env env, napi_value exports, BindingHost& host,
                                         RequestQueue& queue, bool keep_loop_alive, std::string* error);
  virtual ~Binding() = default;

  // A handler has been registered (serve).
  virtual bool serving() const = 0;
  // Starts taking requests from the queue.
  virtual void Open() = 0;
  // Loop thread, also from inside a V8 interrupt: empties Node's async-context stack, as Node's own
  // clearAsyncIdStack does after an uncaught exception, by writing its shared fields (no JavaScript
  // runs). For a run about to be terminated, which will never pop what it pushed.
  virtual void ClearAsyncContextStack() = 0;
  // Closes the queue, finishes every queued and unanswered request with `failure`, releases the
  // handler and closes the wake-up handle (closed() once the loop has run its close callback).
  virtual void Shutdown(const Result& failure) = 0;
  virtual bool closed() const = 0;
};

// The embedded runtime's linked binding: node::AddLinkedBinding(env, kBindingName,
// RegisterLinkedBinding, BindingNapiVersion()). Node-API's register function takes no user data,
// so the loop thread says beforehand whom the binding serves; it is created when the bootstrap first
// asks for it, owned by the environment (freed with it) and handed to `created`.
inline constexpr char kBindingName[] = "mesos_policy_bridge";
struct LinkedBindingTarget {
  BindingHost* host = nullptr;
  RequestQueue* queue = nullptr;
  std::function<void(Binding*)> created;
};
void SetLinkedBindingTarget(LinkedBindingTarget target);  // loop thread, before LoadEnvironment
napi_value RegisterLinkedBinding(napi_env env, napi_value exports);
int BindingNapiVersion();  // the Node-API version binding.cc is compiled for

}  // namespace mesos_policy::addon
