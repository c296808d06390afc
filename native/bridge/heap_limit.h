// Stops a runtime whose policy runs out of its V8 heap before V8 aborts the whole host process.
//
// V8 calls the near-heap-limit callback (on the loop thread, inside an allocation) when the heap is
// about to reach its limit — the runtime's heap_mb, or V8's default. The callback terminates the
// JavaScript, stops the runtime with a reason (the loop then fails the calls in flight and queued)
// and returns a raised limit: the allocation in progress must still succeed, or V8 would abort.
#pragma once

#include <cstddef>
#include <string>

#include "execution_control.h"

namespace v8 {
class Isolate;
}

namespace mesos_policy::bridge {

class HeapLimit {
 public:
  // `heap_mb` is the configured budget, for the message (0: V8's default, reported as measured).
  HeapLimit(ExecutionControl& control, size_t heap_mb);
  HeapLimit(const HeapLimit&) = delete;
  HeapLimit& operator=(const HeapLimit&) = delete;

  // Loop thread, while the isolate lives.
  void Attach(v8::Isolate* isolate);
  void Detach();

 private:
  static size_t OnNearLimit(void* data, size_t current_limit, size_t initial_limit);

  ExecutionControl& control_;
  const size_t heap_mb_;
  v8::Isolate* isolate_ = nullptr;
  int hits_ = 0;
};

}  // namespace mesos_policy::bridge
