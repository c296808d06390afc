// The native host test programs' checks: one line per check ("ok - name" / "FAIL - name: detail"),
// then "N passed, N failed" (parsed by test/native/host-program.ts). Header-only; one program each.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "result.h"

namespace mesos_policy::testing {

struct CheckCounts {
  int passed = 0;
  int failed = 0;
};

inline CheckCounts& Counts() {
  static CheckCounts counts;
  return counts;
}

// Newlines and NULs in the detail are shown as '|' and '\0', so one check stays one line.
inline void Check(bool ok, const std::string& name, const std::string& detail = "") {
  (ok ? Counts().passed : Counts().failed)++;
  std::string shown;
  for (char c : detail.substr(0, 400)) shown += c == '\n' ? "|" : c == '\0' ? "\\0" : std::string(1, c);
  std::printf("%s - %s%s%s\n", ok ? "ok" : "FAIL", name.c_str(), shown.empty() ? "" : ": ", shown.c_str());
  std::fflush(stdout);
}

// Prints the summary line; the program's exit status.
inline int CheckSummary() {
  std::printf("%d passed, %d failed\n", Counts().passed, Counts().failed);
  return Counts().failed == 0 ? 0 : 1;
}

inline std::string Show(const bridge::Result& r) {
  return std::string(bridge::StatusName(r.status)) + " '" + r.value.substr(0, 300) + "'";
}

inline bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// What an asynchronous call's callback delivered: how often it ran, the last result and when.
struct AsyncOutcome {
  std::mutex mutex;
  std::condition_variable done;
  int calls = 0;
  bridge::Result result;
  std::chrono::steady_clock::time_point at;

  static std::function<void(bridge::Result)> Into(const std::shared_ptr<AsyncOutcome>& outcome) {
    return [outcome](bridge::Result r) {
      {
        std::lock_guard<std::mutex> lock(outcome->mutex);
        ++outcome->calls;
        outcome->result = std::move(r);
        outcome->at = std::chrono::steady_clock::now();
      }
      outcome->done.notify_all();
    };
  }
  bool Wait(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mutex);
    return done.wait_for(lock, wait, [this] { return calls > 0; });
  }
  int count() {
    std::lock_guard<std::mutex> lock(mutex);
    return calls;
  }
};

}  // namespace mesos_policy::testing
