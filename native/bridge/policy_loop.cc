#include "policy_loop.h"

#include "bootstrap_source.h"
#include "node_process.h"
#include "v8_text.h"

namespace mesos_policy::bridge {
namespace {

constexpr char kStopped[] = "the policy runtime stopped before answering";

// The environment must not own process state (cwd, title, uid, signals) or the inspector, and must
// not look for modules in $HOME/.node_modules or $NODE_PATH; fds opened by fs.open are closed with it.
constexpr uint64_t kEnvironmentFlags = node::EnvironmentFlags::kNoGlobalSearchPaths |
                                       node::EnvironmentFlags::kNoCreateInspector |
                                       node::EnvironmentFlags::kTrackUnmanagedFds;

v8::Local<v8::Value> Property(v8::Local<v8::Context> context, v8::Local<v8::Object> object,
                              const char* name) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Value> value;
  if (!object->Get(context, v8::String::NewFromUtf8(isolate, name).ToLocalChecked()).ToLocal(&value)) {
    return v8::Undefined(isolate);
  }
  return value;
}

}  // namespace

PolicyLoop::PolicyLoop(std::string bundle, const RuntimeOptions& options, RequestQueue& queue,
                       ExecutionControl& control, RunawayWatch& runaway)
    : bundle_(std::move(bundle)),
      options_(options),
      queue_(queue),
      control_(control),
      runaway_(runaway),
      heap_(control, options.heap_mb) {}

const void* PolicyLoop::LoadToken() {
  static const char token = 0;
  return &token;
}

void PolicyLoop::Run(std::promise<std::string>& started) {
  std::string error;
  node::MultiIsolatePlatform* platform = NodePlatform(options_.node_args, &error);
  if (platform == nullptr) {
    started.set_value(error);
    return;
  }
  setup_ = NodeEnvironment::Create(platform, {"mesos-policy", bundle_}, kEnvironmentFlags, options_.heap_mb, &error);
  if (!setup_) {
    started.set_value(error);
    return;
  }
  v8::Isolate* isolate = setup_->isolate();
  control_.Attach(isolate, setup_->env(), [this] {
    if (binding_ != nullptr) binding_->ClearAsyncContextStack();
  });
  bool served = false;
  {
    v8::Locker locker(isolate);
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope handle_scope(isolate);
    v8::Context::Scope context_scope(setup_->context());
    heap_.Attach(isolate);
    error = Load();
    if (error.empty()) {
      served = true;
      binding_->Open();
      started.set_value("");
      Serve();
    }
    Teardown();
    heap_.Detach();
  }
  control_.Detach();
  setup_.reset();
  if (!served) {
    started.set_value(error);
  } else if (!control_.stopped_by_host() && options_.on_stop) {
    try {
      options_.on_stop(control_.stop_reason());
    } catch (...) {
      Log(LogLevel::kError, "the host's on_stop callback threw");
    }
  }
}

std::string PolicyLoop::Load() {
  v8::Isolate* isolate = setup_->isolate();
  node::Environment* env = setup_->env();
  v8::Local<v8::Context> context = setup_->context();

  // The bootstrap replaces process.exit; this catches any other way out. The default handler would
  // exit the host process.
  node::SetProcessExitHandler(env, [this](node::Environment*, int code) {
    control_.StopOnItsOwn("the policy runtime exited with code " + std::to_string(code));
  });
  addon::SetLinkedBindingTarget({this, &queue_, [this](addon::Binding* binding) { binding_ = binding; }});
  node::AddLinkedBinding(env, addon::kBindingName, addon::RegisterLinkedBinding, addon::BindingNapiVersion());
  int failed = runaway_.Start(setup_->event_loop());
  if (failed != 0) return std::string("starting the runaway watch failed: ") + uv_strerror(failed);

  v8::TryCatch caught(isolate);
  control_.Enter(LoadToken());
  v8::MaybeLocal<v8::Value> loaded = node::LoadEnvironment(env, kBootstrapSource);
  const bool timed_out = control_.Leave();
  addon::SetLinkedBindingTarget({});
  if (control_.stopping()) return "the policy runtime stopped while loading the bundle: " + control_.stop_reason();
  if (timed_out) {
    return "loading the policy bundle " + bundle_ + " took longer than the start timeout (" +
           std::to_string(options_.start_timeout.count()) + " ms)";
  }
  if (caught.HasCaught()) return "the policy runtime's bootstrap failed: " + DescribeException(isolate, context, caught);
  v8::Local<v8::Value> value;
  if (!loaded.ToLocal(&value) || !value->IsObject()) return "the policy runtime's bootstrap returned nothing";
  v8::Local<v8::Value> error = Property(context, value.As<v8::Object>(), "error");
  if (error->IsString()) return ToUtf8(isolate, error.As<v8::String>());
  if (binding_ == nullptr || !binding_->serving()) return "the policy runtime's bootstrap registered no request handler";
  return {};
}

void PolicyLoop::Serve() {
  node::SpinEventLoop(setup_->env());
  // With the binding's wake-up handle open the loop only ends when stopped; anything else is a stop
  // of its own too.
  if (!control_.stopping()) control_.StopOnItsOwn("the policy runtime's event loop ended");
  if (!control_.stopped_by_host()) Log(LogLevel::kError, control_.stop_reason() + "; the policy runtime no longer serves");
}

std::optional<Result> PolicyLoop::Enter(const Request* request) {
  if (control_.stopping()) return Result::Unavailable(StoppedMessage());
  control_.Enter(request);
  return std::nullopt;
}

std::optional<Result> PolicyLoop::Leave() {
  const bool terminated = control_.Leave();
  // Terminated because the runtime stops (out of heap, exit): the call fails with the reason.
  if (control_.stopping()) return Result::Unavailable(StoppedMessage());
  // Terminated at its caller's deadline: the caller has its time-out already.
  if (terminated) return Result::Timeout("interrupted");
  return std::nullopt;
}

std::string PolicyLoop::StoppedMessage() {
  std::string reason = control_.stop_reason();
  return reason.empty() ? kStopped : std::string(kStopped) + ": " + reason;
}

void PolicyLoop::Log(LogLevel level, const std::string& text) {
  // Called from JavaScript: a C++ exception must not unwind through V8's frames.
  try {
    if (options_.log) {
      options_.log(level, text);
    } else {
      LogToStderr(level, text);
    }
  } catch (...) {
    LogToStderr(LogLevel::kError, "the host's log callback threw; the message was: " + text);
  }
}

void PolicyLoop::Teardown() {
  const Result failure = Result::Unavailable(StoppedMessage());
  // Stopped first so that the loop iterations below run no JavaScript.
  control_.Stop();
  if (binding_ != nullptr) {
    binding_->Shutdown(failure);
  } else {
    for (const auto& request : queue_.Close()) request->Finish(failure);
  }
  runaway_.Close();
  while ((binding_ != nullptr && !binding_->closed()) || !runaway_.closed()) {
    uv_run(setup_->event_loop(), UV_RUN_NOWAIT);
  }
}

}  // namespace mesos_policy::bridge
