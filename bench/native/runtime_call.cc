// runtime_call: calls into a bundle in the embedded runtime, one after the other, each answer
// printed on its own line. For bundles that measure something inside the runtime itself
// (bench/native/fixtures/engine-cycle.ts: the engine's cycle in Node 18, without the bridge's
// codec): a setup call, then one call per cycle, so the runtime's event loop turns between cycles
// as it does between the bridge's calls (garbage collection tasks run there).
//
// Usage: runtime_call <bundle.js> <method> <payload> [<method> <payload>]... [--repeat N] [--heap-mb N] [--node-arg FLAG]...
// --repeat N makes the last call N times in all. Exits 0; 1 when the runtime does not start or a
// call fails.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "runtime.h"

namespace bridge = mesos_policy::bridge;

int main(int argc, char** argv) {
  bridge::RuntimeOptions options;
  std::vector<std::pair<std::string, std::string>> calls;
  unsigned long repeat = 1;
  int i = 2;
  for (; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--heap-mb") options.heap_mb = std::strtoul(argv[i + 1], nullptr, 10);
    else if (arg == "--repeat") repeat = std::strtoul(argv[i + 1], nullptr, 10);
    else if (arg == "--node-arg") options.node_args.emplace_back(argv[i + 1]);  // a V8 flag: --prof, --trace-gc
    else calls.emplace_back(arg, argv[i + 1]);
  }
  if (argc < 4 || i != argc || calls.empty() || repeat == 0) {
    std::fprintf(stderr, "usage: runtime_call <bundle.js> <method> <payload> [<method> <payload>]... [--repeat N] [--heap-mb N] [--node-arg FLAG]...\n");
    return 2;
  }
  for (unsigned long n = 1; n < repeat; n++) calls.push_back(calls.back());
  options.bundle = argv[1];
  options.log = [](bridge::LogLevel level, const std::string& text) {
    std::fprintf(stderr, "[policy %s] %s\n", bridge::LogLevelName(level), text.c_str());
  };
  auto started = bridge::PolicyRuntime::Start(options);
  if (!started.runtime) {
    std::fprintf(stderr, "runtime_call: the runtime did not start: %s\n", started.error.c_str());
    return 1;
  }
  for (const auto& [method, payload] : calls) {
    bridge::Result result = started.runtime->Call(method, payload, std::chrono::minutes(30));
    if (!result.ok()) {
      std::fprintf(stderr, "runtime_call: %s: %s: %s\n", method.c_str(), bridge::StatusName(result.status), result.value.c_str());
      return 1;
    }
    std::printf("%s\n", result.value.c_str());
  }
  return 0;
}
