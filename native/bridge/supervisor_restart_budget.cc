#include "supervisor_restart_budget.h"

#include <algorithm>

namespace mesos_policy::bridge {

RestartBudget::Decision RestartBudget::Next(Clock::time_point now) {
  while (!restarts_.empty() && now - restarts_.front() >= policy_.window) restarts_.pop_front();
  Decision decision;
  decision.recent = static_cast<int>(restarts_.size());
  if (decision.recent >= policy_.max_restarts) {
    decision.give_up = true;
    return decision;
  }
  if (decision.recent > 0) {
    // first_backoff × 2^(recent-1), without overflowing on a long streak.
    auto delay = policy_.first_backoff;
    for (int i = 1; i < decision.recent && delay < policy_.max_backoff; ++i) delay *= 2;
    decision.delay = std::min(delay, policy_.max_backoff);
  }
  restarts_.push_back(now);
  return decision;
}

std::string RestartBudget::GiveUpMessage(const std::string& last_reason) const {
  return "the policy runtime stopped again after " + std::to_string(policy_.max_restarts) + " restarts within " +
         std::to_string(policy_.window.count()) + " ms; not restarting it (a successful Reload() starts a fresh " +
         "one). Last stop: " + last_reason;
}

const char* FreshRuntimeWhyName(FreshRuntime::Why why) {
  return why == FreshRuntime::Why::kReload ? "reload" : "restart";
}

}  // namespace mesos_policy::bridge
