#include "heap_limit.h"

#include <v8.h>

#include <algorithm>

namespace mesos_policy::bridge {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

}  // namespace

HeapLimit::HeapLimit(ExecutionControl& control, size_t heap_mb) : control_(control), heap_mb_(heap_mb) {}

void HeapLimit::Attach(v8::Isolate* isolate) {
  isolate_ = isolate;
  isolate_->AddNearHeapLimitCallback(&HeapLimit::OnNearLimit, this);
}

void HeapLimit::Detach() {
  if (isolate_ == nullptr) return;
  isolate_->RemoveNearHeapLimitCallback(&HeapLimit::OnNearLimit, 0);
  isolate_ = nullptr;
}

size_t HeapLimit::OnNearLimit(void* data, size_t current_limit, size_t initial_limit) {
  auto* self = static_cast<HeapLimit*>(data);
  const size_t limit_mb = self->heap_mb_ != 0 ? self->heap_mb_ : initial_limit / kMiB;
  // node::Stop terminates the JavaScript (which stops allocating at its next check) and ends the
  // loop; it only sets flags and wakes the loop, which is safe from inside a garbage collection.
  if (self->hits_++ == 0) {
    self->control_.StopOnItsOwn("the policy ran out of heap (limit " + std::to_string(limit_mb) + " MB)");
  }
  // Headroom for the allocation in progress and for the JavaScript to unwind; raised again if it is
  // not enough (each time V8 is about to fail), because failing here aborts the host process.
  return current_limit + std::max<size_t>(initial_limit / 4, 16 * kMiB);
}

}  // namespace mesos_policy::bridge
