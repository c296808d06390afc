#include "execution_control.h"

#include <node.h>

namespace mesos_policy::bridge {

void ExecutionControl::Attach(v8::Isolate* isolate, node::Environment* env, std::function<void()> clear_async_stack) {
  std::lock_guard<std::mutex> lock(mutex_);
  isolate_ = isolate;
  env_ = env;
  clear_async_stack_ = std::move(clear_async_stack);
}

void ExecutionControl::Detach() {
  std::lock_guard<std::mutex> lock(mutex_);
  isolate_ = nullptr;
  env_ = nullptr;
  running_ = nullptr;
  terminate_token_ = nullptr;
  clear_async_stack_ = nullptr;
}

void ExecutionControl::Enter(const void* token) {
  Turn();  // a runaway's termination must not hit this run
  std::lock_guard<std::mutex> lock(mutex_);
  running_ = token;
  terminated_ = false;
}

bool ExecutionControl::Leave() {
  turn_.fetch_add(1, std::memory_order_acq_rel);
  std::lock_guard<std::mutex> lock(mutex_);
  running_ = nullptr;
  terminate_token_ = nullptr;  // an interrupt still on its way finds nothing to terminate
  if (!terminated_) return false;
  terminated_ = false;
  // No JavaScript frames are left on this thread: clearing the termination here (also one requested
  // just as the call returned) keeps it from hitting whatever runs next.
  if (!stopping_ && isolate_ != nullptr) isolate_->CancelTerminateExecution();
  return true;
}

void ExecutionControl::Turn() {
  turn_.fetch_add(1, std::memory_order_acq_rel);
  if (!runaway_terminated_.load(std::memory_order_acquire)) return;
  std::lock_guard<std::mutex> lock(mutex_);
  runaway_terminated_ = false;
  if (!stopping_ && isolate_ != nullptr) isolate_->CancelTerminateExecution();
}

const void* ExecutionControl::running() {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_;
}

bool ExecutionControl::TerminateIf(const void* token) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (isolate_ == nullptr || token == nullptr || running_ != token) return false;
  terminated_ = true;
  if (terminate_token_ != token) {
    terminate_token_ = token;
    isolate_->RequestInterrupt(&ExecutionControl::OnTerminateInterrupt, this);
  }
  return true;
}

void ExecutionControl::OnTerminateInterrupt(v8::Isolate*, void* data) {
  auto* self = static_cast<ExecutionControl*>(data);
  std::lock_guard<std::mutex> lock(self->mutex_);
  // Still the run it was asked for (Leave clears the token, so a later run is never hit).
  if (self->terminate_token_ == nullptr || self->terminate_token_ != self->running_) return;
  self->terminate_token_ = nullptr;
  self->TerminateLocked();
}

bool ExecutionControl::TerminateRunaway() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (isolate_ == nullptr || running_ != nullptr || stopping_) return false;
  runaway_terminated_ = true;
  TerminateLocked();
  return true;
}

// Loop thread, inside JavaScript (an interrupt).
void ExecutionControl::TerminateLocked() {
  if (clear_async_stack_) clear_async_stack_();
  isolate_->TerminateExecution();
}

bool ExecutionControl::RequestInterrupt(void (*callback)(v8::Isolate*, void*), void* data) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (isolate_ == nullptr || stopping_) return false;
  isolate_->RequestInterrupt(callback, data);
  return true;
}

void ExecutionControl::Stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!stopping_) by_host_ = true;
  StopLocked();
}

void ExecutionControl::StopOnItsOwn(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!stopping_) reason_ = reason;
  StopLocked();
}

void ExecutionControl::StopLocked() {
  if (stopping_) return;
  stopping_ = true;
  if (env_ != nullptr) node::Stop(env_);
}

bool ExecutionControl::stopping() {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

bool ExecutionControl::stopped_by_host() {
  std::lock_guard<std::mutex> lock(mutex_);
  return by_host_;
}

std::string ExecutionControl::stop_reason() {
  std::lock_guard<std::mutex> lock(mutex_);
  return reason_;
}

}  // namespace mesos_policy::bridge
