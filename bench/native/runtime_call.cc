// runtime_call: one call into a bundle in the embedded runtime, its answer printed. For bundles that
// measure something inside the runtime itself (bench/native/fixtures/engine-cycle.ts: the engine's
// cycle in Node 18, without the bridge's codec).
//
// Usage: runtime_call <bundle.js> <method> <payload> [--heap-mb N]
// Prints the answer (as text) and exits 0; exits 1 when the runtime does not start or the call fails.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "runtime.h"

namespace bridge = mesos_policy::bridge;

int main(int argc, char** argv) {
  if (argc != 4 && argc != 6) {
    std::fprintf(stderr, "usage: runtime_call <bundle.js> <method> <payload> [--heap-mb N]\n");
    return 2;
  }
  bridge::RuntimeOptions options;
  options.bundle = argv[1];
  if (argc == 6) options.heap_mb = std::strtoul(argv[5], nullptr, 10);
  options.log = [](bridge::LogLevel level, const std::string& text) {
    std::fprintf(stderr, "[policy %s] %s\n", bridge::LogLevelName(level), text.c_str());
  };
  auto started = bridge::PolicyRuntime::Start(options);
  if (!started.runtime) {
    std::fprintf(stderr, "runtime_call: the runtime did not start: %s\n", started.error.c_str());
    return 1;
  }
  bridge::Result result = started.runtime->Call(argv[2], argv[3], std::chrono::minutes(30));
  if (!result.ok()) {
    std::fprintf(stderr, "runtime_call: %s: %s\n", bridge::StatusName(result.status), result.value.c_str());
    return 1;
  }
  std::printf("%s\n", result.value.c_str());
  return 0;
}
