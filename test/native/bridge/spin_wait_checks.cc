#include "spin_wait_checks.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "blocking_call.h"
#include "check.h"
#include "request_queue.h"
#include "runtime.h"

namespace mesos_policy::testing {
namespace {

namespace bridge = mesos_policy::bridge;
using bridge::PolicyRuntime;
using bridge::Request;
using bridge::RequestQueue;
using bridge::Result;
using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;
using std::chrono::milliseconds;

std::shared_ptr<Request> NewRequest() { return std::make_shared<Request>("m", "p"); }

// The queue's protocol with a counting wake-up in place of uv_async_send.
void QueueChecks() {
  RequestQueue queue(microseconds(50), true);
  Check(queue.spin_now() == microseconds(50), "queue: a calm queue spins for its spin_wait");
  std::atomic<int> wakes{0};
  queue.Open([&] { wakes++; });

  queue.Push(NewRequest());
  Check(wakes == 1, "queue: a push into an empty queue wakes the loop when it does not poll");
  auto batch = queue.BeginPolling();
  Check(batch.size() == 1, "queue: BeginPolling takes what is queued");
  queue.Push(NewRequest());
  Check(wakes == 1, "queue: a push while the loop polls sends no wake-up");
  batch = queue.Poll(Clock::now() + milliseconds(1000));
  Check(batch.size() == 1 && queue.counters().polled == 1, "queue: the poll takes the request pushed meanwhile");
  const auto before = Clock::now();
  batch = queue.Poll(Clock::now() + microseconds(200));
  Check(batch.empty() && (Clock::now() - before >= microseconds(200) || queue.counters().contended > 0),
        "queue: a poll with nothing queued ends at its window (or early, when descheduled)");
  queue.Push(NewRequest());  // after the last poll looked, before polling ends
  Check(wakes == 1, "queue: a push after the last poll, while still polling, sends no wake-up yet");
  queue.EndPolling();
  Check(wakes == 2, "queue: EndPolling wakes the loop for a request pushed after the last poll (none stranded)");
  batch = queue.BeginPolling();
  queue.EndPolling();
  Check(batch.size() == 1 && wakes == 2, "queue: EndPolling with nothing queued sends no wake-up");
  queue.Push(NewRequest());
  Check(wakes == 3 && queue.counters().wakeups == 3, "queue: after polling ended a push wakes the loop again");
  batch = queue.BeginPolling();
  queue.ResumeSoon();
  queue.EndPolling();
  queue.Push(NewRequest());
  Check(wakes == 3, "queue: while the loop's own wake-up to resume polling is on its way, a push sends none");
  batch = queue.TakeAll();
  queue.Push(NewRequest());
  Check(batch.size() == 1 && wakes == 4, "queue: once the loop has taken the queue again, a push wakes it as before");
  queue.TakeAll();
  queue.NoteSpin(true);
  Check(queue.spin_now() == microseconds(50), "queue: spin_on_busy_machine: contention leaves spinning on");
  RequestQueue calm(microseconds(50));
  // Bursts of descheduled spins with calm ones between (a VM's vCPU preempted, the runtime's own GC
  // threads taking a core for a moment) leave spinning on, however long it goes on.
  for (int burst = 0; burst < 8; burst++) {
    for (int i = 0; i < 5; i++) calm.NoteSpin(true);
    std::this_thread::sleep_for(RequestQueue::kBusyFor / 4);
    for (int i = 0; i < RequestQueue::kCalmSpinsInARow; i++) calm.NoteSpin(false);
  }
  Check(calm.spin_now() == microseconds(50) && calm.counters().contended == 40,
        "queue: bursts of contended spins between calm ones leave spinning on");
  calm.NoteSpin(true);
  for (int i = 0; i < RequestQueue::kCalmSpinsInARow - 1; i++) calm.NoteSpin(false);
  std::this_thread::sleep_for(RequestQueue::kBusyFor + milliseconds(1));
  calm.NoteSpin(true);
  Check(calm.spin_now() == microseconds(0) && calm.last_calm_down() == RequestQueue::kMinCalmDown,
        "queue: spins that keep finding the machine busy for kBusyFor (calm ones too few in a row to end it): nobody spins for kMinCalmDown");
  std::this_thread::sleep_for(RequestQueue::kMinCalmDown + milliseconds(1));
  Check(calm.spin_now() == microseconds(50), "queue: spinning resumes after the calm-down");
  calm.NoteSpin(true);
  std::this_thread::sleep_for(RequestQueue::kBusyFor + milliseconds(1));
  calm.NoteSpin(true);
  Check(calm.spin_now() == microseconds(0) && calm.last_calm_down() == 2 * RequestQueue::kMinCalmDown,
        "queue: busy again soon after a calm-down: the next one is twice as long");

  // Slow wake-ups widen both sides' windows for a while (NoteWakeUp).
  RequestQueue waking(microseconds(100));
  waking.NoteWakeUp(microseconds(50));
  Check(waking.spin_now() == microseconds(100) && waking.counters().slow_wakeups == 0,
        "queue: a wake-up within half the spin_wait changes nothing");
  waking.NoteWakeUp(microseconds(300));
  Check(waking.spin_now() == microseconds(600) && waking.counters().slow_wakeups == 1,
        "queue: a slow wake-up widens the window to twice its length");
  Check(waking.poll_now(true) == microseconds(600) && waking.poll_now(false) == microseconds(100),
        "queue: the loop polls longer only after it woke a caller (an isolated call's caller spun)");
  waking.NoteWakeUp(microseconds(200));
  Check(waking.spin_now() == microseconds(600), "queue: within a slow spell the widest window stays");
  waking.NoteWakeUp(milliseconds(5));
  Check(waking.spin_now() == RequestQueue::kMaxWakeUpSpin, "queue: the widened window is at most kMaxWakeUpSpin");
  std::this_thread::sleep_for(RequestQueue::kWakeUpSpinFor + milliseconds(5));
  Check(waking.spin_now() == microseconds(100), "queue: kWakeUpSpinFor after the last slow wake-up, the window is spin_wait again");
  RequestQueue never(microseconds(0));
  never.NoteWakeUp(milliseconds(5));
  Check(never.spin_now() == microseconds(0) && never.counters().slow_wakeups == 0, "queue: without spinning, slow wake-ups change nothing");

  queue.Close();
  queue.BeginPolling();
  Check(!queue.Push(NewRequest()), "queue: a closed queue refuses requests while polling too");
  queue.EndPolling();
  Check(wakes == 4, "queue: a closed queue never wakes");
}

// The caller's spin: an answer during the spin, a deadline that passes during it, the spin slots.
void AwaitChecks() {
  auto answered = NewRequest();
  std::thread loop([&] {
    answered->Begin();
    std::this_thread::sleep_for(microseconds(100));
    answered->Finish(Result::Ok("a"));
  });
  bool contended = false;
  const bool spun_to_answer = answered->SpinUntilAnswered(Clock::now() + milliseconds(2000), &contended);
  Request::State left = Request::State::kQueued;
  auto result = answered->Await(Clock::now() + milliseconds(5000), &left);
  loop.join();
  Check(result && result->ok() && result->value == "a" && (spun_to_answer || contended),
        "caller: an answer that comes while the caller spins is taken");

  // BlockingCall with a 100 ms spin and a 5 ms deadline, nobody serving: it returns at the deadline.
  RequestQueue queue(milliseconds(100), true);
  queue.Open([] {});
  auto unanswered = NewRequest();
  const auto start = Clock::now();
  Result r = bridge::BlockingCall(queue, unanswered, milliseconds(5), nullptr, [] { return "closed"; });
  const double took = MsSince(start);
  Check(r.status == Result::Status::kTimeout && Contains(r.value, "while queued") && took >= 5 && took < 80 &&
            unanswered->abandoned(),
        "caller: a deadline shorter than the spin ends the call at the deadline, abandoned",
        Show(r) + " after " + std::to_string(took) + " ms");
  unanswered->Finish(Result::Ok("late"));
  Check(unanswered->abandoned(), "caller: a late answer to an abandoned request is dropped");

  // A caller whose spin_wait runs out while the loop runs its request spins on (kSpinWhileRunning);
  // one whose request is still queued sleeps. Margins of tens of ms: the checks run beside builds.
  const auto served_after = [](RequestQueue& q, bool begin_at_once, milliseconds answer_at) {
    return std::thread([&q, begin_at_once, answer_at] {
      const auto start = Clock::now();
      RequestQueue::Batch batch;
      while ((batch = q.TakeAll()).empty()) std::this_thread::yield();
      if (begin_at_once) batch[0]->Begin();
      std::this_thread::sleep_until(start + answer_at);
      if (!begin_at_once) batch[0]->Begin();
      batch[0]->Finish(Result::Ok("late"));
    });
  };
  static_assert(bridge::kSpinWhileRunning * 20 > 30, "the running request's answer must come within the longer spin");
  RequestQueue running(milliseconds(20), true);
  running.Open([] {});
  std::thread server = served_after(running, true, milliseconds(30));
  r = bridge::BlockingCall(running, NewRequest(), milliseconds(5000), nullptr, [] { return "closed"; });
  server.join();
  Check(r.ok() && running.counters().answered_while_spinning == 1,
        "caller: a request the loop runs past the spin_wait is still answered while the caller spins", Show(r));
  RequestQueue queued(milliseconds(20), true);
  queued.Open([] {});
  server = served_after(queued, false, milliseconds(30));
  r = bridge::BlockingCall(queued, NewRequest(), milliseconds(5000), nullptr, [] { return "closed"; });
  server.join();
  Check(r.ok() && queued.counters().answered_while_spinning == 0,
        "caller: a request still queued at the end of the spin_wait is waited for asleep", Show(r));
  // Its wake-up took far less than half its 20 ms spin_wait (even on a loaded machine).
  Check(queued.counters().slow_wakeups == 0 && queued.spin_now() == milliseconds(20),
        "caller: a quick wake-up leaves the spin window as it was");

  // The wake-up latency a sleeping caller measures: from the answer to the caller running again.
  auto slept = NewRequest();
  std::thread answer_later([&] {
    std::this_thread::sleep_for(milliseconds(20));
    slept->Begin();
    slept->Finish(Result::Ok("x"));
  });
  left = Request::State::kQueued;
  result = slept->Await(Clock::now() + milliseconds(5000), &left);
  answer_later.join();
  Check(result && result->ok() && slept->wake_up_latency() > Request::Clock::duration::zero() &&
            slept->wake_up_latency() < milliseconds(1000),
        "caller: a caller asleep for its answer knows how long its wake-up took",
        std::to_string(std::chrono::duration_cast<microseconds>(slept->wake_up_latency()).count()) + " us");
  auto ready = NewRequest();
  ready->Begin();
  ready->Finish(Result::Ok("y"));
  result = ready->Await(Clock::now() + milliseconds(5000), &left);
  Check(result && result->ok() && ready->wake_up_latency() == Request::Clock::duration::zero(),
        "caller: an answer there before the caller waits involves no wake-up");

  int slots = 0;
  while (slots < 1000 && queue.TakeSpinSlot()) slots++;
  const int expected = std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2));
  for (int i = 0; i < slots; ++i) queue.ReturnSpinSlot();
  Check(slots == expected && queue.TakeSpinSlot(), "caller: at most half the hardware threads (at least one) spin at once",
        std::to_string(slots) + " slots");
  queue.ReturnSpinSlot();
}

// Spinning on a busy machine too (the checks run beside other builds): the protocol's checks must
// not depend on the load.
PolicyRuntime::Started Start(const std::string& fixtures, microseconds spin) {
  bridge::RuntimeOptions options;
  options.bundle = fixtures + "/policy.js";
  options.spin_wait = spin;
  options.spin_on_busy_machine = true;
  return PolicyRuntime::Start(std::move(options));
}

void PollingRuntimeChecks(const std::string& fixtures) {
  // A long window, so that the calls below surely come while the loop polls.
  auto started = Start(fixtures, milliseconds(100));
  Check(started.runtime != nullptr, "a runtime with spin_wait 100 ms starts", started.error);
  if (!started.runtime) return;
  PolicyRuntime& rt = *started.runtime;
  Result first = rt.Call("echo", "1", milliseconds(5000));
  const auto woken = rt.queue_counters();
  bool all_ok = first.ok();
  for (int i = 0; i < 10; ++i) all_ok = all_ok && rt.Call("echo", std::to_string(i), milliseconds(5000)).value == std::to_string(i);
  const auto after = rt.queue_counters();
  // Most, not all: a caller descheduled past the loop's turn (on a loaded machine) needs a wake-up.
  Check(all_ok && after.polled >= woken.polled + 5 && after.wakeups + after.polled == woken.wakeups + woken.polled + 10,
        "requests arriving while the loop polls are served without a wake-up",
        std::to_string(after.wakeups - woken.wakeups) + " wake-ups, " + std::to_string(after.polled - woken.polled) + " polled of 10");

  // The caller spins up to 100 ms; its 20 ms deadline still ends the call, and interrupts it.
  const auto start = Clock::now();
  Result r = rt.Call("busy", "400", milliseconds(20));
  const double took = MsSince(start);
  Check(r.status == Result::Status::kTimeout && Contains(r.value, "interrupted") && took >= 19 && took < 90,
        "a blocking call whose deadline passes while its caller spins times out at the deadline",
        Show(r) + " after " + std::to_string(took) + " ms");
  r = rt.Call("echo", "after", milliseconds(5000));
  Check(r.ok() && r.value == "after", "the runtime serves after that time-out", Show(r));

  // An async call's promise answered from a timer: the loop must leave its poll for libuv.
  r = rt.Call("sleepEcho", "5", milliseconds(5000));
  Check(r.ok() && r.value == "5", "a promise settled by a timer is answered (the loop leaves its poll for libuv)", Show(r));
}

void WakeUpRuntimeChecks(const std::string& fixtures) {
  auto started = Start(fixtures, microseconds(200));
  Check(started.runtime != nullptr, "a runtime with spin_wait 200 us starts", started.error);
  if (!started.runtime) return;
  PolicyRuntime& rt = *started.runtime;
  bool all_ok = true;
  const auto before = rt.queue_counters();
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(milliseconds(20));  // the loop's poll (200 µs, at most 1 ms a turn) is over
    all_ok = all_ok && rt.Call("echo", std::to_string(i), milliseconds(5000)).value == std::to_string(i);
  }
  const auto after = rt.queue_counters();
  Check(all_ok && after.wakeups == before.wakeups + 3,
        "a request arriving after the loop's polling ended is served through a wake-up",
        std::to_string(after.wakeups - before.wakeups) + " wake-ups for 3 calls");

  // Back-to-back calls that each outlast the loop's longest turn (here 500 µs, the window): the loop
  // wakes itself to go on polling after one libuv iteration, so they still need (almost) no
  // wake-ups. The window is wide so that a caller woken late on a loaded machine still comes back
  // within it (with 50 µs, a CI run under load once saw 166 wake-ups).
  started.runtime.reset();
  started = Start(fixtures, microseconds(500));
  if (!started.runtime) return;
  const auto back_to_back = started.runtime->queue_counters();
  all_ok = true;
  for (int i = 0; i < 300; ++i) all_ok = all_ok && started.runtime->Call("busy", "1", milliseconds(5000)).value == "done";
  const auto wakeups = started.runtime->queue_counters().wakeups - back_to_back.wakeups;
  Check(all_ok && wakeups < 150, "300 back-to-back 1 ms calls with a 500 us window: the loop polls on across its turns",
        std::to_string(wakeups) + " wake-ups");

  // Short calls with pauses between them (the host's own work, as a master builds its next hook
  // call): the loop's turn mostly ends while it polls for the next call, not while it serves. It
  // then wakes itself to poll out the window after one libuv iteration; before, it slept, and the
  // next call woke it (most turns here: 60–100 wake-ups).
  {
    const auto pauses = started.runtime->queue_counters();
    all_ok = true;
    for (int i = 0; i < 600; ++i) {
      all_ok = all_ok && started.runtime->Call("busyUs", "10", milliseconds(5000)).value == "done";
      const auto resume = Clock::now() + microseconds(80);
      while (Clock::now() < resume) {
      }
    }
    const auto wakeups = started.runtime->queue_counters().wakeups - pauses.wakeups;
    Check(all_ok && wakeups < 20, "600 short calls 80 us apart with a 500 us window: a turn that ends mid-poll polls on",
          std::to_string(wakeups) + " wake-ups");
  }

  // Windows that end all the time while 4 threads call at random moments: a request stranded by a
  // skipped wake-up would time out.
  started.runtime.reset();
  started = Start(fixtures, microseconds(3));
  if (!started.runtime) return;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(t);
      for (int i = 0; i < 500; ++i) {
        std::this_thread::sleep_for(microseconds(random() % 40));
        if (started.runtime->Call("echo", "x", milliseconds(5000)).value == "x") ok++;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  Check(ok == 2000, "4 threads x 500 calls at random moments with a 3 us window: none stranded",
        std::to_string(ok.load()) + " of 2000 answered");
}

void SpinOffChecks(const std::string& fixtures) {
  auto started = Start(fixtures, microseconds(0));
  Check(started.runtime != nullptr, "a runtime with spin_wait 0 starts", started.error);
  if (!started.runtime) return;
  PolicyRuntime& rt = *started.runtime;
  bool all_ok = true;
  const auto before = rt.queue_counters();
  for (int i = 0; i < 20; ++i) all_ok = all_ok && rt.Call("echo", std::to_string(i), milliseconds(5000)).value == std::to_string(i);
  const auto after = rt.queue_counters();
  Check(all_ok && after.wakeups == before.wakeups + 20 && after.polled == 0,
        "spin_wait 0: every call wakes the loop, nothing is polled (as before spinning existed)",
        std::to_string(after.wakeups - before.wakeups) + " wake-ups for 20 calls, " + std::to_string(after.polled) + " polled");
  const auto start = Clock::now();
  Result r = rt.Call("busy", "400", milliseconds(20));
  const double took = MsSince(start);
  Check(r.status == Result::Status::kTimeout && Contains(r.value, "interrupted") && took >= 19 && took < 300,
        "spin_wait 0: a call past its deadline is interrupted", Show(r));
}

void BadOptionChecks(const std::string& fixtures) {
  for (long us : {-1L, static_cast<long>(bridge::RuntimeOptions::kMaxSpinWait.count()) + 1}) {
    auto started = Start(fixtures, microseconds(us));
    Check(!started.runtime && Contains(started.error, "spin_wait must be between 0 and"),
          "spin_wait " + std::to_string(us) + " us is refused with a clear error", started.error);
  }
}

}  // namespace

void SpinWaitChecks(const std::string& fixtures) {
  QueueChecks();
  AwaitChecks();
  PollingRuntimeChecks(fixtures);
  WakeUpRuntimeChecks(fixtures);
  SpinOffChecks(fixtures);
  BadOptionChecks(fixtures);
}

}  // namespace mesos_policy::testing
