// Requests from host threads to the loop thread: a locked queue plus a wake-up (uv_async_send).
//
// A wake-up is sent only when the queue goes from empty to non-empty and the loop is not polling.
// With a spin window (RuntimeOptions::spin_wait) the loop, after serving a batch, polls the queue
// for that long before going back to libuv (BeginPolling … Poll … EndPolling); a request pushed
// meanwhile is taken by the poll and costs no wake-up. The polling flag is read and written under
// the queue's lock, and EndPolling wakes the loop itself if requests came in after the last poll,
// so no request is ever stranded.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "request.h"

namespace mesos_policy::bridge {

class RequestQueue {
 public:
  using Batch = std::deque<std::shared_ptr<Request>>;
  using Clock = std::chrono::steady_clock;

  // `spin_wait`: how long each side spins before sleeping (zero: never; RuntimeOptions::spin_wait);
  // `spin_on_busy_machine`: NoteContention does not turn spinning off.
  explicit RequestQueue(std::chrono::microseconds spin_wait = std::chrono::microseconds::zero(),
                        bool spin_on_busy_machine = false)
      : spin_wait_(spin_wait), spin_on_busy_machine_(spin_on_busy_machine), spin_slots_free_(SpinSlots()) {}

  // Starts accepting requests; `wake` is called under the queue's lock, so it is never called
  // after Close() returns (the loop can then close the handle `wake` uses).
  void Open(std::function<void()> wake);
  // Stops accepting requests and returns those still queued.
  Batch Close();

  // False when the queue is not open (the runtime is not serving).
  bool Push(std::shared_ptr<Request> request);
  Batch TakeAll();
  bool open();

  std::chrono::microseconds spin_wait() const { return spin_wait_; }
  // spin_wait, or zero during a calm-down, which starts once spins have kept finding
  // the machine busy (NoteSpin: descheduled for long) for kBusyFor, with never kCalmSpinsInARow
  // calm ones in between: there a wake-up is cheap and a spinner only takes the CPU from others.
  // Contention that passes is no sign: a VM's vCPU is preempted now and then, and a spinner's yield
  // hands its core to the runtime's own threads (V8's background compile jobs, GC helpers) for a
  // ms or a few (on an idle 2-core VM 1-3% of spins, in bursts; the earlier rule, three contended
  // spins in a row, had spinning off for a fifth of the hook calls there). On a busy machine nearly
  // every spin is descheduled, for as long as it stays busy.
  // While thread wake-ups are slow (NoteWakeUp), the window is longer than spin_wait: as long as two
  // of them, at most kMaxWakeUpSpin. The caller's window; the loop's is poll_now.
  std::chrono::microseconds spin_now() const;
  // The loop's poll window after a batch: spin_now after it answered a caller that slept (that
  // caller comes back once woken, slowly in a slow spell), else spin_wait (zero in a calm-down):
  // an isolated call's caller spins through its answer, and a longer poll after it would only
  // burn CPU until the next call, which is not coming soon.
  std::chrono::microseconds poll_now(bool answered_a_sleeper) const;
  // After a spin (either side): whether it found the machine busy.
  void NoteSpin(bool contended);
  // A blocking caller that slept for its answer: how long its wake-up took. On a VM whose host is
  // busy a wake-up takes hundreds of µs, longer than spin_wait; then each side's window runs out
  // while the other is being woken, so each hand-off needs a wake-up, which lets the next window
  // run out too: a chain of wake-ups that lasts as long as they stay slow (bench: a fifth of the
  // hook calls, at ~350 µs each, in such spells). A wake-up longer than half of spin_wait widens
  // both sides' windows to twice it (at most kMaxWakeUpSpin) for kWakeUpSpinFor, renewed by each
  // slow one, so the hand-offs after it are caught spinning (the loop's only after it woke a
  // caller: poll_now). On a calm host wake-ups take 30-60 µs and nothing changes.
  void NoteWakeUp(std::chrono::nanoseconds latency);
  static constexpr std::chrono::microseconds kMaxWakeUpSpin{1000};
  static constexpr std::chrono::milliseconds kWakeUpSpinFor{100};
  static constexpr std::chrono::milliseconds kBusyFor{10};
  static constexpr int kCalmSpinsInARow = 8;
  static constexpr std::chrono::milliseconds kMinCalmDown{20};
  static constexpr std::chrono::milliseconds kMaxCalmDown{200};
  // A busy spell this soon after the last calm-down ended doubles the next calm-down.
  static constexpr std::chrono::milliseconds kBusyAgainWithin{100};
  bool spin_on_busy_machine() const { return spin_on_busy_machine_; }
  // The length of the latest calm-down (zero before the first).
  std::chrono::nanoseconds last_calm_down() const { return std::chrono::nanoseconds(calm_down_ns_.load(std::memory_order_relaxed)); }

  // Blocking callers: one may spin for its answer only while it holds a spin slot (half the
  // hardware threads, at least one): more spinning callers than free cores would take the CPU the
  // loop thread needs to answer them. Returns false when all are taken (then it sleeps at once).
  bool TakeSpinSlot();
  void ReturnSpinSlot();

  // Loop thread. BeginPolling takes what is queued and marks the loop as polling: Push sends no
  // wake-up until EndPolling. Poll spins (spin.h) until a request is queued or `until` (or
  // contention, noted), then takes what is queued. EndPolling clears the mark and, if requests are queued, wakes the loop for them.
  Batch BeginPolling();
  Batch Poll(Clock::time_point until);
  void EndPolling();
  // Loop thread, before it wakes itself to come back to polling after one libuv iteration (a turn
  // cut short while requests keep coming): requests pushed until it takes the queue again need no
  // wake-up of their own. A caller that spun through its answer pushes its next call right then.
  void ResumeSoon();

  // Wake-ups sent, requests taken by a poll (they needed none), and blocking calls whose answer
  // came while their caller spun (it was not woken).
  struct Counters {
    uint64_t wakeups = 0;
    uint64_t polled = 0;
    uint64_t answered_while_spinning = 0;
    uint64_t contended = 0;  // spins cut short because the machine was busy
    uint64_t slow_wakeups = 0;  // wake-ups that widened the windows (NoteWakeUp)
  };
  Counters counters();
  void CountAnsweredWhileSpinning() { answered_while_spinning_.fetch_add(1, std::memory_order_relaxed); }

 private:
  static int SpinSlots();
  // Takes everything queued; the caller holds mutex_.
  Batch TakeLocked();

  const std::chrono::microseconds spin_wait_;
  const bool spin_on_busy_machine_;
  std::mutex mutex_;
  Batch queue_;
  std::atomic<bool> queued_{false};  // !queue_.empty(), for a polling loop (written under mutex_)
  std::atomic<int> spin_slots_free_;
  bool polling_ = false;
  bool resume_pending_ = false;  // ResumeSoon's wake-up is on its way; cleared when the queue is taken
  std::function<void()> wake_;  // empty while closed
  Counters counters_;
  std::atomic<uint64_t> answered_while_spinning_{0};
  std::atomic<uint64_t> contended_{0};
  // NoteSpin's state: a heuristic, so races between spinners are harmless.
  std::atomic<int64_t> busy_since_ns_{0};  // the first contended spin of the current busy spell; 0: none
  std::atomic<int> calm_in_a_row_{0};
  std::atomic<int64_t> calm_down_ns_{0};  // the last calm-down's length
  std::atomic<int64_t> calm_from_ns_{0};  // steady_clock: no spinning before this
  // NoteWakeUp's state, a heuristic as well.
  std::atomic<int64_t> wake_up_spin_ns_{0};    // the widened window
  std::atomic<int64_t> wake_up_spin_until_{0};  // steady_clock: widened until this
  std::atomic<uint64_t> slow_wakeups_{0};
};

}  // namespace mesos_policy::bridge
