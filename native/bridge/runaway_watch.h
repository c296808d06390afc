// Interrupts JavaScript that runs for too long with no caller owning it — a loop started from a
// timer, an I/O callback or a promise job — logs what it was, and lets the runtime keep serving.
//
// The loop's turn (ExecutionControl::turn) moves at every loop iteration and every call. The
// watchdog thread Tick()s; while the turn stands still it probes with a V8 interrupt, which runs
// only while JavaScript executes. Two probes answered in the same turn at least `budget` apart mean
// the loop has been inside JavaScript all that time (it cannot have waited for I/O in between
// without moving the turn): the second probe terminates that run. A probe that waits while the loop
// is idle is answered at the next entry into JavaScript and merely starts a new measurement.
#pragma once

#include <uv.h>

#include <atomic>
#include <chrono>
#include <cstdint>

#include "execution_control.h"
#include "log.h"

namespace mesos_policy::bridge {

class RunawayWatch {
 public:
  using Clock = std::chrono::steady_clock;

  // `budget` zero: never interrupts. `log` must outlive the watch.
  RunawayWatch(ExecutionControl& control, std::chrono::milliseconds budget, const LogFn& log);
  RunawayWatch(const RunawayWatch&) = delete;
  RunawayWatch& operator=(const RunawayWatch&) = delete;

  // How often the watchdog thread should Tick(): a tenth of the budget, within [5 ms, 250 ms].
  Clock::duration tick_period() const;

  // Loop thread: prepare/check handles on `loop` (unreferenced) move the turn every iteration.
  // Close() must run before the loop is closed; the handles close on its next iterations.
  int Start(uv_loop_t* loop);
  void Close();
  bool closed() const { return open_handles_ == 0; }

  // Watchdog thread, every tick_period().
  void Tick();

 private:
  static void OnInterrupt(v8::Isolate* isolate, void* data);
  void Probe(v8::Isolate* isolate);
  void Log(const std::string& text);

  ExecutionControl& control_;
  const std::chrono::milliseconds budget_;
  const LogFn& log_;

  uv_prepare_t prepare_{};
  uv_check_t check_{};
  int open_handles_ = 0;

  // Watchdog thread.
  uint64_t tick_turn_ = 0;
  std::atomic<bool> probe_pending_{false};
  // Loop thread (inside the interrupt).
  uint64_t probe_turn_ = ~uint64_t{0};
  Clock::time_point first_probe_at_{};
};

}  // namespace mesos_policy::bridge
