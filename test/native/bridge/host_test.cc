// bridge_host_test: drives a real PolicyRuntime the way a host (mesos-master) would — start with a
// bundle, calls from many threads, failures of every kind, deadlines, bad bundles, shutdown.
// Prints one line per check, then "N passed, N failed"; exits non-zero when a check failed.
// Usage: bridge_host_test [fixtures-dir]
#include <fcntl.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime.h"

namespace bridge = mesos_policy::bridge;
using bridge::PolicyRuntime;
using bridge::Result;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

std::string fixtures = MESOS_POLICY_FIXTURES;
int passed = 0;
int failed = 0;

// One line per check: newlines and NULs in the detail are shown as '|' and '\0'.
void Check(bool ok, const std::string& name, const std::string& detail = "") {
  (ok ? passed : failed)++;
  std::string shown;
  for (char c : detail.substr(0, 400)) shown += c == '\n' ? "|" : c == '\0' ? "\\0" : std::string(1, c);
  std::printf("%s - %s%s%s\n", ok ? "ok" : "FAIL", name.c_str(), shown.empty() ? "" : ": ", shown.c_str());
  std::fflush(stdout);
}

std::string Show(const Result& r) {
  return std::string(bridge::StatusName(r.status)) + " '" + r.value.substr(0, 300) + "'";
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

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

PolicyRuntime::Started StartBundle(const std::string& file, LogCapture* log, milliseconds start_timeout = milliseconds(30000)) {
  bridge::RuntimeOptions options;
  options.bundle = file.empty() || file[0] == '/' ? file : fixtures + "/" + file;
  if (log != nullptr) options.log = log->fn();
  options.start_timeout = start_timeout;
  return PolicyRuntime::Start(std::move(options));
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
    DeadlineChecks(rt);
    ConcurrencyCheck(rt);
    LatencyFigure(rt);
    Check(rt.serving(), "the runtime still serves after all of that");
    auto stop = Clock::now();
    started.runtime.reset();  // a `never` promise and a timer may still be pending
    double stop_ms = MsSince(stop);
    Check(stop_ms < 2000, "clean shutdown", std::to_string(static_cast<int>(stop_ms)) + " ms");
  }

  BadBundleChecks();

  start = Clock::now();
  auto again = StartBundle("default-export.js", nullptr);
  start_ms = MsSince(start);
  Result r = again.runtime ? again.runtime->Call("m", "p", milliseconds(1000)) : Result{};
  Check(r.ok() && r.value == "default:m:p", "a new runtime starts after shutdown (default-export bundle)", again.error + Show(r));
  if (again.runtime) std::printf("figure - later start (environment + bundle): %.1f ms\n", start_ms);
  again.runtime.reset();

  Check(HostState::Take() == before, "the host's stdio flags, signal handlers and signal mask are unchanged");

  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
