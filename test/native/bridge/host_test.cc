// bridge_host_test: drives a real PolicyRuntime the way a host (mesos-master) would — start with a
// bundle, calls from many threads (blocking and asynchronous), binary payloads, failures of every
// kind, deadlines, runaways nobody owns, a policy that exhausts its heap, bad bundles, shutdown.
// Prints one line per check, then "N passed, N failed"; exits non-zero when a check failed.
// Usage: bridge_host_test [fixtures-dir]
#include <fcntl.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "check.h"
#include "runtime.h"
#include "spin_wait_checks.h"

namespace bridge = mesos_policy::bridge;
using namespace mesos_policy::testing;
using bridge::PolicyRuntime;
using bridge::Result;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

std::string fixtures = MESOS_POLICY_FIXTURES;

// Everything the runtime logs, for checks on console redirection and uncaught errors.
class LogCapture {
 public:
  bridge::LogFn fn() {
    return [this](bridge::LogLevel level, const std::string& text) {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.push_back(std::string(bridge::LogLevelName(level)) + ": " + text);
    };
  }
  // Waits up to `wait` for a line containing `part`.
  bool Saw(const std::string& part, milliseconds wait = milliseconds(1000)) {
    auto until = Clock::now() + wait;
    do {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& line : lines_) {
          if (Contains(line, part)) return true;
        }
      }
      std::this_thread::sleep_for(milliseconds(5));
    } while (Clock::now() < until);
    return false;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

// The host's process state that Node must leave alone: stdio fd flags, signal handlers and mask.
struct HostState {
  int fd_flags[3];
  void* handlers[8];
  sigset_t mask;

  static HostState Take() {
    HostState s{};
    for (int fd = 0; fd < 3; ++fd) s.fd_flags[fd] = fcntl(fd, F_GETFL);
    const int signals[8] = {SIGINT, SIGTERM, SIGPIPE, SIGWINCH, SIGUSR1, SIGCHLD, SIGHUP, SIGSEGV};
    for (int i = 0; i < 8; ++i) {
      struct sigaction action {};
      sigaction(signals[i], nullptr, &action);
      s.handlers[i] = reinterpret_cast<void*>(action.sa_handler);
    }
    pthread_sigmask(SIG_SETMASK, nullptr, &s.mask);
    return s;
  }
  bool operator==(const HostState& o) const {
    for (int i = 0; i < 3; ++i) if (fd_flags[i] != o.fd_flags[i]) return false;
    for (int i = 0; i < 8; ++i) if (handlers[i] != o.handlers[i]) return false;
    for (int sig = 1; sig < 32; ++sig) if (sigismember(&mask, sig) != sigismember(&o.mask, sig)) return false;
    return true;
  }
};

// Resident memory and thread count, from /proc/self/status.
struct ProcessFigures {
  long rss_kb = 0;
  int threads = 0;

  static ProcessFigures Take() {
    ProcessFigures f;
    if (FILE* status = std::fopen("/proc/self/status", "r")) {
      char line[256];
      while (std::fgets(line, sizeof line, status)) {
        std::sscanf(line, "VmRSS: %ld", &f.rss_kb);
        std::sscanf(line, "Threads: %d", &f.threads);
      }
      std::fclose(status);
    }
    return f;
  }
};

bridge::RuntimeOptions Options(const std::string& file, LogCapture* log) {
  bridge::RuntimeOptions options;
  options.bundle = file.empty() || file[0] == '/' ? file : fixtures + "/" + file;
  if (log != nullptr) options.log = log->fn();
  return options;
}

PolicyRuntime::Started StartBundle(const std::string& file, LogCapture* log, milliseconds start_timeout = milliseconds(30000)) {
  bridge::RuntimeOptions options = Options(file, log);
  options.start_timeout = start_timeout;
  return PolicyRuntime::Start(std::move(options));
}

std::string AllBytes() {
  std::string bytes(256, '\0');
  for (int i = 0; i < 256; ++i) bytes[i] = static_cast<char>(i);
  return bytes;
}

std::string RandomBytes(size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (auto& byte : bytes) byte = static_cast<char>(random() & 0xff);
  return bytes;
}

unsigned long ByteSum(const std::string& bytes) {
  unsigned long sum = 0;
  for (unsigned char byte : bytes) sum += byte;
  return sum;
}

void ResultChecks(PolicyRuntime& rt, LogCapture& log) {
  const milliseconds second(1000);
  const std::string text("h\xC3\xA9llo \xE2\x9C\x93 with a NUL \0 inside", 30);
  Result r = rt.Call("echo", text, second);
  Check(r.ok() && r.value == text, "echo returns the payload (UTF-8, embedded NUL)", Show(r));
  r = rt.Call("empty", "", second);
  Check(r.ok() && r.value.empty(), "an empty string is an answer", Show(r));
  r = rt.Call("asyncEcho", "later", second);
  Check(r.ok() && r.value == "later", "a promise resolved from setImmediate", Show(r));
  r = rt.Call("awaitEcho", "awaited", second);
  Check(r.ok() && r.value == "awaited", "an async function's result", Show(r));

  r = rt.Call("throw", "x1", second);
  Check(r.status == Result::Status::kError && Contains(r.value, "Error: boom: x1") && Contains(r.value, "policy.js"),
        "a thrown Error is an error result with message and stack", Show(r));
  r = rt.Call("throwString", "", second);
  Check(r.status == Result::Status::kError && Contains(r.value, "a plain string"), "a thrown string is an error result", Show(r));
  r = rt.Call("reject", "y2", second);
  Check(r.status == Result::Status::kError && Contains(r.value, "rejected: y2"), "a rejected promise is an error result", Show(r));
  r = rt.Call("wrongType", "", second);
  Check(r.status == Result::Status::kError && Contains(r.value, "returned number"), "a non-string answer is an error result", Show(r));
  r = rt.Call("resolveWrongType", "", second);
  Check(r.status == Result::Status::kError && Contains(r.value, "resolved to object"), "a promise of a non-string is an error result", Show(r));
  r = rt.Call("nonsense", "", second);
  Check(r.status == Result::Status::kError && Contains(r.value, "unknown method 'nonsense'"), "an unknown method is the policy's error", Show(r));
  r = rt.Call("exit", "", second);
  Check(r.status == Result::Status::kError && Contains(r.value, "process.exit() is not allowed"), "process.exit() is refused, the host lives on", Show(r));

  r = rt.Call("log", "p3", second);
  bool logged = r.ok() && log.Saw("info: console.log from the policy: p3") && log.Saw("error: console.error from the policy") &&
                log.Saw("info: process.stdout from the policy");
  Check(logged, "console and process.stdout go to the host's log", Show(r));
  r = rt.Call("timerThrow", "", second);
  Check(r.ok() && log.Saw("uncaught exception: Error: thrown from a timer"), "an error thrown from a timer is logged", Show(r));
  r = rt.Call("floatingReject", "", second);
  Check(r.ok() && log.Saw("unhandled rejection: Error: nobody waits for this"), "an unhandled rejection is logged", Show(r));
  r = rt.Call("echo", "still", second);
  Check(r.ok() && r.value == "still", "the runtime serves after those errors", Show(r));
}

void DeadlineChecks(PolicyRuntime& rt) {
  for (int round = 1; round <= 3; ++round) {
    auto start = Clock::now();
    Result r = rt.Call("spin", "", milliseconds(200));
    double took = MsSince(start);
    Check(r.status == Result::Status::kTimeout && Contains(r.value, "interrupted") && took >= 199 && took < 1000,
          "round " + std::to_string(round) + ": while(true){} with a 200 ms deadline times out and is interrupted",
          Show(r) + " after " + std::to_string(static_cast<int>(took)) + " ms");
    r = rt.Call("echo", "after-spin", milliseconds(1000));
    Check(r.ok() && r.value == "after-spin", "round " + std::to_string(round) + ": the next call succeeds", Show(r));
  }
  auto spin_start = Clock::now();
  Result r = rt.Call("awaitSpin", "", milliseconds(200));
  double spun_ms = MsSince(spin_start);
  Check(r.status == Result::Status::kTimeout && Contains(r.value, "interrupted") && spun_ms < 1000,
        "a runaway after an await (in the call's microtasks) is interrupted too", Show(r));
  r = rt.Call("sleepEcho", "20", milliseconds(1000));
  Check(r.ok() && r.value == "20", "timers and promises work after interruptions", Show(r));
  Result before = rt.Call("context", "", milliseconds(1000));
  r = rt.Call("contextCallSpin", "", milliseconds(200));
  Result after = rt.Call("context", "", milliseconds(1000));
  Check(r.status == Result::Status::kTimeout && Contains(r.value, "interrupted") && after.ok() && after.value == before.value,
        "a call interrupted inside AsyncLocalStorage.run and an AsyncResource scope leaves no stale context (host lives)",
        Show(r) + "; " + Show(before) + " then " + Show(after));

  // A request queued behind a runaway call: its caller returns at its own deadline (pitfall 7).
  Result spun;
  std::thread spinner([&] { spun = rt.Call("spin", "", milliseconds(400)); });
  std::this_thread::sleep_for(milliseconds(50));
  auto start = Clock::now();
  Result queued = rt.Call("echo", "queued", milliseconds(100));
  double took = MsSince(start);
  spinner.join();
  Check(queued.status == Result::Status::kTimeout && Contains(queued.value, "while queued") && took < 300,
        "a call queued behind a runaway returns at its own deadline",
        Show(queued) + " after " + std::to_string(static_cast<int>(took)) + " ms");
  Check(spun.status == Result::Status::kTimeout, "the runaway itself times out", Show(spun));
  r = rt.Call("echo", "after-queue", milliseconds(1000));
  Check(r.ok() && r.value == "after-queue", "the stale queued request is dropped and the next call succeeds", Show(r));

  start = Clock::now();
  r = rt.Call("never", "", milliseconds(100));
  took = MsSince(start);
  Check(r.status == Result::Status::kTimeout && Contains(r.value, "promise") && took < 300,
        "a promise that never settles times out", Show(r));
  r = rt.Call("sleepEcho", "300", milliseconds(50));
  Check(r.status == Result::Status::kTimeout, "a slow promise times out", Show(r));
  std::this_thread::sleep_for(milliseconds(300));  // its late answer arrives and is dropped
  r = rt.Call("echo", "after-late", milliseconds(1000));
  Check(r.ok() && r.value == "after-late", "a late answer is dropped; the runtime serves", Show(r));
}

void ConcurrencyCheck(PolicyRuntime& rt) {
  constexpr int kThreads = 8;
  constexpr int kCalls = 200;
  std::atomic<int> correct{0};
  std::atomic<int> wrong{0};
  std::string first_wrong;
  std::mutex first_mutex;
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        std::string payload = "t" + std::to_string(t) + "-" + std::to_string(i);
        const char* method = i % 3 == 0 ? "asyncEcho" : i % 3 == 1 ? "awaitEcho" : "echo";
        Result r = rt.Call(method, payload, milliseconds(5000));
        if (r.ok() && r.value == payload) {
          ++correct;
        } else {
          ++wrong;
          std::lock_guard<std::mutex> lock(first_mutex);
          if (first_wrong.empty()) first_wrong = payload + " -> " + Show(r);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  double took = MsSince(start);
  Check(correct == kThreads * kCalls && wrong == 0,
        "8 host threads x 200 calls (sync, setImmediate and async answers) all correct",
        std::to_string(correct.load()) + " correct, " + std::to_string(wrong.load()) + " wrong in " +
            std::to_string(static_cast<int>(took)) + " ms" + (first_wrong.empty() ? "" : "; first: " + first_wrong));
}

std::string RoundTrips(PolicyRuntime& rt, const std::string& method, const std::string& payload, int calls);

void LatencyFigure(PolicyRuntime& rt) {
  constexpr int kWarmup = 1000;
  constexpr int kCalls = 10000;
  for (int i = 0; i < kWarmup; ++i) rt.Call("empty", "", milliseconds(1000));
  std::vector<double> us;
  us.reserve(kCalls);
  int bad = 0;
  for (int i = 0; i < kCalls; ++i) {
    auto start = Clock::now();
    Result r = rt.Call("empty", "", milliseconds(1000));
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!r.ok()) ++bad;
  }
  std::sort(us.begin(), us.end());
  std::printf("figure - empty-call round trip, 1 host thread, %d calls: p50 %.1f us, p99 %.1f us, max %.1f us (%d failed)\n",
              kCalls, us[kCalls / 2], us[kCalls * 99 / 100], us.back(), bad);
  std::printf("figure - 2 KB payload echoed (copied in, Buffer to JS, bytes back), 1 host thread: %s\n",
              RoundTrips(rt, "echo", RandomBytes(2048, 3), 5000).c_str());
  std::printf("figure - 1 MB payload echoed (zero-copy in, bytes back), 1 host thread: %s\n",
              RoundTrips(rt, "echo", RandomBytes(1 << 20, 4), 50).c_str());
}

void BinaryChecks(PolicyRuntime& rt) {
  const milliseconds second(1000);
  const std::string all = AllBytes();
  Result r = rt.Call("echo", all, second);
  Check(r.ok() && r.value == all, "all 256 byte values come back unchanged", Show(r).substr(0, 40));
  r = rt.Call("describe", all, second);
  Check(r.ok() && r.value == "Buffer 256 bytes, sum 32640", "JavaScript sees the 256 bytes as a Buffer", Show(r));
  std::string reversed(all.rbegin(), all.rend());
  r = rt.Call("reverse", all, second);
  Check(r.ok() && r.value == reversed, "a Uint8Array made in JavaScript is the answer's bytes", Show(r).substr(0, 40));

  const std::string big = RandomBytes(1 << 20, 7);
  auto start = Clock::now();
  r = rt.Call("echo", big, milliseconds(5000));
  double took = MsSince(start);
  Check(r.ok() && r.value == big, "a 1 MB payload comes back unchanged",
        std::string(bridge::StatusName(r.status)) + ", " + std::to_string(r.value.size()) + " bytes in " +
            std::to_string(took) + " ms");
  r = rt.Call("describe", big, milliseconds(5000));
  Check(r.ok() && r.value == "Buffer 1048576 bytes, sum " + std::to_string(ByteSum(big)),
        "JavaScript sees the 1 MB payload's bytes", Show(r));
  r = rt.Call("asyncBytes", big, milliseconds(5000));
  Check(r.ok() && r.value == big, "a promise of a 1 MB Uint8Array is the answer", std::string(bridge::StatusName(r.status)));
}

void AsyncChecks(PolicyRuntime& rt) {
  const std::string all = AllBytes();
  auto answered = std::make_shared<AsyncOutcome>();
  rt.CallAsync("echo", all, milliseconds(1000), AsyncOutcome::Into(answered));
  bool done = answered->Wait(milliseconds(2000));
  Check(done && answered->result.ok() && answered->result.value == all, "CallAsync: the answer arrives through the callback",
        Show(answered->result).substr(0, 40));
  auto promised = std::make_shared<AsyncOutcome>();
  rt.CallAsync("awaitEcho", "later", milliseconds(1000), AsyncOutcome::Into(promised));
  done = promised->Wait(milliseconds(2000));
  Check(done && promised->result.ok() && promised->result.value == "later", "CallAsync: a promise's answer", Show(promised->result));
  auto failed = std::make_shared<AsyncOutcome>();
  rt.CallAsync("throw", "a1", milliseconds(1000), AsyncOutcome::Into(failed));
  done = failed->Wait(milliseconds(2000));
  Check(done && failed->result.status == Result::Status::kError && Contains(failed->result.value, "boom: a1"),
        "CallAsync: a throw is an error result", Show(failed->result));

  auto start = Clock::now();
  auto spun = std::make_shared<AsyncOutcome>();
  rt.CallAsync("spin", "", milliseconds(200), AsyncOutcome::Into(spun));
  done = spun->Wait(milliseconds(2000));
  double took = std::chrono::duration<double, std::milli>(spun->at - start).count();
  Check(done && spun->result.status == Result::Status::kTimeout && Contains(spun->result.value, "interrupted") &&
            took >= 199 && took < 1000,
        "CallAsync: a runaway call times out at its deadline and is interrupted",
        Show(spun->result) + " after " + std::to_string(static_cast<int>(took)) + " ms");
  Result r = rt.Call("echo", "after-async-spin", milliseconds(1000));
  Check(r.ok() && r.value == "after-async-spin", "CallAsync: the runtime serves after the interruption", Show(r));

  Result blocker;
  std::thread spinner([&] { blocker = rt.Call("spin", "", milliseconds(400)); });
  std::this_thread::sleep_for(milliseconds(50));
  start = Clock::now();
  auto queued = std::make_shared<AsyncOutcome>();
  rt.CallAsync("echo", "queued", milliseconds(100), AsyncOutcome::Into(queued));
  done = queued->Wait(milliseconds(1000));
  took = std::chrono::duration<double, std::milli>(queued->at - start).count();
  spinner.join();
  Check(done && queued->result.status == Result::Status::kTimeout && Contains(queued->result.value, "while queued") &&
            took < 300,
        "CallAsync: a call queued behind a runaway times out at its own deadline",
        Show(queued->result) + " after " + std::to_string(static_cast<int>(took)) + " ms");
  r = rt.Call("echo", "after-async-queue", milliseconds(1000));
  Check(r.ok() && r.value == "after-async-queue", "CallAsync: the stale request is dropped; the runtime serves", Show(r));
  std::this_thread::sleep_for(milliseconds(100));  // any second completion would have come by now
  Check(answered->count() == 1 && promised->count() == 1 && failed->count() == 1 && spun->count() == 1 &&
            queued->count() == 1,
        "CallAsync: every callback ran exactly once");
}

// A runtime stopped by its host fails the asynchronous calls still waiting with kUnavailable.
void AsyncStopCheck() {
  auto started = StartBundle("policy.js", nullptr);
  if (!started.runtime) {
    Check(false, "CallAsync: the runtime being destroyed completes waiting calls with kUnavailable", started.error);
    return;
  }
  auto waiting = std::make_shared<AsyncOutcome>();
  started.runtime->CallAsync("never", "", milliseconds(10000), AsyncOutcome::Into(waiting));
  std::this_thread::sleep_for(milliseconds(50));
  started.runtime.reset();
  bool done = waiting->Wait(milliseconds(1000));
  Check(done && waiting->result.status == Result::Status::kUnavailable && waiting->count() == 1,
        "CallAsync: the runtime being destroyed completes waiting calls with kUnavailable", Show(waiting->result));
}

void MixedConcurrencyCheck(PolicyRuntime& rt) {
  constexpr int kThreads = 8;
  constexpr int kCalls = 300;
  std::atomic<int> correct{0};
  std::atomic<int> wrong{0};
  std::atomic<int> extra{0};  // callbacks beyond the first for one call
  std::atomic<int> pending{0};
  std::mutex mutex;
  std::condition_variable all_done;
  std::string first_wrong;
  auto record = [&](const std::string& payload, const Result& r) {
    if (r.ok() && r.value == payload) {
      ++correct;
      return;
    }
    ++wrong;
    std::lock_guard<std::mutex> lock(mutex);
    if (first_wrong.empty()) first_wrong = payload + " -> " + Show(r);
  };
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        std::string payload = RandomBytes(16 + (i % 64), t * kCalls + i);
        const char* method = i % 3 == 0 ? "asyncEcho" : i % 3 == 1 ? "awaitEcho" : "echo";
        if (i % 2 == 0) {
          record(payload, rt.Call(method, payload, milliseconds(10000)));
          continue;
        }
        ++pending;
        auto calls = std::make_shared<std::atomic<int>>(0);
        rt.CallAsync(method, payload, milliseconds(10000), [&, payload, calls](Result r) {
          if (calls->fetch_add(1) > 0) {
            ++extra;
            return;
          }
          record(payload, r);
          std::lock_guard<std::mutex> lock(mutex);
          if (--pending == 0) all_done.notify_all();
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  {
    std::unique_lock<std::mutex> lock(mutex);
    all_done.wait_for(lock, milliseconds(20000), [&] { return pending == 0; });
  }
  double took = MsSince(start);
  std::this_thread::sleep_for(milliseconds(50));
  Check(correct == kThreads * kCalls && wrong == 0 && extra == 0 && pending == 0,
        "8 host threads x 300 calls, half blocking and half CallAsync, binary payloads: each answered once, correctly",
        std::to_string(correct.load()) + " correct, " + std::to_string(wrong.load()) + " wrong, " +
            std::to_string(extra.load()) + " extra callbacks, " + std::to_string(pending.load()) + " unanswered in " +
            std::to_string(static_cast<int>(took)) + " ms" + (first_wrong.empty() ? "" : "; first: " + first_wrong));
}

// Runaways started from a timer or setImmediate: no caller owns them; the watchdog ends them.
void WatchdogChecks() {
  LogCapture log;
  bridge::RuntimeOptions options = Options("policy.js", &log);
  options.runaway_budget = milliseconds(300);
  auto started = PolicyRuntime::Start(std::move(options));
  if (!started.runtime) {
    Check(false, "the watchdog's runtime starts", started.error);
    return;
  }
  PolicyRuntime& rt = *started.runtime;
  struct Case {
    const char* method;
    const char* function;
    const char* name;
  };
  const Case cases[] = {
      {"timerSpin", "runawayTimer", "a timer that loops forever is interrupted by the watchdog and logged by name"},
      {"immediateSpin", "runawayImmediate", "a setImmediate callback that loops forever is interrupted too"},
  };
  for (const auto& c : cases) {
    Result r = rt.Call(c.method, "", milliseconds(1000));
    auto start = Clock::now();
    std::this_thread::sleep_for(milliseconds(30));  // the runaway starts on the loop's next turn
    Result after = rt.Call("echo", c.method, milliseconds(5000));
    double took = MsSince(start);
    Check(r.ok() && after.ok() && after.value == c.method && took >= 250 && took < 2000 &&
              log.Saw(std::string("interrupted JavaScript that ran for")) && log.Saw(c.function),
          c.name, Show(after) + " after " + std::to_string(static_cast<int>(took)) + " ms");
  }
  Result before = rt.Call("context", "", milliseconds(1000));
  Result r = rt.Call("contextSpin", "", milliseconds(1000));
  std::this_thread::sleep_for(milliseconds(30));
  Result after = rt.Call("context", "", milliseconds(5000));
  Check(before.ok() && r.ok() && after.ok() && after.value == before.value && Contains(after.value, "store undefined") &&
            log.Saw("runawayInContext"),
        "a runaway interrupted inside an AsyncLocalStorage context leaves no stale context behind",
        Show(before) + " then " + Show(after));
  r = rt.Call("busy", "700", milliseconds(3000));
  Check(r.ok() && r.value == "done", "a call that runs longer than the runaway budget is its caller's, not the watchdog's", Show(r));
  r = rt.Call("sleepEcho", "20", milliseconds(1000));
  Check(r.ok() && r.value == "20" && rt.serving(), "the runtime keeps serving after the watchdog's interruptions", Show(r));
}

// A policy that allocates without bound stops its runtime at heap_mb; the host lives on.
void HeapChecks() {
  LogCapture log;
  struct Stops {
    std::mutex mutex;
    int count = 0;
    std::string reason;
  };
  auto stops = std::make_shared<Stops>();
  bridge::RuntimeOptions options = Options("grows-heap.js", &log);
  options.heap_mb = 64;
  options.on_stop = [stops](const std::string& reason) {
    std::lock_guard<std::mutex> lock(stops->mutex);
    ++stops->count;
    stops->reason = reason;
  };
  auto started = PolicyRuntime::Start(options);
  if (!started.runtime) {
    Check(false, "a runtime with heap_mb=64 starts", started.error);
    return;
  }
  PolicyRuntime& rt = *started.runtime;
  const std::string reason = "the policy ran out of heap (limit 64 MB)";
  Result grown;
  auto start = Clock::now();
  std::thread grower([&] { grown = rt.Call("grow", "", milliseconds(60000)); });
  std::this_thread::sleep_for(milliseconds(20));
  auto queued = std::make_shared<AsyncOutcome>();
  rt.CallAsync("echo", "behind", milliseconds(60000), AsyncOutcome::Into(queued));
  grower.join();
  double took = MsSince(start);
  Check(grown.status == Result::Status::kUnavailable && Contains(grown.value, reason),
        "a call that allocates without bound fails with the heap reason (heap_mb=64)",
        Show(grown) + " after " + std::to_string(static_cast<int>(took)) + " ms");
  bool done = queued->Wait(milliseconds(5000));
  Check(done && queued->result.status == Result::Status::kUnavailable && Contains(queued->result.value, reason),
        "a call queued behind it fails with the same reason", Show(queued->result));
  auto until = Clock::now() + milliseconds(5000);
  while (Clock::now() < until && rt.serving()) std::this_thread::sleep_for(milliseconds(5));
  Check(!rt.serving() && Contains(rt.stop_reason(), reason), "the runtime stops serving; stop_reason() says why", rt.stop_reason());
  int stop_count = 0;
  std::string stop_reason;
  until = Clock::now() + milliseconds(5000);
  do {
    std::this_thread::sleep_for(milliseconds(5));
    std::lock_guard<std::mutex> lock(stops->mutex);
    stop_count = stops->count;
    stop_reason = stops->reason;
  } while (stop_count == 0 && Clock::now() < until);
  Check(stop_count == 1 && Contains(stop_reason, reason), "on_stop is called once with the reason", stop_reason);
  Result after = rt.Call("echo", "x", milliseconds(1000));
  auto refused = std::make_shared<AsyncOutcome>();
  rt.CallAsync("echo", "x", milliseconds(1000), AsyncOutcome::Into(refused));
  Check(after.status == Result::Status::kUnavailable && Contains(after.value, reason) && refused->count() == 1 &&
            refused->result.status == Result::Status::kUnavailable,
        "later calls (blocking and async) get kUnavailable with the reason at once", Show(after));
  started.runtime.reset();
  {
    std::lock_guard<std::mutex> lock(stops->mutex);
    Check(stops->count == 1, "destroying the stopped runtime does not call on_stop again");
  }

  // Allocation nobody's call owns (a timer): the same stop.
  stops->count = 0;
  auto again = PolicyRuntime::Start(options);
  if (again.runtime) {
    Result r = again.runtime->Call("growLater", "", milliseconds(1000));
    until = Clock::now() + milliseconds(20000);
    do {
      std::this_thread::sleep_for(milliseconds(10));
      std::lock_guard<std::mutex> lock(stops->mutex);
      stop_count = stops->count;
      stop_reason = stops->reason;
    } while (stop_count == 0 && Clock::now() < until);
    Check(r.ok() && stop_count == 1 && Contains(stop_reason, reason) && !again.runtime->serving(),
          "a timer that allocates without bound stops the runtime the same way", Show(r) + "; " + stop_reason);
    again.runtime.reset();
  } else {
    Check(false, "a timer that allocates without bound stops the runtime the same way", again.error);
  }

  auto fresh = StartBundle("policy.js", nullptr);
  Result r = fresh.runtime ? fresh.runtime->Call("echo", "fresh", milliseconds(1000)) : Result{};
  Check(r.ok() && r.value == "fresh", "a new runtime started after a heap exhaustion serves calls", fresh.error + Show(r));
}

// Percentiles of `calls` blocking calls of `method` with `payload`, in microseconds.
std::string RoundTrips(PolicyRuntime& rt, const std::string& method, const std::string& payload, int calls) {
  for (int i = 0; i < calls / 10; ++i) rt.Call(method, payload, milliseconds(1000));
  std::vector<double> us;
  us.reserve(calls);
  int bad = 0;
  for (int i = 0; i < calls; ++i) {
    auto start = Clock::now();
    Result r = rt.Call(method, payload, milliseconds(1000));
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!r.ok() || r.value.size() != (method == "empty" ? 0 : payload.size())) ++bad;
  }
  std::sort(us.begin(), us.end());
  char line[160];
  std::snprintf(line, sizeof line, "p50 %.1f us, p99 %.1f us, max %.1f us (%d failed)", us[calls / 2],
                us[calls * 99 / 100], us.back(), bad);
  return line;
}

void ThroughputFigure(PolicyRuntime& rt) {
  constexpr int kThreads = 4;
  constexpr int kCalls = 20000;
  std::atomic<int> bad{0};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCalls; ++i) {
        if (!rt.Call("empty", "", milliseconds(5000)).ok()) ++bad;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  double seconds = MsSince(start) / 1000;
  std::printf("figure - empty calls from %d host threads at once: %.0f calls/s (%d x %d calls, %d failed)\n", kThreads,
              kThreads * kCalls / seconds, kThreads, kCalls, bad.load());
}

void BadBundleChecks() {
  struct Case {
    const char* file;
    const char* expect;
    const char* name;
  };
  const Case cases[] = {
      {"syntax-error.js", "SyntaxError", "a bundle with a syntax error gives a start error"},
      {"throws-at-load.js", "this bundle refuses to load", "a bundle that throws at load gives a start error"},
      {"no-handle.js", "does not export a handle(method, payload) function", "a bundle without handle() gives a start error"},
      {"missing.js", "does not exist", "a missing bundle gives a start error"},
      {"", "no policy bundle given", "no bundle gives a start error"},
  };
  for (const auto& c : cases) {
    LogCapture log;
    auto started = StartBundle(c.file, &log);
    Check(!started.runtime && Contains(started.error, c.expect), c.name, started.error);
  }
  auto start = Clock::now();
  auto started = StartBundle("spins-at-load.js", nullptr, milliseconds(300));
  double took = MsSince(start);
  Check(!started.runtime && Contains(started.error, "start timeout") && took < 2000,
        "a bundle that never finishes loading is interrupted at the start timeout",
        started.error + " after " + std::to_string(static_cast<int>(took)) + " ms");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) fixtures = argv[1];
  const HostState before = HostState::Take();

  LogCapture log;
  const ProcessFigures host = ProcessFigures::Take();
  auto start = Clock::now();
  auto started = StartBundle("policy.js", &log);
  double start_ms = MsSince(start);
  Check(started.runtime != nullptr, "the runtime starts with the test bundle", started.error);
  if (started.runtime) {
    const ProcessFigures with_runtime = ProcessFigures::Take();
    std::printf("figure - first start (Node process init + environment + bundle): %.1f ms, +%ld MB RSS, +%d threads\n",
                start_ms, (with_runtime.rss_kb - host.rss_kb) / 1024, with_runtime.threads - host.threads);
    PolicyRuntime& rt = *started.runtime;
    ResultChecks(rt, log);
    BinaryChecks(rt);
    DeadlineChecks(rt);
    AsyncChecks(rt);
    ConcurrencyCheck(rt);
    MixedConcurrencyCheck(rt);
    LatencyFigure(rt);
    ThroughputFigure(rt);
    Check(rt.serving(), "the runtime still serves after all of that");
    auto stop = Clock::now();
    started.runtime.reset();  // a `never` promise and a timer may still be pending
    double stop_ms = MsSince(stop);
    Check(stop_ms < 2000, "clean shutdown", std::to_string(static_cast<int>(stop_ms)) + " ms");
  }

  SpinWaitChecks(fixtures);
  {
    // The concurrency checks again with no spinning: every call through a wake-up, as before spin_wait.
    bridge::RuntimeOptions options = Options("policy.js", nullptr);
    options.spin_wait = std::chrono::microseconds::zero();
    auto no_spin = PolicyRuntime::Start(std::move(options));
    Check(no_spin.runtime != nullptr, "a runtime with spin_wait 0 starts", no_spin.error);
    if (no_spin.runtime) {
      ConcurrencyCheck(*no_spin.runtime);
      MixedConcurrencyCheck(*no_spin.runtime);
      AsyncChecks(*no_spin.runtime);
    }
  }
  AsyncStopCheck();
  WatchdogChecks();
  HeapChecks();
  BadBundleChecks();

  start = Clock::now();
  auto again = StartBundle("default-export.js", nullptr);
  start_ms = MsSince(start);
  Result r = again.runtime ? again.runtime->Call("m", "p", milliseconds(1000)) : Result{};
  Check(r.ok() && r.value == "default:m:p", "a new runtime starts after shutdown (default-export bundle)", again.error + Show(r));
  if (again.runtime) std::printf("figure - later start (environment + bundle): %.1f ms\n", start_ms);
  again.runtime.reset();

  Check(HostState::Take() == before, "the host's stdio flags, signal handlers and signal mask are unchanged");

  return CheckSummary();
}
