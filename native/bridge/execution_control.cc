#include "execution_control.h"

#include <node.h>

namespace mesos_policy::bridge {

void ExecutionControl::Attach(v8::Isolate* isolate, node::Environment* env) {
  std::lock_guard<std::mutex> lock(mutex_);
  isolate_ = isolate;
  env_ = env;
}

void ExecutionControl::Detach() {
  std::lock_guard<std::mutex> lock(mutex_);
  isolate_ = nullptr;
  env_ = nullptr;
  running_ = nullptr;
}

void ExecutionControl::Enter(const void* token) {
  std::lock_guard<std::mutex> lock(mutex_);
  running_ = token;
  terminated_ = false;
}

bool ExecutionControl::Leave() {
  std::lock_guard<std::mutex> lock(mutex_);
  running_ = nullptr;
  if (!terminated_) return false;
  terminated_ = false;
  // No JavaScript frames are left on this thread: clearing the termination here (also one requested
  // just as the call returned) keeps it from hitting whatever runs next.
  if (!stopping_ && isolate_ != nullptr) isolate_->CancelTerminateExecution();
  return true;
}

bool ExecutionControl::TerminateIf(const void* token) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (isolate_ == nullptr || token == nullptr || running_ != token) return false;
  terminated_ = true;
  isolate_->TerminateExecution();
  return true;
}

void ExecutionControl::Stop() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = true;
  if (env_ != nullptr) node::Stop(env_);
}

bool ExecutionControl::stopping() {
  std::lock_guard<std::mutex> lock(mutex_);
  return stopping_;
}

}  // namespace mesos_policy::bridge
