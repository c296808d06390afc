#include "runaway_watch.h"

#include <v8.h>

#include <algorithm>

#include "v8_text.h"

namespace mesos_policy::bridge {
namespace {

constexpr int kStackFrames = 6;

// "fn (file:line:column) <- caller (…)", innermost first: names the runaway in the log.
std::string DescribeStack(v8::Isolate* isolate) {
  v8::HandleScope scope(isolate);
  v8::Local<v8::StackTrace> trace = v8::StackTrace::CurrentStackTrace(isolate, kStackFrames);
  std::string out;
  for (int i = 0; i < trace->GetFrameCount(); ++i) {
    v8::Local<v8::StackFrame> frame = trace->GetFrame(isolate, i);
    std::string name = frame->GetFunctionName().IsEmpty() ? "" : ToUtf8(isolate, frame->GetFunctionName());
    std::string script = frame->GetScriptName().IsEmpty() ? "?" : ToUtf8(isolate, frame->GetScriptName());
    out += (out.empty() ? "" : " <- ") + (name.empty() ? std::string("<anonymous>") : name) + " (" + script + ":" +
           std::to_string(frame->GetLineNumber()) + ":" + std::to_string(frame->GetColumn()) + ")";
  }
  return out.empty() ? "no JavaScript frames" : out;
}

}  // namespace

RunawayWatch::RunawayWatch(ExecutionControl& control, std::chrono::milliseconds budget, const LogFn& log)
    : control_(control), budget_(budget), log_(log) {}

RunawayWatch::Clock::duration RunawayWatch::tick_period() const {
  return std::clamp<Clock::duration>(budget_ / 10, std::chrono::milliseconds(5), std::chrono::milliseconds(250));
}

int RunawayWatch::Start(uv_loop_t* loop) {
  int failed = uv_prepare_init(loop, &prepare_);
  if (failed != 0) return failed;
  prepare_.data = this;
  ++open_handles_;
  failed = uv_check_init(loop, &check_);
  if (failed != 0) return failed;
  check_.data = this;
  ++open_handles_;
  uv_prepare_start(&prepare_, [](uv_prepare_t* handle) { static_cast<RunawayWatch*>(handle->data)->control_.Turn(); });
  uv_check_start(&check_, [](uv_check_t* handle) { static_cast<RunawayWatch*>(handle->data)->control_.Turn(); });
  // They only observe the loop: they must not keep it alive.
  uv_unref(reinterpret_cast<uv_handle_t*>(&prepare_));
  uv_unref(reinterpret_cast<uv_handle_t*>(&check_));
  return 0;
}

void RunawayWatch::Close() {
  auto closed = [](uv_handle_t* handle) { --static_cast<RunawayWatch*>(handle->data)->open_handles_; };
  for (auto* handle : {reinterpret_cast<uv_handle_t*>(&prepare_), reinterpret_cast<uv_handle_t*>(&check_)}) {
    if (handle->loop != nullptr && !uv_is_closing(handle)) uv_close(handle, closed);
  }
}

void RunawayWatch::Tick() {
  if (budget_.count() == 0) return;
  const uint64_t turn = control_.turn();
  if (turn != tick_turn_) {
    tick_turn_ = turn;
    return;
  }
  // The loop has not turned since the last tick: it waits for I/O, or JavaScript runs. Ask.
  if (!probe_pending_.exchange(true) && !control_.RequestInterrupt(&RunawayWatch::OnInterrupt, this)) {
    probe_pending_ = false;
  }
}

void RunawayWatch::OnInterrupt(v8::Isolate* isolate, void* data) {
  static_cast<RunawayWatch*>(data)->Probe(isolate);
}

void RunawayWatch::Probe(v8::Isolate* isolate) {
  probe_pending_ = false;
  if (control_.running() != nullptr) return;  // a caller owns this run: its deadline applies
  const uint64_t turn = control_.turn();
  const Clock::time_point now = Clock::now();
  if (turn != probe_turn_) {
    probe_turn_ = turn;
    first_probe_at_ = now;
    return;
  }
  const auto ran = std::chrono::duration_cast<std::chrono::milliseconds>(now - first_probe_at_);
  if (ran < budget_) return;
  const std::string where = DescribeStack(isolate);
  if (!control_.TerminateRunaway()) return;
  probe_turn_ = ~uint64_t{0};
  Log("interrupted JavaScript that ran for over " + std::to_string(ran.count()) +
      " ms with no call waiting for it (from a timer, an I/O callback or a promise job; budget " +
      std::to_string(budget_.count()) + " ms) at " + where + "; the runtime keeps serving");
}

void RunawayWatch::Log(const std::string& text) {
  try {
    if (log_) {
      log_(LogLevel::kError, text);
    } else {
      LogToStderr(LogLevel::kError, text);
    }
  } catch (...) {
    LogToStderr(LogLevel::kError, text);
  }
}

}  // namespace mesos_policy::bridge
