// The linked binding the bootstrap reaches with process._linkedBinding('mesos_policy_bridge'):
// log(level, text) for the redirected console, complete(id, ok, text) for answers that arrive
// after handle() returned (promises, and errors the bootstrap caught).
#pragma once

#include <cstdint>
#include <string>

namespace node {
class Environment;
}

namespace mesos_policy::bridge {

inline constexpr const char kBindingName[] = "mesos_policy_bridge";

// Implemented by the loop; called on the loop thread only.
class HostBindingTarget {
 public:
  virtual void OnLog(int level, const std::string& text) = 0;
  virtual void OnComplete(uint64_t id, bool ok, std::string text) = 0;

 protected:
  ~HostBindingTarget() = default;
};

// Registers the binding with `env`; `target` must outlive the environment.
void AddHostBinding(node::Environment* env, HostBindingTarget* target);

}  // namespace mesos_policy::bridge
