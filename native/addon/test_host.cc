#include "test_host.h"

#include <algorithm>
#include <chrono>

#include "blocking_call.h"

namespace mesos_policy::addon {

struct TestHost::Job {
  std::string method;
  std::string payload;
  std::chrono::milliseconds deadline;
  Napi::Promise::Deferred deferred;
  Result result;
};

// Lives as long as the thread-safe function (its finalizer frees it), which may outlive the host.
struct TestHost::Delivery {
  TestHost* host = nullptr;  // JS thread; cleared when the host goes
};

Napi::Function TestHost::Define(Napi::Env env) {
  return DefineClass(env, "TestHost",
                     {InstanceMethod<&TestHost::Call>("call"), InstanceMethod<&TestHost::Close>("close"),
                      InstanceMethod<&TestHost::Logs>("logs"), InstanceMethod<&TestHost::Stats>("stats")});
}

namespace {

// createTestHost({ spinWaitUs }): RuntimeOptions::spin_wait for this host's queue (0 when absent).
std::chrono::microseconds SpinWaitOption(const Napi::CallbackInfo& info) {
  if (!info[0].IsObject() || !info[0].As<Napi::Object>().Has("spinWaitUs")) return std::chrono::microseconds::zero();
  const double us = info[0].As<Napi::Object>().Get("spinWaitUs").ToNumber().DoubleValue();
  if (!(us >= 0 && us <= 100000)) throw Napi::RangeError::New(info.Env(), "spinWaitUs must be between 0 and 100000");
  return std::chrono::microseconds(static_cast<int64_t>(us));
}

}  // namespace

TestHost::TestHost(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<TestHost>(info), queue_(SpinWaitOption(info), /*spin_on_busy_machine=*/true) {
  Napi::Env env = info.Env();
  unsigned threads = 4;
  if (info[0].IsObject() && info[0].As<Napi::Object>().Has("threads")) {
    threads = info[0].As<Napi::Object>().Get("threads").ToNumber().Uint32Value();
  }
  threads = std::clamp(threads, 1u, 64u);
  std::string error;
  binding_ = Binding::Create(env, info.This(), *this, queue_, false, &error);
  if (!binding_) throw Napi::Error::New(env, "creating the binding failed: " + error);

  auto delivery = std::make_unique<Delivery>();
  delivery->host = this;
  results_ = Napi::TypedThreadSafeFunction<Delivery, Job, &TestHost::Deliver>::New(
      env, "mesos-policy test host", 0, 1, delivery.get(),
      [](Napi::Env, void*, Delivery* context) { std::unique_ptr<Delivery> drop(context); });
  delivery_ = delivery.release();  // the thread-safe function's now
  results_.Unref(env);  // only calls in flight keep the process alive
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { HostThread(); });
  cleanup_hooked_ = napi_add_env_cleanup_hook(env, &TestHost::OnEnvCleanup, this) == napi_ok;
}

TestHost::~TestHost() {
  if (cleanup_hooked_) napi_remove_env_cleanup_hook(Env(), &TestHost::OnEnvCleanup, this);
  Shutdown();
}

void TestHost::OnEnvCleanup(void* data) {
  auto* self = static_cast<TestHost*>(data);
  self->cleanup_hooked_ = false;
  self->Shutdown();
}

void TestHost::Log(LogLevel level, const std::string& text) {
  log_.push_back(std::string(bridge::LogLevelName(level)) + ": " + text);
}

void TestHost::OnServe() {
  if (open_) binding_->Open();
}

Napi::Value TestHost::Call(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "call(method, payload, deadlineMs): method must be a string");
  auto job = std::make_unique<Job>(Job{info[0].As<Napi::String>().Utf8Value(), {},
                                       std::chrono::milliseconds(info[2].IsNumber() ? info[2].As<Napi::Number>().Int64Value() : 1000),
                                       Napi::Promise::Deferred::New(env), Result{}});
  if (info[1].IsTypedArray() && info[1].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    auto bytes = info[1].As<Napi::Uint8Array>();
    job->payload.assign(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength());
  } else if (info[1].IsString()) {
    job->payload = info[1].As<Napi::String>().Utf8Value();
  } else if (!info[1].IsUndefined()) {
    throw Napi::TypeError::New(env, "call(method, payload, deadlineMs): payload must be a Uint8Array or a string");
  }
  Napi::Promise promise = job->deferred.Promise();
  if (!open_) {
    job->result = Result::Unavailable("the test host is closed");
    Deliver(env, Napi::Function(), nullptr, job.release());
    return promise;
  }
  ++submitted_;
  if (outstanding_++ == 0) results_.Ref(env);
  {
    std::lock_guard<std::mutex> lock(jobs_mutex_);
    jobs_.push_back(std::move(job));
  }
  jobs_ready_.notify_one();
  return promise;
}

// One host thread: takes call jobs and makes each a blocking call, as a Mesos thread would.
void TestHost::HostThread() {
  for (;;) {
    std::unique_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(jobs_mutex_);
      jobs_ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to answer
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    auto request = std::make_shared<Request>(job->method, std::move(job->payload));
    job->result = bridge::BlockingCall(queue_, request, job->deadline, nullptr,
                                       [] { return std::string("the test host is closed"); });
    // Queued without limit, so this never waits; on failure (the environment is going) it is dropped.
    if (results_.BlockingCall(job.get()) == napi_ok) job.release();
  }
}

// JS thread: settles one call's promise.
void TestHost::Deliver(Napi::Env env, Napi::Function, Delivery* delivery, Job* data) {
  std::unique_ptr<Job> job(data);
  if (env == nullptr) return;  // the environment is being torn down
  Napi::Object result = Napi::Object::New(env);
  result.Set("status", bridge::StatusName(job->result.status));
  result.Set("value", Napi::Buffer<char>::Copy(env, job->result.value.data(), job->result.value.size()));
  job->deferred.Resolve(result);
  if (delivery != nullptr && delivery->host != nullptr) delivery->host->Delivered(env);
}

void TestHost::Delivered(Napi::Env env) {
  ++delivered_;
  if (outstanding_ > 0 && --outstanding_ == 0) results_.Unref(env);
}

Napi::Value TestHost::Close(const Napi::CallbackInfo& info) {
  Shutdown();
  return info.Env().Undefined();
}

// Closing fails what is queued or unanswered (kUnavailable), which frees the host threads blocked
// on them; their results still reach JavaScript before the thread-safe function is released.
void TestHost::Shutdown() {
  if (!open_) return;
  open_ = false;
  binding_->Shutdown(Result::Unavailable("the test host is closed"));
  {
    std::lock_guard<std::mutex> lock(jobs_mutex_);
    stopping_ = true;
  }
  jobs_ready_.notify_all();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  // Results still queued are delivered after this (their promises settle) but no longer counted;
  // the context is the thread-safe function's, freed by its finalizer once released.
  delivery_->host = nullptr;
  delivery_ = nullptr;
  results_.Release();
}

Napi::Value TestHost::Logs(const Napi::CallbackInfo& info) {
  Napi::Array lines = Napi::Array::New(info.Env(), log_.size());
  for (size_t i = 0; i < log_.size(); ++i) lines.Set(i, log_[i]);
  return lines;
}

Napi::Value TestHost::Stats(const Napi::CallbackInfo& info) {
  Napi::Object stats = Napi::Object::New(info.Env());
  stats.Set("submitted", static_cast<double>(submitted_));
  stats.Set("delivered", static_cast<double>(delivered_));
  stats.Set("outstanding", static_cast<double>(outstanding_));
  const auto counters = queue_.counters();
  stats.Set("wakeups", static_cast<double>(counters.wakeups));
  stats.Set("polled", static_cast<double>(counters.polled));
  return stats;
}

}  // namespace mesos_policy::addon
