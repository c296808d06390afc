#include "runtime.h"

#include <filesystem>
#include <future>
#include <system_error>

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

PolicyRuntime::PolicyRuntime(Key, RuntimeOptions options) : options_(std::move(options)) {}

PolicyRuntime::Started PolicyRuntime::Start(RuntimeOptions options) {
  std::string error;
  std::string bundle = ResolveBundle(options.bundle, &error);
  if (bundle.empty()) return {nullptr, error};

  auto runtime = std::make_unique<PolicyRuntime>(Key{}, std::move(options));
  // Shared with the loop thread, which may still be inside set_value() when this thread wakes.
  auto started = std::make_shared<std::promise<std::string>>();
  std::future<std::string> outcome = started->get_future();
  PolicyRuntime* self = runtime.get();
  runtime->thread_ = std::thread([self, bundle, started] {
    PolicyLoop loop(bundle, self->options_, self->queue_, self->control_);
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
}

Result PolicyRuntime::Call(std::string method, std::string payload, std::chrono::milliseconds deadline) {
  const auto until = Request::Clock::now() + deadline;
  auto request = std::make_shared<Request>(std::move(method), std::move(payload));
  if (!queue_.Push(request)) return Result::Unavailable("the policy runtime is not running");
  Request::State left = Request::State::kQueued;
  if (auto result = request->Await(until, &left)) return std::move(*result);

  std::string what = "call '" + request->method() + "' passed its deadline of " +
                     std::to_string(deadline.count()) + " ms";
  if (left == Request::State::kRunning && control_.TerminateIf(request.get())) {
    what += " and was interrupted";
  } else if (left == Request::State::kQueued) {
    what += " while queued";
  } else if (left == Request::State::kPending) {
    what += " waiting for its promise";
  }
  return Result::Timeout(what);
}

}  // namespace mesos_policy::bridge
