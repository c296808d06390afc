// The parameters of the three modules, as given in the --modules manifest:
//   policy           path of the policy bundle (required; must be a file)
//   heap_mb          the policy's V8 heap budget in MiB (positive; default: V8's own)
//   call_timeout_ms  deadline of one call into the policy (positive; default per module kind)
//   on_error         "default": a failed call falls back to Mesos's default behaviour for it;
//                    "fail": the call fails (hooks return Error, isolator futures fail)
//   log_level        debug | info | warning | error: the least severe policy log line kept
//   watch_interval_ms  (isolator only) how often `watch` asks the policy for a limitation
//   work_dir         (isolator only) the agent's --work_dir, where Mesos keeps persistent volumes
//                    (absolute, an existing directory; default: read off each container's sandbox path)
//   reload_check_ms  how often to look at the bundle file for a new version (0, the default: never);
//                    a changed file is reloaded in place (PolicySupervisor::Reload)
//   spin_wait_us     how long a call's caller and the policy's thread spin before sleeping
//                    (RuntimeOptions::spin_wait; 0: never; default 100)
//   operator_api_url     (allocator only) where the policy's operator calls go (default: this
//                        master's own http://<libprocess address>/api/v1)
//   operator_principal, operator_secret  (allocator only) HTTP Basic credentials for those calls
//   operator_credential  (allocator only) the same from a file in Mesos's credential format
//   operator_timeout_ms  (allocator only) deadline of one operator-API request
// Anything else, or a bad value, is an error that names the parameter: the module is not created.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "log.h"
#include "runtime_options.h"

namespace mesos {
class Parameters;
}

namespace mesos_policy::adapter {

enum class ModuleKind { kAllocator, kHook, kIsolator };
enum class OnError { kDefault, kFail };

// "allocator", "hook", "isolator": the Hello.module value and the metrics prefix.
const char* ModuleKindName(ModuleKind kind);

// A principal and its secret for the master's HTTP authentication (Basic).
struct OperatorCredential {
  std::string principal;
  std::string secret;
};

struct ModuleConfig {
  ModuleKind kind = ModuleKind::kHook;
  std::string policy;  // absolute, normalised path of the bundle
  size_t heap_mb = 0;  // 0: V8's default
  std::chrono::milliseconds call_timeout{1000};
  OnError on_error = OnError::kDefault;
  bridge::LogLevel log_level = bridge::LogLevel::kInfo;
  std::chrono::milliseconds watch_interval{1000};
  std::string work_dir;  // isolator: the agent's work_dir; empty: derived from the sandbox paths
  std::chrono::milliseconds reload_check{0};  // 0: the bundle is read at start only
  std::chrono::microseconds spin_wait{bridge::RuntimeOptions::kDefaultSpinWait};
  // allocator: the operator API the policy's operator calls go to
  std::string operator_api_url;                        // empty: this master's own
  std::optional<OperatorCredential> operator_credential;  // none: no Authorization header
  std::chrono::milliseconds operator_timeout{10000};
};

using ParameterList = std::vector<std::pair<std::string, std::string>>;

// Why the parameters are unusable, or nothing when `config` holds them.
struct ParseOutcome {
  std::optional<ModuleConfig> config;
  std::string error;
};

ParseOutcome ParseModuleParameters(ModuleKind kind, const ParameterList& parameters);

// The text of a Mesos credential file: JSON {"principal": ..., "secret": ...}, or one line
// "principal secret". The credential, or why the text is not one (empty `principal`).
struct CredentialOutcome {
  std::optional<OperatorCredential> credential;
  std::string error;
};
CredentialOutcome ParseCredential(const std::string& text);

// The manifest's key/value pairs, in order.
ParameterList FromMesos(const mesos::Parameters& parameters);

}  // namespace mesos_policy::adapter
