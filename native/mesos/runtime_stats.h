// The policy runtime's own counters (ControlCall.Stats: allocator/policy_errors/<stage>,
// hooks/errors/<hook>, ...) as gauges in the daemon's /metrics/snapshot, and a rate-limited
// warning when the policy's errors grow. Mesos would otherwise never see a stage that throws:
// the engine falls back to Mesos's rule and the call itself succeeds.
//
// Names: the runtime's `<section>/<rest>` for the module's own section (allocator/, hooks/,
// isolator/) → mesos_policy/<kind>/<rest> (mesos_policy/allocator/policy_errors/score,
// mesos_policy/hook/errors/masterLaunchTaskLabelDecorator); any other name N, or a <rest> that
// would shadow one of the adapter's counters → mesos_policy/<kind>/policy/N. The values are the
// current runtime's: they start again from 0 after a restart or a reload.
#pragma once

#include <process/metrics/pull_gauge.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "module_params.h"

namespace mesos_policy::adapter {

// Whether a runtime counter counts the policy's own failures (a stage, hook or isolator method threw).
bool IsPolicyErrorCounter(const std::string& name);

// The metric name for the runtime counter `name` of a `kind` module.
std::string RuntimeCounterMetricName(ModuleKind kind, const std::string& name);

class RuntimeStatsGauges {
 public:
  using Counters = std::vector<std::pair<std::string, double>>;
  using Clock = std::chrono::steady_clock;

  explicit RuntimeStatsGauges(ModuleKind kind, std::chrono::seconds warn_every = std::chrono::seconds(60));
  ~RuntimeStatsGauges();
  RuntimeStatsGauges(const RuntimeStatsGauges&) = delete;
  RuntimeStatsGauges& operator=(const RuntimeStatsGauges&) = delete;

  // One Stats answer: updates the gauges (adds one per new name) and may log the warning. Returns
  // the warning it logged, "" if none (for tests). One thread at a time.
  std::string Update(const Counters& counters, Clock::time_point now);

  // The value a gauge shows now (tests); nothing for an unknown metric name.
  std::optional<double> Value(const std::string& metric) const;

 private:
  using Values = std::map<std::string, double>;  // metric name → value
  const ModuleKind kind_;
  const std::chrono::seconds warn_every_;
  std::shared_ptr<std::mutex> mutex_ = std::make_shared<std::mutex>();  // shared with the gauges
  std::shared_ptr<Values> values_ = std::make_shared<Values>();
  std::vector<process::metrics::PullGauge> gauges_;
  std::map<std::string, double> last_errors_;     // runtime name → last value seen
  std::map<std::string, double> unreported_;      // growth not yet warned about
  std::optional<Clock::time_point> last_warning_;
};

}  // namespace mesos_policy::adapter
