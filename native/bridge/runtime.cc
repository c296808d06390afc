#include "runtime.h"

#include <filesystem>
#include <future>
#include <system_error>

#include "blocking_call.h"
#include "policy_loop.h"

namespace mesos_policy::bridge {
namespace {

// The bundle's absolute path (createRequire needs one), or "" with `*error` set.
std::string ResolveBundle(const std::string& bundle, std::string* error) {
  if (bundle.empty()) {
    *error = "no policy bundle given";
    return {};
  }
  std::error_code ec;
  std::filesystem::path path = std::filesystem::absolute(bundle, ec);
  if (ec || !std::filesystem::is_regular_file(path, ec)) {
    *error = "the policy bundle " + bundle + " does not exist or is not a file";
    return {};
  }
  return path.lexically_normal().string();
}

}  // namespace

PolicyRuntime::PolicyRuntime(Key, RuntimeOptions options)
    : options_(std::move(options)), queue_(options_.spin_wait, options_.spin_on_busy_machine), runaway_(control_, options_.runaway_budget, options_.log) {
  watchdog_ = std::make_unique<Watchdog>(
      [this](const std::shared_ptr<Request>& request, std::chrono::milliseconds deadline) { Expire(request, deadline); },
      [this] { runaway_.Tick(); }, runaway_.tick_period());
}

PolicyRuntime::Started PolicyRuntime::Start(RuntimeOptions options) {
  std::string error;
  std::string bundle = ResolveBundle(options.bundle, &error);
  if (bundle.empty()) return {nullptr, error};
  if (options.spin_wait < std::chrono::microseconds::zero() || options.spin_wait > RuntimeOptions::kMaxSpinWait) {
    return {nullptr, "spin_wait must be between 0 and " + std::to_string(RuntimeOptions::kMaxSpinWait.count()) +
                         " µs, not " + std::to_string(options.spin_wait.count())};
  }

  auto runtime = std::make_unique<PolicyRuntime>(Key{}, std::move(options));
  // Shared with the loop thread, which may still be inside set_value() when this thread wakes.
  auto started = std::make_shared<std::promise<std::string>>();
  std::future<std::string> outcome = started->get_future();
  PolicyRuntime* self = runtime.get();
  runtime->thread_ = std::thread([self, bundle, started] {
    PolicyLoop loop(bundle, self->options_, self->queue_, self->control_, self->runaway_);
    loop.Run(*started);
  });

  // Past the start timeout, interrupt the bundle's load (if that is what runs) until start-up ends.
  auto wait = self->options_.start_timeout;
  while (outcome.wait_for(wait) != std::future_status::ready) {
    self->control_.TerminateIf(PolicyLoop::LoadToken());
    wait = std::chrono::milliseconds(10);
  }
  error = outcome.get();
  if (!error.empty()) {
    runtime->thread_.join();
    return {nullptr, error};
  }
  return {std::move(runtime), {}};
}

PolicyRuntime::~PolicyRuntime() {
  if (!thread_.joinable()) return;
  for (const auto& request : queue_.Close()) {
    request->Finish(Result::Unavailable("the policy runtime stopped before answering"));
  }
  control_.Stop();  // from this thread: also ends a runaway script that no deadline interrupted
  thread_.join();
  watchdog_.reset();  // after the loop: it ticks the runaway watch, which the loop uses
}

Result PolicyRuntime::Call(std::string method, std::string payload, std::chrono::milliseconds deadline) {
  auto request = std::make_shared<Request>(std::move(method), std::move(payload));
  return BlockingCall(queue_, request, deadline,
                      [this](const Request* running) { return control_.TerminateIf(running); },
                      [this] { return NotServing(); });
}

void PolicyRuntime::CallAsync(std::string method, std::string payload, std::chrono::milliseconds deadline,
                              Callback done) {
  auto request = std::make_shared<Request>(std::move(method), std::move(payload), std::move(done));
  if (!queue_.Push(request)) {
    request->Finish(Result::Unavailable(NotServing()));
    return;
  }
  watchdog_->Watch(request, deadline);  // answered first? Then the watch finds nothing to expire
}

// On the watchdog thread, at an asynchronous call's deadline.
void PolicyRuntime::Expire(const std::shared_ptr<Request>& request, std::chrono::milliseconds deadline) {
  Request::State left = Request::State::kQueued;
  Request::Callback done = request->Expire(&left);
  if (!done) return;  // answered in time
  const bool interrupted = left == Request::State::kRunning && control_.TerminateIf(request.get());
  RunCallback(done, Result::Timeout(DeadlineMessage(request->method(), deadline, left, interrupted)));
}

std::string PolicyRuntime::stop_reason() { return queue_.open() ? std::string() : control_.stop_reason(); }

std::string PolicyRuntime::NotServing() {
  std::string reason = control_.stop_reason();
  return reason.empty() ? "the policy runtime is not running" : "the policy runtime is not running: " + reason;
}

}  // namespace mesos_policy::bridge
