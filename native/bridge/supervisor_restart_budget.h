// The restart budget of a PolicySupervisor: how long to wait before the next restart, and when to
// give up (a policy that keeps dying would otherwise burn a core restarting forever).
#pragma once

#include <chrono>
#include <deque>
#include <string>

#include "supervisor_options.h"

namespace mesos_policy::bridge {

class RestartBudget {
 public:
  using Clock = std::chrono::steady_clock;

  struct Decision {
    bool give_up = false;
    std::chrono::milliseconds delay{0};  // wait this long, then restart
    int recent = 0;                      // restarts already made within the window
  };

  explicit RestartBudget(RestartPolicy policy) : policy_(policy) {}

  // The runtime stopped at `now`. Unless the budget is spent, counts a restart made at `now`.
  Decision Next(Clock::time_point now);
  // After a successful Reload: the new bundle starts with the whole budget.
  void Reset() { restarts_.clear(); }
  // The error calls get once the budget is spent.
  std::string GiveUpMessage(const std::string& last_reason) const;

 private:
  const RestartPolicy policy_;
  std::deque<Clock::time_point> restarts_;  // within the window, oldest first
};

}  // namespace mesos_policy::bridge
