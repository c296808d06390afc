#include "machine_floor.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace mesos_policy::bench {
namespace {

using Clock = std::chrono::steady_clock;

// A dependent chain of multiply-adds: neither vectorised nor folded away (the result is kept).
double Work(long steps) {
  double x = 1;
  for (long i = 0; i < steps; i++) x = x * 1.0000001 + 1e-9;
  return x;
}

std::atomic<double> sink{0};

// Steps of Work taking `us` on this CPU: the median of repeated timings, so a preempted timing does
// not skew it.
long StepsFor(double us) {
  constexpr long kProbe = 20000;
  std::vector<double> per_step_us;
  for (int i = 0; i < 31; i++) {
    const auto before = Clock::now();
    sink.store(Work(kProbe), std::memory_order_relaxed);
    per_step_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - before).count() / kProbe);
  }
  std::nth_element(per_step_us.begin(), per_step_us.begin() + per_step_us.size() / 2, per_step_us.end());
  return std::max(1L, static_cast<long>(us / per_step_us[per_step_us.size() / 2]));
}

}  // namespace

std::vector<double> HandOffRoundTrips(double caller_us, double server_us, int calls) {
  const long caller_steps = StepsFor(caller_us);
  const long server_steps = StepsFor(server_us);
  std::atomic<int> asked{0};
  std::atomic<int> answered{0};
  std::thread server([&] {
    for (int served = 0; served < calls;) {
      if (asked.load(std::memory_order_acquire) == served) continue;
      sink.store(Work(server_steps), std::memory_order_relaxed);
      answered.store(++served, std::memory_order_release);
    }
  });
  std::vector<double> round_trips;
  round_trips.reserve(calls);
  for (int call = 1; call <= calls; call++) {
    const auto before = Clock::now();
    sink.store(Work(caller_steps), std::memory_order_relaxed);
    asked.store(call, std::memory_order_release);
    while (answered.load(std::memory_order_acquire) != call) {
    }
    round_trips.push_back(std::chrono::duration<double, std::micro>(Clock::now() - before).count());
  }
  server.join();
  return round_trips;
}

}  // namespace mesos_policy::bench
