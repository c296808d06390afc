// Housekeeper: one thread per module that, beside the module's own calls,
//   - asks the runtime for its counters (ControlCall.Stats) every second and publishes them
//     (RuntimeStatsGauges), warning when the policy's errors grow;
//   - with reload_check_ms > 0, watches the bundle file (BundleWatch) and reloads it in place
//     (PolicySupervisor::Reload through PolicyHost::Reload): the old policy serves until the new one
//     has loaded, a bundle that does not load leaves the old one serving (logged, counted in
//     mesos_policy/<kind>/runtime/failed_reloads), and a successful reload is a fresh runtime like a
//     restart (the allocator re-sends its state).
// Its own thread because Reload blocks for a runtime start (~100-200 ms) and Stats for up to the
// call timeout: neither may hold a libprocess worker or the master's actor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "bundle_watch.h"
#include "runtime_stats.h"

namespace mesos_policy::adapter {

class PolicyHost;

class Housekeeper {
 public:
  static constexpr std::chrono::milliseconds kStatsInterval{1000};

  // `host` must outlive this object; the thread starts at once.
  explicit Housekeeper(PolicyHost& host);
  ~Housekeeper();  // stops the thread; waits for a Stats call or a Reload under way
  Housekeeper(const Housekeeper&) = delete;
  Housekeeper& operator=(const Housekeeper&) = delete;

  // One round, as the thread runs it (tests call these directly on a host without a thread).
  void PollStats();
  // True when the bundle changed and a reload was attempted.
  bool CheckBundle();

 private:
  void Run();

  PolicyHost& host_;
  RuntimeStatsGauges gauges_;
  std::optional<BundleWatch> watch_;  // only with reload_check_ms > 0
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace mesos_policy::adapter
