// bridge_supervisor_test: drives a PolicySupervisor the way the Mesos adapters will — calls from many
// threads, counters and latency, reloads (good, broken, under load), restarts after the runtime runs
// out of heap (found by on_stop, or by a call), the restart budget, shutdown with calls in flight.
// Prints one line per check, then "N passed, N failed"; exits non-zero when a check failed.
// Usage: bridge_supervisor_test [fixtures-dir]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "check.h"
#include "runtime.h"
#include "supervisor.h"

namespace bridge = mesos_policy::bridge;
using namespace mesos_policy::testing;
using bridge::FreshRuntime;
using bridge::PolicySupervisor;
using bridge::Result;
using bridge::StatsSnapshot;
using bridge::SupervisorForTest;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using Status = Result::Status;

namespace {

std::string fixtures = MESOS_POLICY_FIXTURES;

std::string Ms(double ms) { return std::to_string(static_cast<int>(ms)) + " ms"; }

std::string Fixture(const std::string& file) { return fixtures + "/" + file; }

// Waits up to `wait` for `done()`.
template <typename Predicate>
bool Eventually(Predicate done, milliseconds wait = milliseconds(5000)) {
  const auto until = Clock::now() + wait;
  while (!done()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

class LogCapture {
 public:
  bridge::LogFn fn() {
    return [this](bridge::LogLevel level, const std::string& text) {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.push_back(std::string(bridge::LogLevelName(level)) + ": " + text);
    };
  }
  bool Saw(const std::string& part) {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::any_of(lines_.begin(), lines_.end(), [&](const std::string& line) { return Contains(line, part); });
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

// The on_fresh_runtime notices, recorded after the callback's work (a resync call) is done.
class Notices {
 public:
  void Add(const FreshRuntime& notice) {
    std::lock_guard<std::mutex> lock(mutex_);
    notices_.push_back(notice);
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mutex_);
    return notices_.size();
  }
  bool WaitFor(size_t count, milliseconds wait = milliseconds(10000)) {
    return Eventually([&] { return this->count() >= count; }, wait);
  }
  FreshRuntime last() {
    std::lock_guard<std::mutex> lock(mutex_);
    return notices_.empty() ? FreshRuntime{} : notices_.back();
  }

 private:
  std::mutex mutex_;
  std::vector<FreshRuntime> notices_;
};

std::string Describe(const FreshRuntime& n) {
  return std::string(bridge::FreshRuntimeWhyName(n.why)) + " #" + std::to_string(n.generation) + " (" + n.reason + ")";
}

bridge::SupervisorOptions Options(const std::string& file, LogCapture* log, Notices* notices = nullptr) {
  bridge::SupervisorOptions options;
  options.bundle = Fixture(file);
  if (log != nullptr) options.runtime.log = log->fn();
  if (notices != nullptr) options.on_fresh_runtime = [notices](const FreshRuntime& n) { notices->Add(n); };
  return options;
}

std::unique_ptr<PolicySupervisor> StartOrFail(bridge::SupervisorOptions options, const std::string& name) {
  auto started = PolicySupervisor::Start(std::move(options));
  if (!started.supervisor) Check(false, name + ": the supervisor starts", started.error);
  return std::move(started.supervisor);
}

std::string Counters(const StatsSnapshot& s) {
  return "calls " + std::to_string(s.calls) + ", ok " + std::to_string(s.ok) + ", errors " + std::to_string(s.errors) +
         ", timeouts " + std::to_string(s.timeouts) + ", unavailable " + std::to_string(s.unavailable) + ", restarts " +
         std::to_string(s.restarts) + ", failed restarts " + std::to_string(s.failed_restarts) + ", reloads " +
         std::to_string(s.reloads) + ", failed reloads " + std::to_string(s.failed_reloads) +
         (s.serving ? ", serving" : ", not serving") + (s.gave_up ? ", gave up" : "");
}

std::string Latency(const StatsSnapshot& s) {
  char line[200];
  std::snprintf(line, sizeof line, "count %llu, p50 %.1f us, p90 %.1f us, p99 %.1f us, max %.1f us, mean %.1f us",
                static_cast<unsigned long long>(s.latency.count), s.latency.p50_us, s.latency.p90_us,
                s.latency.p99_us, s.latency.max_us, s.latency.mean_us);
  return line;
}

}  // namespace

namespace {

// The histogram on its own: bucket bounds, percentiles of a known distribution, many writers.
void HistogramChecks() {
  using H = bridge::LatencyHistogram;
  bool bounds = true;
  std::string bad;
  for (uint64_t ns = 1; ns < (uint64_t{1} << 36); ns += ns / 7 + 1) {
    const int bucket = H::BucketOf(ns);
    const bool inside = ns < H::UpperBoundNs(bucket) && (bucket == 0 || ns >= H::UpperBoundNs(bucket - 1));
    if (!inside && bounds) bad = std::to_string(ns) + " ns in bucket " + std::to_string(bucket);
    bounds = bounds && inside;
  }
  Check(bounds && H::BucketOf(0) == 0 && H::BucketOf(uint64_t{100} * 1000 * 1000 * 1000) == H::kBuckets - 1,
        "histogram: every value falls in its bucket's bounds; <1 us and >17 s go to the end buckets", bad);

  H histogram;
  for (int us = 1; us <= 1000; ++us) histogram.Record(std::chrono::microseconds(us));
  H::Summary s = histogram.Summarize();
  auto near = [](double got, double exact) { return got >= exact && got <= exact * 1.125 + 0.01; };
  char detail[200];
  std::snprintf(detail, sizeof detail, "p50 %.1f, p90 %.1f, p99 %.1f, max %.1f, mean %.2f, count %llu", s.p50_us,
                s.p90_us, s.p99_us, s.max_us, s.mean_us, static_cast<unsigned long long>(s.count));
  Check(s.count == 1000 && near(s.p50_us, 500) && near(s.p90_us, 900) && near(s.p99_us, 990) && s.max_us == 1000 &&
            s.mean_us > 500.4 && s.mean_us < 500.6,
        "histogram: 1..1000 us gives p50/p90/p99 within +12.5% of the exact values, exact max and mean", detail);

  H busy;
  constexpr int kThreads = 4;
  constexpr int kRecords = 250000;
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&busy, t] {
      for (int i = 0; i < kRecords; ++i) busy.Record(std::chrono::nanoseconds(1000 + (i * 7919 + t) % 5000000));
    });
  }
  for (auto& thread : threads) thread.join();
  double took = MsSince(start);
  Check(busy.Summarize().count == uint64_t{kThreads} * kRecords, "histogram: 4 threads x 250k records, none lost");
  std::printf("figure - histogram Record from %d threads at once: %.1f ns per record (wall time / records per thread)\n",
              kThreads, took * 1e6 / kRecords);
}

void StartChecks() {
  LogCapture log;
  auto started = PolicySupervisor::Start(Options("supervisor-broken.js", &log));
  Check(!started.supervisor && Contains(started.error, "supervisor-broken refuses to load"),
        "Start fails with the runtime's start error when the first bundle throws at load", started.error);
  started = PolicySupervisor::Start(Options("supervisor-missing.js", &log));
  Check(!started.supervisor && Contains(started.error, "does not exist"), "Start fails when the bundle is missing",
        started.error);
}

void BasicAndStatsChecks() {
  LogCapture log;
  auto supervisor = StartOrFail(Options("supervisor-a.js", &log), "calls");
  if (!supervisor) return;
  PolicySupervisor& s = *supervisor;
  const milliseconds second(1000);
  Result r = s.Call("who", "", second);
  Check(r.ok() && r.value == "a", "Call goes to the runtime (fixture A answers \"a\")", Show(r));
  const std::string bytes("bin\0ary \xff\xfe", 11);
  r = s.Call("echo", bytes, second);
  Check(r.ok() && r.value == bytes, "payload bytes pass through unchanged", Show(r));
  auto async = std::make_shared<AsyncOutcome>();
  s.CallAsync("sleep", "20", second, AsyncOutcome::Into(async));
  bool done = async->Wait(second);
  Check(done && async->result.ok() && async->result.value == "a" && async->count() == 1,
        "CallAsync answers once through its callback", Show(async->result));
  r = s.Call("throw", "x", second);
  Check(r.status == Status::kError && Contains(r.value, "a refuses: x"), "a policy error comes back as kError", Show(r));
  auto start = Clock::now();
  r = s.Call("spin", "", milliseconds(100));
  double took = MsSince(start);
  Check(r.status == Status::kTimeout && Contains(r.value, "interrupted") && took < 1000,
        "a call past its deadline is kTimeout and interrupted", Show(r) + " after " + Ms(took));
  r = s.Call("who", "", second);
  Check(r.ok() && r.value == "a" && s.bundle() == Fixture("supervisor-a.js"), "the runtime serves on", Show(r));

  // Counting from here: 200 answered, 10 errors, 3 timeouts of 50 ms.
  StatsSnapshot before = s.Snapshot();
  for (int i = 0; i < 200; ++i) s.Call("echo", std::to_string(i), second);
  for (int i = 0; i < 10; ++i) s.Call("throw", "", second);
  for (int i = 0; i < 3; ++i) s.Call("spin", "", milliseconds(50));
  StatsSnapshot after = s.Snapshot();
  Check(after.calls - before.calls == 213 && after.ok - before.ok == 200 && after.errors - before.errors == 10 &&
            after.timeouts - before.timeouts == 3 && after.unavailable == 0 && after.latency.count == after.calls &&
            after.serving && !after.gave_up && after.restarts == 0 && after.reloads == 0,
        "counters: 200 calls answered, 10 errors and 3 timeouts are counted as such", Counters(after));
  const auto& l = after.latency;
  Check(l.p50_us > 0 && l.p50_us <= l.p90_us && l.p90_us <= l.p99_us && l.p99_us <= l.max_us && l.p50_us < 20000 &&
            l.max_us >= 50000 && l.max_us < 1000000,
        "latency: p50 <= p90 <= p99 <= max; p50 small, max covers a 50 ms time-out", Latency(after));
  const std::string json = after.ToJson();
  auto metrics = after.Metrics();
  bool named = std::any_of(metrics.begin(), metrics.end(), [&](const auto& m) {
    return m.first == "mesos_policy/latency_us/p99" && m.second == l.p99_us;
  });
  Check(named && Contains(json, "\"mesos_policy/calls\":" + std::to_string(after.calls)) &&
            Contains(json, "\"mesos_policy/errors\":" + std::to_string(after.errors)) &&
            Contains(json, "\"mesos_policy/latency_us/p99\":") && json.front() == '{' && json.back() == '}',
        "metrics: name/value list and JSON (mesos_policy/calls, mesos_policy/latency_us/p99, ...)", json);
}

void ReloadChecks() {
  LogCapture log;
  Notices notices;
  auto supervisor = StartOrFail(Options("supervisor-a.js", &log, &notices), "reload");
  if (!supervisor) return;
  PolicySupervisor& s = *supervisor;
  const milliseconds second(1000);
  Result r = s.Reload(Fixture("supervisor-b.js"));
  Result who = s.Call("who", "", second);
  Check(r.ok() && who.ok() && who.value == "b" && s.bundle() == Fixture("supervisor-b.js"),
        "Reload to a good bundle switches the answers (a -> b)", Show(r) + ", then " + Show(who));
  bool notified = notices.WaitFor(1);
  FreshRuntime n = notices.last();
  Check(notified && n.why == FreshRuntime::Why::kReload && n.bundle == Fixture("supervisor-b.js") && n.generation == 2,
        "on_fresh_runtime tells the host: reload, with the bundle", Describe(n));

  r = s.Reload(Fixture("supervisor-broken.js"));
  who = s.Call("who", "", second);
  Check(r.status == Status::kError && Contains(r.value, "supervisor-broken refuses to load") &&
            Contains(r.value, "keeps serving") && who.ok() && who.value == "b" &&
            s.bundle() == Fixture("supervisor-b.js"),
        "Reload to a broken bundle returns its error and the old bundle keeps serving", Show(r) + ", then " + Show(who));
  r = s.Reload(Fixture("supervisor-missing.js"));
  Check(r.status == Status::kError && Contains(r.value, "does not exist"), "Reload to a missing bundle: the same", Show(r));
  StatsSnapshot stats = s.Snapshot();
  Check(stats.reloads == 1 && stats.failed_reloads == 2 && notices.count() == 1 && stats.serving,
        "reloads and failed reloads are counted; no notice for a failed one", Counters(stats));

  // A call in flight on the old runtime finishes there; then the old runtime goes.
  auto slow = std::make_shared<AsyncOutcome>();
  s.CallAsync("sleep", "3000", milliseconds(10000), AsyncOutcome::Into(slow));  // outlasts a slow Reload
  std::this_thread::sleep_for(milliseconds(30));
  auto reload_start = Clock::now();
  r = s.Reload(Fixture("supervisor-a.js"));
  const double reload_ms = MsSince(reload_start);
  who = s.Call("who", "", second);
  int alive_during = SupervisorForTest::RuntimesAlive(s);
  const bool still_running = slow->count() == 0;
  bool done = slow->Wait(milliseconds(10000));
  Check(r.ok() && who.ok() && who.value == "a" && done && slow->result.ok() && slow->result.value == "b",
        "a call in flight during a reload finishes on the old runtime; new calls go to the new one",
        "in flight: " + Show(slow->result) + "; new: " + Show(who));
  bool gone = Eventually([&] { return SupervisorForTest::RuntimesAlive(s) == 1; });
  Check(still_running && alive_during == 2 && gone, "the old runtime stays while its call runs, then is destroyed",
        std::to_string(alive_during) + " alive during (call " + (still_running ? "running" : "done") + ", reload took " +
            Ms(reload_ms) + "), " + std::to_string(SupervisorForTest::RuntimesAlive(s)) + " after");
}

// Several threads call without pause while the bundle is reloaded 10 times: no call fails or is lost.
void ReloadUnderLoadCheck() {
  LogCapture log;
  Notices notices;
  auto supervisor = StartOrFail(Options("supervisor-a.js", &log, &notices), "reload under load");
  if (!supervisor) return;
  PolicySupervisor& s = *supervisor;
  constexpr int kThreads = 4;
  constexpr int kReloads = 10;
  std::atomic<bool> stop{false};
  std::atomic<long> made{0}, by_a{0}, by_b{0}, echoed{0}, wrong{0};
  std::atomic<long> max_us{0};
  std::mutex mutex;
  std::string first_wrong;
  const auto load_start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (long i = 0; !stop; ++i) {
        const bool echo = i % 2 == 1;
        const std::string payload = "t" + std::to_string(t) + "-" + std::to_string(i);
        auto start = Clock::now();
        Result r = s.Call(echo ? "echo" : "who", payload, milliseconds(10000));
        long us = static_cast<long>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
        long seen = max_us;
        while (us > seen && !max_us.compare_exchange_weak(seen, us)) {
        }
        ++made;
        if (r.ok() && echo && r.value == payload) {
          ++echoed;
        } else if (r.ok() && !echo && (r.value == "a" || r.value == "b")) {
          ++(r.value == "a" ? by_a : by_b);
        } else {
          ++wrong;
          std::lock_guard<std::mutex> lock(mutex);
          if (first_wrong.empty()) first_wrong = payload + " -> " + Show(r);
        }
      }
    });
  }
  std::this_thread::sleep_for(milliseconds(100));
  std::vector<double> reload_ms;
  int reload_failures = 0;
  std::string reload_error;
  for (int i = 0; i < kReloads; ++i) {
    auto begin = Clock::now();
    Result r = s.Reload(Fixture(i % 2 == 0 ? "supervisor-b.js" : "supervisor-a.js"));
    reload_ms.push_back(MsSince(begin));
    if (!r.ok()) {
      ++reload_failures;
      reload_error = Show(r);
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  stop = true;
  for (auto& thread : threads) thread.join();
  const double took = MsSince(load_start);
  StatsSnapshot stats = s.Snapshot();
  Check(reload_failures == 0 && wrong == 0 && by_a > 0 && by_b > 0 && made == by_a + by_b + echoed &&
            stats.calls == static_cast<uint64_t>(made.load()) && stats.ok == stats.calls && stats.reloads == kReloads,
        "reload under load: 4 threads calling while reloading 10 times; every call answered by the old or the new bundle",
        std::to_string(made.load()) + " calls: " + std::to_string(by_a.load()) + " by a, " + std::to_string(by_b.load()) +
            " by b, " + std::to_string(echoed.load()) + " echoes, " + std::to_string(wrong.load()) + " wrong" +
            (first_wrong.empty() ? "" : " (first: " + first_wrong + ")") + "; " + reload_error + "; " + Counters(stats));
  bool notified = notices.WaitFor(kReloads);
  Result who = s.Call("who", "", milliseconds(1000));
  bool gone = Eventually([&] { return SupervisorForTest::RuntimesAlive(s) == 1; });
  Check(notified && notices.count() == kReloads && who.ok() && who.value == "a" && gone,
        "after the 10 reloads: one notice each, the last bundle (a) serves, the old runtimes are destroyed",
        std::to_string(notices.count()) + " notices, " + Show(who) + ", " +
            std::to_string(SupervisorForTest::RuntimesAlive(s)) + " runtimes alive");
  std::sort(reload_ms.begin(), reload_ms.end());
  std::printf("figure - Reload under load (4 threads calling): median %.0f ms, max %.0f ms; %.0f calls/s meanwhile, "
              "slowest call %.1f ms\n",
              reload_ms[reload_ms.size() / 2], reload_ms.back(), made / (took / 1000.0), max_us / 1000.0);
}

}  // namespace

namespace {

const char* kOutOfHeap = "out of heap";

// A supervisor whose runtimes stop when the policy allocates without bound ('grow', heap_mb 64).
bridge::SupervisorOptions HeapOptions(LogCapture* log, Notices* notices) {
  bridge::SupervisorOptions options = Options("supervisor-a.js", log, notices);
  options.runtime.heap_mb = 64;
  return options;
}

// Makes the current runtime run out of heap; returns the failed call's result.
Result Exhaust(PolicySupervisor& s, double* took_ms = nullptr) {
  auto start = Clock::now();
  Result r = s.Call("grow", "", milliseconds(60000));
  if (took_ms != nullptr) *took_ms = MsSince(start);
  return r;
}

void RestartChecks() {
  LogCapture log;
  Notices notices;
  bridge::SupervisorOptions options = HeapOptions(&log, nullptr);
  std::atomic<PolicySupervisor*> self{nullptr};
  std::atomic<int> resync_failures{0};
  // What the allocator adapter does: re-send the engine's state to the fresh runtime.
  options.on_fresh_runtime = [&](const FreshRuntime& n) {
    Result r = self.load()->Call("remember", "state-" + std::to_string(n.generation), milliseconds(5000));
    if (!r.ok()) ++resync_failures;
    notices.Add(n);
  };
  auto supervisor = StartOrFail(std::move(options), "restart");
  if (!supervisor) return;
  PolicySupervisor& s = *supervisor;
  self = &s;
  Result r = s.Call("remember", "state-1", milliseconds(1000));
  auto in_flight = std::make_shared<AsyncOutcome>();
  s.CallAsync("sleep", "5000", milliseconds(10000), AsyncOutcome::Into(in_flight));
  double grow_ms = 0;
  Result grown = Exhaust(s, &grow_ms);
  Check(r.ok() && grown.status == Status::kUnavailable && Contains(grown.value, kOutOfHeap),
        "the call that exhausts the heap fails with kUnavailable and the reason", Show(grown) + " after " + Ms(grow_ms));
  bool done = in_flight->Wait(milliseconds(5000));
  Check(done && in_flight->result.status == Status::kUnavailable && Contains(in_flight->result.value, kOutOfHeap),
        "a call in flight when the runtime stops fails with the reason (it is not retried)", Show(in_flight->result));
  // Once the supervisor knows (on_stop), calls wait for the fresh runtime.
  bool down = Eventually([&] { return !s.Snapshot().serving || s.Snapshot().restarts > 0; });
  auto start = Clock::now();
  Result who = s.Call("who", "", milliseconds(10000));
  double waited = MsSince(start);
  Check(down && who.ok() && who.value == "a", "a call made while restarting waits for the fresh runtime and is answered",
        Show(who) + " after " + Ms(waited));
  bool notified = notices.WaitFor(1);
  FreshRuntime n = notices.last();
  Check(notified && n.why == FreshRuntime::Why::kRestart && Contains(n.reason, kOutOfHeap) && n.generation == 2 &&
            n.bundle == Fixture("supervisor-a.js"),
        "on_fresh_runtime tells the host: restart, with the reason", Describe(n));
  Result recalled = s.Call("recall", "", milliseconds(1000));
  Check(recalled.ok() && recalled.value == "state-2" && resync_failures == 0,
        "the host's state, re-sent from on_fresh_runtime, is in the fresh runtime", Show(recalled));
  StatsSnapshot stats = s.Snapshot();
  Check(stats.restarts == 1 && stats.failed_restarts == 0 && stats.serving && !stats.gave_up &&
            log.Saw("restarting the policy runtime"),
        "the restart is counted and logged", Counters(stats));
  std::printf("figure - heap exhaustion (heap_mb 64) until the call fails: %.0f ms; a call made then waited %.0f ms "
              "for the restarted runtime\n",
              grow_ms, waited);
}

// The other way to notice a stop: with on_stop ignored, the next call finds the runtime not serving.
void RestartWhenACallFindsItStopped() {
  LogCapture log;
  Notices notices;
  auto supervisor = StartOrFail(HeapOptions(&log, &notices), "restart found by a call");
  if (!supervisor) return;
  PolicySupervisor& s = *supervisor;
  SupervisorForTest::IgnoreStops(s, true);
  Result grown = Exhaust(s);
  std::this_thread::sleep_for(milliseconds(300));  // the runtime has closed its queue by now
  bool unnoticed = s.Snapshot().serving && notices.count() == 0;
  Result who = s.Call("who", "", milliseconds(10000));
  bool notified = notices.WaitFor(1);
  StatsSnapshot stats = s.Snapshot();
  Check(grown.status == Status::kUnavailable && unnoticed && who.ok() && who.value == "a" && notified &&
            Contains(notices.last().reason, kOutOfHeap) && stats.restarts == 1,
        "a call that finds the runtime not serving (on_stop ignored) restarts it, waits and is answered",
        Show(who) + "; " + Describe(notices.last()) + "; " + Counters(stats));
  SupervisorForTest::IgnoreStops(s, false);
}

// Calls that wait for a restart do so only until their deadline.
void ParkedCallChecks() {
  LogCapture log;
  Notices notices;
  bridge::SupervisorOptions options = HeapOptions(&log, &notices);
  options.restart.first_backoff = milliseconds(1500);  // the second restart within the window waits 1.5 s
  auto supervisor = StartOrFail(std::move(options), "parked calls");
  if (!supervisor) return;
  PolicySupervisor& s = *supervisor;
  Exhaust(s);
  bool first = notices.WaitFor(1);
  Exhaust(s);
  bool down = Eventually([&] { return !s.Snapshot().serving; });
  auto start = Clock::now();
  Result r = s.Call("who", "", milliseconds(200));
  double took = MsSince(start);
  Check(first && down && r.status == Status::kUnavailable && Contains(r.value, "waited its whole deadline") &&
            Contains(r.value, kOutOfHeap) && took >= 190 && took < 800,
        "a call waiting for a restart (in backoff) fails with kUnavailable at its deadline, naming the reason",
        Show(r) + " after " + Ms(took));
  auto async = std::make_shared<AsyncOutcome>();
  start = Clock::now();
  s.CallAsync("who", "", milliseconds(300), AsyncOutcome::Into(async));
  bool done = async->Wait(milliseconds(2000));
  took = MsSince(start);
  Check(done && async->result.status == Status::kUnavailable && took >= 290 && took < 900 && async->count() == 1,
        "CallAsync waiting for a restart: the same, once, through its callback", Show(async->result) + " after " + Ms(took));
  start = Clock::now();
  r = s.Call("who", "", milliseconds(5000));
  took = MsSince(start);
  StatsSnapshot stats = s.Snapshot();
  Check(r.ok() && r.value == "a" && stats.restarts == 2 && notices.WaitFor(2),
        "a call with a longer deadline waits through the backoff and is answered", Show(r) + " after " + Ms(took));
}

void BudgetChecks() {
  LogCapture log;
  Notices notices;
  bridge::SupervisorOptions options = HeapOptions(&log, &notices);
  options.restart.max_restarts = 2;
  options.restart.window = milliseconds(60000);
  options.restart.first_backoff = milliseconds(10);
  auto supervisor = StartOrFail(std::move(options), "restart budget");
  if (!supervisor) return;
  PolicySupervisor& s = *supervisor;
  Exhaust(s);
  bool first = notices.WaitFor(1);
  Exhaust(s);
  bool second = notices.WaitFor(2);
  Exhaust(s);
  bool gave_up = Eventually([&] { return s.Snapshot().gave_up; });
  auto start = Clock::now();
  Result r = s.Call("who", "", milliseconds(5000));
  double took = MsSince(start);
  StatsSnapshot stats = s.Snapshot();
  Check(first && second && gave_up && r.status == Status::kUnavailable && Contains(r.value, "not restarting") &&
            Contains(r.value, "2 restarts within 60000 ms") && Contains(r.value, kOutOfHeap) && took < 100 &&
            stats.restarts == 2 && !stats.serving && notices.count() == 2,
        "a third stop with max_restarts=2 per minute gives up: calls fail at once with a clear error",
        Show(r) + " after " + Ms(took) + "; " + Counters(stats));
  Check(log.Saw("error: the policy runtime stopped again after 2 restarts"), "giving up is logged as an error");
  Result reloaded = s.Reload(Fixture("supervisor-b.js"));
  Result who = s.Call("who", "", milliseconds(1000));
  stats = s.Snapshot();
  Check(reloaded.ok() && who.ok() && who.value == "b" && !stats.gave_up && stats.serving,
        "after giving up, a Reload brings a runtime back", Show(reloaded) + ", " + Show(who) + "; " + Counters(stats));
  Exhaust(s);
  bool again = notices.WaitFor(4);  // the reload's, then this restart's
  who = s.Call("who", "", milliseconds(5000));
  Check(again && who.ok() && who.value == "b", "the reload restored the whole restart budget", Show(who));
}

void ShutdownChecks() {
  auto supervisor = StartOrFail(Options("supervisor-a.js", nullptr), "shutdown");
  if (!supervisor) return;
  PolicySupervisor& s = *supervisor;
  std::vector<Result> blocking(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    const char* method = i == 3 ? "spin" : "never";  // a runaway too: only destruction ends it
    threads.emplace_back([&, i, method] { blocking[i] = s.Call(method, "", milliseconds(30000)); });
  }
  std::vector<std::shared_ptr<AsyncOutcome>> async;
  for (int i = 0; i < 3; ++i) {
    async.push_back(std::make_shared<AsyncOutcome>());
    s.CallAsync("never", "", milliseconds(30000), AsyncOutcome::Into(async.back()));
  }
  std::this_thread::sleep_for(milliseconds(150));
  auto start = Clock::now();
  supervisor.reset();
  double took = MsSince(start);
  for (auto& thread : threads) thread.join();
  double all_back = MsSince(start);
  bool unavailable = std::all_of(blocking.begin(), blocking.end(), [](const Result& r) { return r.status == Status::kUnavailable; });
  for (const auto& outcome : async) unavailable = unavailable && outcome->count() == 1 && outcome->result.status == Status::kUnavailable;
  Check(unavailable && took < 2000 && all_back < 2000,
        "destroying the supervisor with 4 blocking and 3 async calls in flight (one spinning): all get kUnavailable",
        "destroyed in " + Ms(took) + ", all back in " + Ms(all_back) + "; first: " + Show(blocking[0]));
}

void ShutdownWhileRestartingCheck() {
  Notices notices;
  bridge::SupervisorOptions options = HeapOptions(nullptr, &notices);
  options.restart.first_backoff = milliseconds(5000);
  auto supervisor = StartOrFail(std::move(options), "shutdown while restarting");
  if (!supervisor) return;
  PolicySupervisor& s = *supervisor;
  Exhaust(s);
  notices.WaitFor(1);
  Exhaust(s);
  bool down = Eventually([&] { return !s.Snapshot().serving; });
  Result blocked;
  std::thread waiting([&] { blocked = s.Call("who", "", milliseconds(30000)); });
  auto parked = std::make_shared<AsyncOutcome>();
  s.CallAsync("who", "", milliseconds(30000), AsyncOutcome::Into(parked));
  std::this_thread::sleep_for(milliseconds(100));
  auto start = Clock::now();
  supervisor.reset();
  waiting.join();
  double took = MsSince(start);
  Check(down && blocked.status == Status::kUnavailable && Contains(blocked.value, "shutting down") &&
            parked->count() == 1 && parked->result.status == Status::kUnavailable && took < 1000,
        "destroying the supervisor during a restart backoff: waiting calls get kUnavailable, no wait for the backoff",
        Show(blocked) + " in " + Ms(took));
}

void ConcurrentSnapshotCheck() {
  auto supervisor = StartOrFail(Options("supervisor-a.js", nullptr), "concurrent snapshots");
  if (!supervisor) return;
  PolicySupervisor& s = *supervisor;
  constexpr int kThreads = 4;
  constexpr int kCalls = 2000;
  StatsSnapshot before = s.Snapshot();
  std::atomic<int> running{kThreads};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCalls; ++i) s.Call(i % 10 == 0 ? "throw" : "echo", "x", milliseconds(5000));
      --running;
    });
  }
  long snapshots = 0;
  bool consistent = true;
  std::string bad;
  StatsSnapshot last = before;
  while (running > 0) {
    StatsSnapshot now = s.Snapshot();
    ++snapshots;
    const bool ok = now.calls >= last.calls && now.ok >= last.ok && now.errors >= last.errors &&
                    now.latency.count >= last.latency.count &&
                    now.ok + now.errors + now.timeouts + now.unavailable <= now.calls;
    if (!ok && consistent) bad = Counters(last) + " then " + Counters(now);
    consistent = consistent && ok;
    (void)now.ToJson();
    last = now;
  }
  for (auto& thread : threads) thread.join();
  StatsSnapshot after = s.Snapshot();
  Check(consistent && after.calls - before.calls == kThreads * kCalls && after.errors - before.errors == kThreads * kCalls / 10 &&
            after.ok - before.ok == kThreads * kCalls * 9 / 10 && after.latency.count == after.calls,
        "Snapshot from another thread during 4 x 2000 calls: counters only grow, outcomes never exceed calls, totals exact",
        std::to_string(snapshots) + " snapshots; " + (bad.empty() ? Counters(after) : bad));
}

// Percentiles of `calls` blocking empty calls through `call`, in microseconds.
template <typename CallFn>
std::string RoundTrips(CallFn call, int calls) {
  for (int i = 0; i < calls / 10; ++i) call();
  std::vector<double> us;
  us.reserve(calls);
  int bad = 0;
  for (int i = 0; i < calls; ++i) {
    auto start = Clock::now();
    if (!call().ok()) ++bad;
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  char line[160];
  std::snprintf(line, sizeof line, "p50 %.1f us, p99 %.1f us, max %.1f us (%d failed)", us[calls / 2],
                us[calls * 99 / 100], us.back(), bad);
  return line;
}

// Calls per second of empty calls from `threads` host threads at once through `call`.
template <typename CallFn>
std::string Throughput(CallFn call, int threads_count, int each) {
  std::atomic<int> bad{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < threads_count; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < each; ++i) {
        if (!call().ok()) ++bad;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  char line[120];
  std::snprintf(line, sizeof line, "%.0f calls/s (%d failed)", threads_count * each / (MsSince(start) / 1000), bad.load());
  return line;
}

void LatencyFigures() {
  auto supervisor = StartOrFail(Options("supervisor-a.js", nullptr), "latency");
  bridge::RuntimeOptions direct_options;
  direct_options.bundle = Fixture("supervisor-a.js");
  auto direct = bridge::PolicyRuntime::Start(direct_options);
  if (!supervisor || !direct.runtime) return;
  auto through_supervisor = [&] { return supervisor->Call("empty", "", milliseconds(5000)); };
  auto directly = [&] { return direct.runtime->Call("empty", "", milliseconds(5000)); };
  constexpr int kCalls = 10000;
  std::printf("figure - empty call, 1 host thread, %d calls: through the supervisor %s\n", kCalls,
              RoundTrips(through_supervisor, kCalls).c_str());
  std::printf("figure - empty call, 1 host thread, %d calls: PolicyRuntime::Call directly %s\n", kCalls,
              RoundTrips(directly, kCalls).c_str());
  StatsSnapshot stats = supervisor->Snapshot();
  std::printf("figure - the supervisor's own histogram of those calls (and 1000 warm-up calls): %s\n",
              Latency(stats).c_str());
  std::printf("figure - empty calls from 4 host threads at once: through the supervisor %s; directly %s\n",
              Throughput(through_supervisor, 4, 20000).c_str(), Throughput(directly, 4, 20000).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) fixtures = argv[1];
  HistogramChecks();
  StartChecks();
  BasicAndStatsChecks();
  ReloadChecks();
  ReloadUnderLoadCheck();
  RestartChecks();
  RestartWhenACallFindsItStopped();
  ParkedCallChecks();
  BudgetChecks();
  ShutdownChecks();
  ShutdownWhileRestartingCheck();
  ConcurrentSnapshotCheck();
  LatencyFigures();
  return CheckSummary();
}
