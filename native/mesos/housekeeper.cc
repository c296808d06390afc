#include "housekeeper.h"

#include <glog/logging.h>

#include <algorithm>

#include "policy_host.h"

namespace mesos_policy::adapter {

constexpr std::chrono::milliseconds Housekeeper::kStatsInterval;

Housekeeper::Housekeeper(PolicyHost& host)
    : host_(host),
      gauges_(host.config().kind),
      watch_(host.config().reload_check.count() > 0 ? std::optional<BundleWatch>(BundleWatch(host.config().policy))
                                                     : std::nullopt),
      thread_([this] { Run(); }) {}

Housekeeper::~Housekeeper() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Housekeeper::Run() {
  using Clock = std::chrono::steady_clock;
  const std::chrono::milliseconds check_every = host_.config().reload_check;
  Clock::time_point next_stats = Clock::now() + kStatsInterval;
  Clock::time_point next_check = watch_ ? Clock::now() + check_every : Clock::time_point::max();
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (wake_.wait_until(lock, std::min(next_stats, next_check), [this] { return stopping_; })) break;
    lock.unlock();
    const Clock::time_point now = Clock::now();
    if (now >= next_check) {
      // A reload first, so the stats that follow are the new runtime's.
      CheckBundle();
      next_check = Clock::now() + check_every;
    }
    if (now >= next_stats) {
      PollStats();
      next_stats = Clock::now() + kStatsInterval;
    }
    lock.lock();
  }
}

void Housekeeper::PollStats() {
  protocol::Request request;
  request.mutable_control()->mutable_stats();
  PolicyHost::Reply reply = host_.Call(std::move(request));
  // A runtime that is down or busy answers next time; the supervisor's gauges already say why.
  if (!reply.ok() || !reply.response.has_control() || !reply.response.control().has_stats()) return;
  RuntimeStatsGauges::Counters counters;
  for (const auto& counter : reply.response.control().stats().counters()) counters.emplace_back(counter.name(), counter.value());
  gauges_.Update(counters, std::chrono::steady_clock::now());
}

bool Housekeeper::CheckBundle() {
  if (!watch_ || !watch_->Check()) return false;
  const std::string kind = ModuleKindName(host_.config().kind);
  LOG(INFO) << "mesos-policy " << kind << ": the policy bundle " << watch_->path() << " changed; reloading it";
  std::string error = host_.Reload();
  if (!error.empty()) {
    LOG(ERROR) << "mesos-policy " << kind << ": reloading " << watch_->path()
               << " failed; the previous policy keeps serving: " << error;
  }
  return true;
}

}  // namespace mesos_policy::adapter
