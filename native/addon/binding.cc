#include "binding.h"

#include <napi.h>
#include <uv.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iterator>
#include <optional>
#include <unordered_map>

namespace mesos_policy::addon {
namespace {

// Payloads from this size on are handed to JavaScript without a copy: a Buffer over the request's
// own bytes that keeps the request alive. Below it a copy is cheaper than the external buffer's
// bookkeeping (see README: figures).
constexpr size_t kZeroCopyFrom = 64 * 1024;

// With a spin window, the longest the loop serves and polls before it lets libuv run (timers, I/O,
// promise jobs, the runaway watch's turn); a window longer than this is a turn of its own.
constexpr std::chrono::microseconds kLongestTurn{200};

// The bytes of an answer: a Uint8Array (Buffers are), an ArrayBuffer, or a string sent as UTF-8.
std::optional<std::string> BytesOf(napi_env env, napi_value value) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return std::nullopt;
  if (type == napi_string) {
    size_t length = 0;
    if (napi_get_value_string_utf8(env, value, nullptr, 0, &length) != napi_ok) return std::nullopt;
    std::string out(length, '\0');
    // Writes length + 1 bytes: the last is the terminator std::string keeps anyway.
    if (napi_get_value_string_utf8(env, value, out.data(), length + 1, &length) != napi_ok) return std::nullopt;
    out.resize(length);
    return out;
  }
  void* data = nullptr;
  size_t length = 0;
  bool is = false;
  if (napi_is_typedarray(env, value, &is) == napi_ok && is) {
    napi_typedarray_type array_type;
    if (napi_get_typedarray_info(env, value, &array_type, &length, &data, nullptr, nullptr) != napi_ok ||
        (array_type != napi_uint8_array && array_type != napi_uint8_clamped_array)) {
      return std::nullopt;
    }
  } else if (napi_is_arraybuffer(env, value, &is) == napi_ok && is) {
    if (napi_get_arraybuffer_info(env, value, &data, &length) != napi_ok) return std::nullopt;
  } else {
    return std::nullopt;
  }
  return length == 0 ? std::string() : std::string(static_cast<const char*>(data), length);
}

// An exception's stack when it has one, else its text.
std::string Describe(napi_env env, napi_value error) {
  napi_valuetype type;
  if (napi_typeof(env, error, &type) != napi_ok) return "unprintable exception";
  if (type == napi_object) {
    napi_value stack;
    napi_valuetype stack_type;
    if (napi_get_named_property(env, error, "stack", &stack) == napi_ok &&
        napi_typeof(env, stack, &stack_type) == napi_ok && stack_type == napi_string) {
      return BytesOf(env, stack).value_or("unprintable exception");
    }
  }
  if (type == napi_string) return "non-Error thrown: " + BytesOf(env, error).value_or("");
  napi_value text;
  bool pending = false;
  if (napi_coerce_to_string(env, error, &text) != napi_ok) {
    napi_is_exception_pending(env, &pending);
    if (pending) napi_get_and_clear_last_exception(env, &text);
    return "unprintable exception";
  }
  return "non-Error thrown: " + BytesOf(env, text).value_or("");
}

// The wake-up handle lives apart from the binding: its memory must stay until libuv's close
// callback, which may come after the binding is gone (a Node process exiting).
struct WakeHandle {
  uv_async_t async{};
  class BindingImpl* owner = nullptr;
};

class BindingImpl final : public Binding {
 public:
  BindingImpl(napi_env env, BindingHost& host, RequestQueue& queue) : env_(env), host_(host), queue_(queue) {}
  ~BindingImpl() override;

  std::string Init(Napi::Object exports, bool keep_loop_alive);

  bool serving() const override { return !handler_.IsEmpty(); }
  void Open() override;
  void ClearAsyncContextStack() override;
  void Shutdown(const Result& failure) override;
  bool closed() const override { return wake_ == nullptr; }

 private:
  friend void OnWakeClosed(uv_handle_t* handle);

  Napi::Value JsServe(const Napi::CallbackInfo& info);
  Napi::Value JsComplete(const Napi::CallbackInfo& info);
  Napi::Value JsLog(const Napi::CallbackInfo& info);
  void WatchAsyncStack(Napi::Object stack);

  void OnWake();
  void ServeAndPoll();
  void Dispatch(const std::shared_ptr<Request>& request);
  napi_value Payload(const std::shared_ptr<Request>& request);
  std::optional<Result> Interpret(napi_status status, napi_value returned);
  void Answer(uint64_t id, Result result);
  void SweepAbandoned();

  const napi_env env_;
  BindingHost& host_;
  RequestQueue& queue_;
  Napi::FunctionReference handler_;
  // Node's async-context fields (kept alive by the reference) and the slots the clearing writes.
  Napi::ObjectReference async_stack_;
  uint32_t* async_stack_length_ = nullptr;
  double* execution_async_id_ = nullptr;
  double* trigger_async_id_ = nullptr;
  WakeHandle* wake_ = nullptr;      // owned by libuv from uv_async_init to its close callback
  // Requests handed to JavaScript whose answer has not come back yet.
  std::unordered_map<uint64_t, std::shared_ptr<Request>> inflight_;
  uint64_t next_id_ = 1;
  size_t sweep_at_ = 64;
  // The last turn was cut short while serving or polling: the next one polls on until this (the
  // poll window the cut-off turn had left). Empty: it was not.
  std::optional<std::chrono::steady_clock::time_point> resume_polling_until_;
  bool answered_a_sleeper_ = false;  // the batch just served woke a caller (RequestQueue::poll_now)
};

void OnWakeClosed(uv_handle_t* handle) {
  std::unique_ptr<WakeHandle> wake(reinterpret_cast<WakeHandle*>(handle));  // async is the first member
  if (wake->owner != nullptr) wake->owner->wake_ = nullptr;
}

BindingImpl::~BindingImpl() {
  if (wake_ != nullptr) wake_->owner = nullptr;
}

std::string BindingImpl::Init(Napi::Object exports, bool keep_loop_alive) {
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env_, &loop) != napi_ok || loop == nullptr) return "Node-API gave no event loop";
  auto wake = std::make_unique<WakeHandle>();
  int failed = uv_async_init(loop, &wake->async, [](uv_async_t* handle) {
    if (auto* self = reinterpret_cast<WakeHandle*>(handle)->owner) self->OnWake();
  });
  if (failed != 0) return std::string("uv_async_init failed: ") + uv_strerror(failed);
  wake->owner = this;
  if (!keep_loop_alive) uv_unref(reinterpret_cast<uv_handle_t*>(&wake->async));
  wake_ = wake.release();  // freed by OnWakeClosed

  Napi::Env env(env_);
  exports.Set("serve", Napi::Function::New(env, [this](const Napi::CallbackInfo& info) { return JsServe(info); }, "serve"));
  exports.Set("complete", Napi::Function::New(env, [this](const Napi::CallbackInfo& info) { return JsComplete(info); }, "complete"));
  exports.Set("log", Napi::Function::New(env, [this](const Napi::CallbackInfo& info) { return JsLog(info); }, "log"));
  return {};
}

void BindingImpl::Open() {
  WakeHandle* wake = wake_;
  if (wake == nullptr) return;
  // Called under the queue's lock, so never after Shutdown's Close(): the handle is still open.
  queue_.Open([wake] { uv_async_send(&wake->async); });
}

void BindingImpl::Shutdown(const Result& failure) {
  for (const auto& request : queue_.Close()) request->Finish(failure);
  for (auto& entry : inflight_) entry.second->Finish(failure);
  inflight_.clear();
  handler_.Reset();
  async_stack_length_ = nullptr;
  async_stack_.Reset();
  if (wake_ != nullptr && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&wake_->async))) {
    uv_close(reinterpret_cast<uv_handle_t*>(&wake_->async), OnWakeClosed);
  }
}

Napi::Value BindingImpl::JsServe(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) throw Napi::TypeError::New(info.Env(), "serve(handler): handler must be a function");
  handler_ = Napi::Persistent(info[0].As<Napi::Function>());
  if (info[1].IsObject()) WatchAsyncStack(info[1].As<Napi::Object>());
  host_.OnServe();
  return info.Env().Undefined();
}

// { fields: Uint32Array, ids: Float64Array, constants: { kStackLength, kExecutionAsyncId,
// kTriggerAsyncId } }; anything else leaves the clearing off.
void BindingImpl::WatchAsyncStack(Napi::Object stack) {
  Napi::Value fields = stack.Get("fields");
  Napi::Value ids = stack.Get("ids");
  Napi::Value constants = stack.Get("constants");
  if (!fields.IsTypedArray() || !ids.IsTypedArray() || !constants.IsObject()) return;
  auto field_array = fields.As<Napi::TypedArray>();
  auto id_array = ids.As<Napi::TypedArray>();
  if (field_array.TypedArrayType() != napi_uint32_array || id_array.TypedArrayType() != napi_float64_array) return;
  auto index = [&](const char* name, size_t size) -> int64_t {
    Napi::Value value = constants.As<Napi::Object>().Get(name);
    int64_t at = value.IsNumber() ? value.As<Napi::Number>().Int64Value() : -1;
    return at >= 0 && static_cast<size_t>(at) < size ? at : -1;
  };
  const int64_t length_at = index("kStackLength", field_array.ElementLength());
  const int64_t execution_at = index("kExecutionAsyncId", id_array.ElementLength());
  const int64_t trigger_at = index("kTriggerAsyncId", id_array.ElementLength());
  if (length_at < 0 || execution_at < 0 || trigger_at < 0) return;
  async_stack_ = Napi::Persistent(stack);
  async_stack_length_ = fields.As<Napi::Uint32Array>().Data() + length_at;
  execution_async_id_ = ids.As<Napi::Float64Array>().Data() + execution_at;
  trigger_async_id_ = ids.As<Napi::Float64Array>().Data() + trigger_at;
}

void BindingImpl::ClearAsyncContextStack() {
  if (async_stack_length_ == nullptr) return;
  *async_stack_length_ = 0;
  *execution_async_id_ = 0;
  *trigger_async_id_ = 0;
}

Napi::Value BindingImpl::JsComplete(const Napi::CallbackInfo& info) {
  if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "complete(id, ok, answer): id must be a number");
  const auto id = static_cast<uint64_t>(info[0].As<Napi::Number>().DoubleValue());
  const bool ok = info[1].ToBoolean();
  if (ok) {
    std::optional<std::string> bytes = BytesOf(env_, info[2]);
    Answer(id, bytes ? Result::Ok(std::move(*bytes))
                     : Result::Error("complete(): the answer must be a Uint8Array or a string"));
  } else {
    std::optional<std::string> text = BytesOf(env_, info[2]);
    Answer(id, Result::Error(text ? std::move(*text) : Describe(env_, info[2])));
  }
  return info.Env().Undefined();
}

Napi::Value BindingImpl::JsLog(const Napi::CallbackInfo& info) {
  const int level = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 1;
  std::string text = BytesOf(env_, info[1]).value_or("");
  if (text.empty() && !info[1].IsString()) text = info[1].ToString().Utf8Value();
  host_.Log(static_cast<LogLevel>(std::clamp(level, 0, 3)), text);
  return info.Env().Undefined();
}

void BindingImpl::OnWake() {
  // A C++ exception must not unwind into libuv; node-addon-api throws on failed Node-API calls.
  try {
    if (queue_.spin_now() > std::chrono::microseconds::zero()) {
      ServeAndPoll();
    } else {
      for (const auto& request : queue_.TakeAll()) Dispatch(request);
    }
    if (inflight_.size() >= sweep_at_) SweepAbandoned();
  } catch (const std::exception& e) {
    host_.Log(LogLevel::kError, std::string("the policy runtime's dispatch failed: ") + e.what());
  }
}

// Serves the queue, then keeps polling it for spin_wait after each batch, so a caller that calls
// again soon (or several callers) need not wake the loop. Returns to libuv after spin_wait without
// a request, or after kLongestTurn in all: timers, I/O and promise jobs must not starve. A turn cut
// short, while serving or in the middle of a poll window, wakes the loop itself, so that it comes
// back here after one libuv iteration and polls out the window instead of going to sleep (a turn
// that ended mid-window and slept made the caller's next request wake the loop: on a VM that is
// tens of µs, for one call in every few turns). After a batch that woke a caller it polls longer
// while wake-ups are slow (RequestQueue::poll_now). After a spinner found the machine busy
// (spin_now() zero) it stops polling: there a wake-up is cheap.
void BindingImpl::ServeAndPoll() {
  struct EndPolling {
    RequestQueue& queue;
    ~EndPolling() { queue.EndPolling(); }  // also on a throw: otherwise nobody would wake the loop
  } end_polling{queue_};
  using Clock = RequestQueue::Clock;
  const auto turn_ends = Clock::now() + std::max<Clock::duration>(queue_.spin_now(), kLongestTurn);
  RequestQueue::Batch batch = queue_.BeginPolling();
  if (batch.empty() && resume_polling_until_) batch = queue_.Poll(std::min(*resume_polling_until_, turn_ends));
  resume_polling_until_.reset();
  while (!batch.empty()) {
    answered_a_sleeper_ = false;
    for (const auto& request : batch) Dispatch(request);
    batch.clear();
    const auto now = Clock::now();
    const auto window = queue_.poll_now(answered_a_sleeper_);
    if (window == std::chrono::microseconds::zero()) break;  // the machine got busy: sleep
    const auto window_ends = now + window;
    if (now >= turn_ends) {
      resume_polling_until_ = window_ends;
      break;
    }
    batch = queue_.Poll(std::min(window_ends, turn_ends));
    if (batch.empty() && window_ends > turn_ends && queue_.spin_now() > std::chrono::microseconds::zero()) {
      resume_polling_until_ = window_ends;  // the turn ended, not the window
    }
  }
  if (resume_polling_until_ && wake_ != nullptr && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&wake_->async))) {
    queue_.ResumeSoon();
    uv_async_send(&wake_->async);
  }
}

void BindingImpl::Dispatch(const std::shared_ptr<Request>& request) {
  if (auto refused = host_.Enter(request.get())) {
    request->Finish(std::move(*refused));
    return;
  }
  // Entered before Begin: a caller that times out once the request is running always finds it marked.
  if (!request->Begin()) {  // the caller gave up while it was queued
    host_.Leave();
    return;
  }
  const uint64_t id = next_id_++;
  inflight_.emplace(id, request);
  std::optional<Result> answer;
  {
    Napi::HandleScope scope(Napi::Env{env_});
    napi_value argv[3];
    napi_status status = napi_create_double(env_, static_cast<double>(id), &argv[0]);
    if (status == napi_ok) {
      status = napi_create_string_utf8(env_, request->method().data(), request->method().size(), &argv[1]);
    }
    argv[2] = status == napi_ok ? Payload(request) : nullptr;
    napi_value returned = nullptr;
    if (argv[2] == nullptr) {
      answer = Result::Error("the request could not be handed to JavaScript (too large?)");
    } else if (handler_.IsEmpty()) {
      answer = Result::Error("no request handler is registered (serve)");
    } else {
      // Like node::MakeCallback: the microtasks (promise reactions) run before it returns, so a
      // runaway in them is still this call's. The receiver is also the call's async resource: a
      // fresh one per call, so that an AsyncLocalStorage store an interrupted call left on it
      // cannot leak into the next.
      napi_value receiver = nullptr;
      status = napi_create_object(env_, &receiver);
      if (status == napi_ok) status = napi_make_callback(env_, nullptr, receiver, handler_.Value(), 3, argv, &returned);
    }
    // Asked before the outcome is looked at: a terminated run leaves nothing worth describing.
    if (auto outcome = host_.Leave()) {
      napi_value ignored;
      bool pending = false;
      if (napi_is_exception_pending(env_, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env_, &ignored);
      answer = std::move(outcome);
    } else if (!answer) {
      answer = Interpret(status, returned);
    }
  }
  if (answer) {
    Answer(id, std::move(*answer));
  } else if (!request->Suspend()) {
    inflight_.erase(id);  // answered already (complete() ran), or the caller gave up
  }
}

napi_value BindingImpl::Payload(const std::shared_ptr<Request>& request) {
  const size_t size = request->payload().size();
  napi_value out = nullptr;
  if (size >= kZeroCopyFrom) {
    auto keep = std::make_unique<std::shared_ptr<Request>>(request);
    auto release = [](napi_env, void*, void* hint) {
      std::unique_ptr<std::shared_ptr<Request>> drop(static_cast<std::shared_ptr<Request>*>(hint));
    };
    if (napi_create_external_buffer(env_, size, request->payload_data(), release, keep.get(), &out) == napi_ok) {
      keep.release();  // now the buffer's: freed by `release` when JavaScript lets go of it
      return out;
    }
    bool pending = false;  // e.g. a V8 sandbox that forbids external buffers: copy instead
    if (napi_is_exception_pending(env_, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env_, &out);
  }
  if (napi_create_buffer_copy(env_, size, request->payload().data(), nullptr, &out) != napi_ok) {
    bool pending = false;
    if (napi_is_exception_pending(env_, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env_, &out);
    return nullptr;
  }
  return out;
}

std::optional<Result> BindingImpl::Interpret(napi_status status, napi_value returned) {
  if (status == napi_pending_exception) {
    napi_value error = nullptr;
    bool pending = false;
    if (napi_is_exception_pending(env_, &pending) == napi_ok && pending &&
        napi_get_and_clear_last_exception(env_, &error) == napi_ok) {
      return Result::Error(Describe(env_, error));
    }
    return Result::Unavailable("the policy runtime can no longer run JavaScript");
  }
  if (status != napi_ok) return Result::Error("calling the request handler failed (Node-API status " + std::to_string(status) + ")");
  napi_valuetype type;
  if (napi_typeof(env_, returned, &type) == napi_ok && type == napi_undefined) return std::nullopt;
  if (auto bytes = BytesOf(env_, returned)) return Result::Ok(std::move(*bytes));
  return Result::Error("the request handler returned something other than a Uint8Array, a string or undefined");
}

void BindingImpl::Answer(uint64_t id, Result result) {
  auto found = inflight_.find(id);
  if (found == inflight_.end()) return;  // swept: its caller gave up long ago
  std::shared_ptr<Request> request = std::move(found->second);
  inflight_.erase(found);
  if (request->Finish(std::move(result))) answered_a_sleeper_ = true;
}

// Promises that never settle would keep their abandoned requests forever; drop those now and then.
void BindingImpl::SweepAbandoned() {
  for (auto it = inflight_.begin(); it != inflight_.end();) {
    it = it->second->abandoned() ? inflight_.erase(it) : std::next(it);
  }
  sweep_at_ = std::max<size_t>(64, 2 * inflight_.size());
}

thread_local LinkedBindingTarget linked_target;

}  // namespace

std::unique_ptr<Binding> Binding::Create(napi_env env, napi_value exports, BindingHost& host, RequestQueue& queue,
                                         bool keep_loop_alive, std::string* error) {
  auto binding = std::make_unique<BindingImpl>(env, host, queue);
  try {
    *error = binding->Init(Napi::Object(env, exports), keep_loop_alive);
  } catch (const Napi::Error& e) {
    *error = e.Message();
  }
  if (!error->empty()) {
    binding->Shutdown(Result::Unavailable(*error));
    return nullptr;
  }
  return binding;
}

void SetLinkedBindingTarget(LinkedBindingTarget target) { linked_target = std::move(target); }

napi_value RegisterLinkedBinding(napi_env env, napi_value exports) {
  LinkedBindingTarget target = std::move(linked_target);
  linked_target = {};
  if (target.host == nullptr || target.queue == nullptr) {
    napi_throw_error(env, nullptr, "the mesos_policy_bridge binding serves one runtime and was already taken");
    return nullptr;
  }
  std::string error;
  std::unique_ptr<Binding> binding = Binding::Create(env, exports, *target.host, *target.queue, true, &error);
  if (!binding) {
    napi_throw_error(env, nullptr, error.c_str());
    return nullptr;
  }
  // Owned by the environment from here: freed when it is (the loop has shut it down by then).
  auto finalize = [](napi_env, void* data, void*) { std::unique_ptr<Binding> drop(static_cast<Binding*>(data)); };
  if (napi_add_finalizer(env, exports, binding.get(), finalize, nullptr, nullptr) != napi_ok) {
    napi_throw_error(env, nullptr, "registering the binding's finalizer failed");
    return nullptr;
  }
  Binding* created = binding.release();
  if (target.created) target.created(created);
  return exports;
}

int BindingNapiVersion() { return NAPI_VERSION; }

}  // namespace mesos_policy::addon
