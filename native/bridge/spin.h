// Polite, bounded spinning: the "spin" half of spin-then-block. A thread that expects its event
// within a few microseconds checks for it here instead of sleeping at once, because a futex/eventfd
// wake-up of a sleeping thread costs tens of microseconds on an idle VM (the idle vCPU halts).
// Every round pauses the core (PAUSE / YIELD) and every few µs the thread yields, so a thread that
// must run for the event to happen (the loop thread answering) is not kept off a shared core.
// Spinning only pays on a calm machine: once the spinner finds it was descheduled (a yield or a
// preemption that took longer than kDescheduled), the spin ends and reports contention — on a busy
// machine a yield hands the core to other processes for whole time slices (ms), whereas a sleeping
// thread is woken, cheaply there, with the scheduler's preference for sleepers.
#pragma once

#include <chrono>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace mesos_policy::bridge {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// Spins until `ready()`, `until`, or contention (`*contended` set; `contended` null: spins on
// regardless); returns ready()'s last answer.
// `ready` must be cheap (an atomic load). Reads the clock every few rounds only (a steady_clock read
// costs ~50 ns on the VM, a PAUSE ~60 ns).
template <typename Ready>
bool SpinUntil(std::chrono::steady_clock::time_point until, Ready ready, bool* contended) {
  constexpr unsigned kClockEvery = 8;
  constexpr unsigned kYieldEvery = 128;  // ~8 µs of PAUSEs here
  constexpr std::chrono::microseconds kDescheduled{50};
  auto last = std::chrono::steady_clock::now();
  for (unsigned round = 1;; ++round) {
    if (ready()) return true;
    if (round % kYieldEvery == 0) {
      std::this_thread::yield();
    } else {
      CpuRelax();
    }
    if (round % kClockEvery != 0) continue;
    const auto now = std::chrono::steady_clock::now();
    if (contended != nullptr && now - last > kDescheduled) {
      *contended = true;
      return ready();
    }
    if (now >= until) return ready();
    last = now;
  }
}

}  // namespace mesos_policy::bridge
