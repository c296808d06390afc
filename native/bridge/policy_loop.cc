#include "policy_loop.h"

#include <algorithm>
#include <iterator>

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

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "; ") + line;
  return out;
}

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
                       ExecutionControl& control)
    : bundle_(std::move(bundle)), options_(options), queue_(queue), control_(control) {}

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
  std::vector<std::string> errors;
  setup_ = node::CommonEnvironmentSetup::Create(
      platform, &errors, std::vector<std::string>{"mesos-policy", bundle_}, std::vector<std::string>{},
      static_cast<node::EnvironmentFlags::Flags>(kEnvironmentFlags));
  if (!setup_) {
    started.set_value("creating the Node environment failed: " + Join(errors));
    return;
  }
  v8::Isolate* isolate = setup_->isolate();
  node::Environment* env = setup_->env();
  control_.Attach(isolate, env);
  bool serving = false;
  {
    v8::Locker locker(isolate);
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope handle_scope(isolate);
    v8::Context::Scope context_scope(setup_->context());
    error = Load();
    if (error.empty()) {
      queue_.Open([this] { uv_async_send(&wake_); });
      serving = true;
      started.set_value("");
      node::SpinEventLoop(env);
      if (!control_.stopping()) Log(LogLevel::kError, "the policy runtime's event loop ended; it no longer serves");
    }
    Teardown();
  }
  control_.Detach();
  setup_.reset();
  if (!serving) started.set_value(error);
}

std::string PolicyLoop::Load() {
  v8::Isolate* isolate = setup_->isolate();
  node::Environment* env = setup_->env();
  v8::Local<v8::Context> context = setup_->context();

  // The bootstrap replaces process.exit; this catches any other way out. The default handler would
  // exit the host process.
  node::SetProcessExitHandler(env, [this](node::Environment*, int code) {
    Log(LogLevel::kError, "the policy runtime exited with code " + std::to_string(code) + "; it no longer serves");
    control_.Stop();
  });
  AddHostBinding(env, this);
  int failed = uv_async_init(setup_->event_loop(), &wake_, [](uv_async_t* handle) {
    static_cast<PolicyLoop*>(handle->data)->OnWake();
  });
  if (failed != 0) return std::string("uv_async_init failed: ") + uv_strerror(failed);
  wake_.data = this;
  wake_open_ = true;

  v8::TryCatch caught(isolate);
  control_.Enter(LoadToken());
  v8::MaybeLocal<v8::Value> loaded = node::LoadEnvironment(env, kBootstrapSource);
  if (control_.Leave()) {
    return "loading the policy bundle " + bundle_ + " took longer than the start timeout (" +
           std::to_string(options_.start_timeout.count()) + " ms)";
  }
  if (caught.HasCaught()) return "the policy runtime's bootstrap failed: " + DescribeException(isolate, context, caught);
  v8::Local<v8::Value> value;
  if (!loaded.ToLocal(&value) || !value->IsObject()) return "the policy runtime's bootstrap returned nothing";
  v8::Local<v8::Object> outcome = value.As<v8::Object>();
  v8::Local<v8::Value> error = Property(context, outcome, "error");
  if (error->IsString()) return ToUtf8(isolate, error.As<v8::String>());
  v8::Local<v8::Value> dispatch = Property(context, outcome, "dispatch");
  if (!dispatch->IsFunction()) return "the policy runtime's bootstrap returned no dispatch function";
  dispatch_.Reset(isolate, dispatch.As<v8::Function>());
  resource_.Reset(isolate, v8::Object::New(isolate));
  return {};
}

void PolicyLoop::OnWake() {
  for (const auto& request : queue_.TakeAll()) Dispatch(request);
  if (inflight_.size() >= sweep_at_) SweepAbandoned();
}

void PolicyLoop::Dispatch(const std::shared_ptr<Request>& request) {
  if (control_.stopping()) {
    request->Finish(Result::Unavailable(kStopped));
    return;
  }
  // Enter before Begin: a caller that times out once the request is running always finds it marked.
  control_.Enter(request.get());
  if (!request->Begin()) {  // the caller gave up while it was queued
    control_.Leave();
    return;
  }
  const uint64_t id = next_id_++;
  inflight_.emplace(id, request);
  std::optional<Result> answer;
  {
    v8::Isolate* isolate = setup_->isolate();
    v8::HandleScope handle_scope(isolate);
    // Runs the microtasks (promise reactions) when it closes; its own TryCatch would report a throw
    // as an uncaught exception, so the call gets an inner one.
    node::CallbackScope callback_scope(isolate, resource_.Get(isolate), {0, 0});
    v8::TryCatch caught(isolate);
    answer = CallPolicy(id, *request, caught);
  }
  control_.Leave();
  if (answer) {
    Answer(id, std::move(*answer));
  } else if (!request->Suspend()) {
    inflight_.erase(id);  // answered already (complete() ran), or the caller gave up
  }
}

std::optional<Result> PolicyLoop::CallPolicy(uint64_t id, const Request& request, const v8::TryCatch& caught) {
  v8::Isolate* isolate = setup_->isolate();
  v8::Local<v8::Context> context = setup_->context();
  v8::Local<v8::Value> argv[3];
  argv[0] = v8::Number::New(isolate, static_cast<double>(id));
  v8::Local<v8::String> text;
  if (!FromUtf8(isolate, request.method()).ToLocal(&text)) return Result::Error("the method name is too long");
  argv[1] = text;
  if (!FromUtf8(isolate, request.payload()).ToLocal(&text)) {
    return Result::Error("the payload is too large for a JavaScript string");
  }
  argv[2] = text;
  v8::MaybeLocal<v8::Value> returned = dispatch_.Get(isolate)->Call(context, v8::Undefined(isolate), 3, argv);
  // Terminated: its caller timed out and has gone (or the runtime is stopping).
  if (caught.HasTerminated()) return Result::Timeout("interrupted");
  // MakeCallback-style calls can return a value even after a throw: check the TryCatch first.
  if (caught.HasCaught()) return Result::Error(DescribeException(isolate, context, caught));
  v8::Local<v8::Value> value;
  if (!returned.ToLocal(&value)) return Result::Unavailable(kStopped);
  if (value->IsString()) return Result::Ok(ToUtf8(isolate, value.As<v8::String>()));
  return std::nullopt;  // answered through complete(), now or later
}

void PolicyLoop::Answer(uint64_t id, Result result) {
  auto found = inflight_.find(id);
  if (found == inflight_.end()) return;  // swept: its caller gave up long ago
  std::shared_ptr<Request> request = std::move(found->second);
  inflight_.erase(found);
  request->Finish(std::move(result));
}

void PolicyLoop::OnComplete(uint64_t id, bool ok, std::string text) {
  Answer(id, ok ? Result::Ok(std::move(text)) : Result::Error(std::move(text)));
}

void PolicyLoop::OnLog(int level, const std::string& text) {
  Log(level <= 0 ? LogLevel::kDebug : level >= 3 ? LogLevel::kError : static_cast<LogLevel>(level), text);
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

// Promises that never settle would keep their abandoned requests forever; drop those now and then.
void PolicyLoop::SweepAbandoned() {
  for (auto it = inflight_.begin(); it != inflight_.end();) {
    it = it->second->abandoned() ? inflight_.erase(it) : std::next(it);
  }
  sweep_at_ = std::max<size_t>(64, 2 * inflight_.size());
}

void PolicyLoop::Teardown() {
  for (const auto& request : queue_.Close()) request->Finish(Result::Unavailable(kStopped));
  for (auto& entry : inflight_) entry.second->Finish(Result::Unavailable(kStopped));
  inflight_.clear();
  dispatch_.Reset();
  resource_.Reset();
  // Stopped before the handle is closed so that the loop iterations below run no JavaScript.
  control_.Stop();
  if (wake_open_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&wake_), [](uv_handle_t* handle) {
      static_cast<PolicyLoop*>(handle->data)->wake_open_ = false;
    });
    while (wake_open_) uv_run(setup_->event_loop(), UV_RUN_NOWAIT);
  }
}

}  // namespace mesos_policy::bridge
