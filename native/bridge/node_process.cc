#include "node_process.h"

#include <dlfcn.h>
#include <node.h>

#include <memory>
#include <mutex>

namespace mesos_policy::bridge {
namespace {

struct ProcessState {
  std::unique_ptr<node::InitializationResult> init;
  std::string error;
};

// Keep Node away from the host's process state: its stdio, signal handlers, NODE_OPTIONS,
// resource limits, large pages, --help/--version output and debug environment variables.
constexpr uint64_t kProcessFlags =
    node::ProcessInitializationFlags::kNoStdioInitialization |
    node::ProcessInitializationFlags::kNoDefaultSignalHandling |
    node::ProcessInitializationFlags::kDisableNodeOptionsEnv |
    node::ProcessInitializationFlags::kNoAdjustResourceLimits |
    node::ProcessInitializationFlags::kNoUseLargePages |
    node::ProcessInitializationFlags::kNoPrintHelpOrVersionOutput |
    node::ProcessInitializationFlags::kNoParseGlobalDebugVariables;

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "; ") + line;
  return out;
}

void Initialize(const std::vector<std::string>& args, ProcessState* state) {
  // A host that loads this code with RTLD_LOCAL (Mesos loads modules that way) hides libnode's
  // symbols from the .node addons that JavaScript may load; promote libnode to the global scope.
  // A no-op when libnode is linked into the executable or already global.
  dlopen("libnode.so.108", RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);

  // Interrupting JavaScript (deadlines, runaways) skips the async-context pops of the callbacks it
  // was in; Node's check of that stack aborts the process. ExecutionControl empties the stack before
  // each interruption; without async hooks this flag also turns the check off, should that ever miss.
  std::vector<std::string> argv{"mesos-policy", "--no-force-async-hooks-checks"};
  argv.insert(argv.end(), args.begin(), args.end());
  state->init = node::InitializeOncePerProcess(
      argv, static_cast<node::ProcessInitializationFlags::Flags>(kProcessFlags));
  if (state->init->early_return() || state->init->exit_code() != 0) {
    state->error = "Node initialisation failed (exit code " + std::to_string(state->init->exit_code()) +
                   "): " + Join(state->init->errors());
  } else if (state->init->platform() == nullptr) {
    state->error = "Node initialisation created no platform";
  }
}

}  // namespace

node::MultiIsolatePlatform* NodePlatform(const std::vector<std::string>& args, std::string* error) {
  // Lives until the process exits, like V8 itself.
  static ProcessState state;
  static std::once_flag once;
  std::call_once(once, [&] { Initialize(args, &state); });
  if (!state.error.empty()) {
    *error = state.error;
    return nullptr;
  }
  return state.init->platform();
}

}  // namespace mesos_policy::bridge
