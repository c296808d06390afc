// Spin-then-block (RuntimeOptions::spin_wait): the queue's polling protocol, the caller's spin and
// the runtime with spinning on and off. Part of bridge_host_test.
#pragma once

#include <string>

namespace mesos_policy::testing {

// `fixtures`: the directory holding policy.js.
void SpinWaitChecks(const std::string& fixtures);

}  // namespace mesos_policy::testing
