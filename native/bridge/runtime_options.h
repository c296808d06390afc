// How to start a policy runtime.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "log.h"

namespace mesos_policy::bridge {

struct RuntimeOptions {
  // The policy bundle: one JavaScript file (CommonJS) whose exports have handle(method, payload)
  // returning a string or a Promise of a string.
  std::string bundle;
  // The host's logger for the policy's console output, uncaught errors and the runtime's own
  // messages. Empty: stderr.
  LogFn log;
  // Loading the bundle is interrupted after this long and start-up fails.
  std::chrono::milliseconds start_timeout{30000};
  // Node/V8 options for the whole process (e.g. --v8-pool-size=2, --max-old-space-size=256).
  // Node is initialised once per process: only the first runtime's options take effect.
  std::vector<std::string> node_args;
};

}  // namespace mesos_policy::bridge
