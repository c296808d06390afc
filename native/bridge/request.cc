#include "request.h"

#include <exception>

#include "log.h"
#include "spin.h"

namespace mesos_policy::bridge {

bool Request::Begin() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ != State::kQueued) return false;
  state_ = State::kRunning;
  begun_flag_.store(true, std::memory_order_release);
  return true;
}

bool Request::Suspend() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ != State::kRunning) return false;
  state_ = State::kPending;
  return true;
}

bool Request::Finish(Result result) {
  Callback done;
  bool woke = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ == State::kDone || state_ == State::kAbandoned) return false;
    state_ = State::kDone;
    if (!done_) {
      result_ = std::move(result);
      done_flag_.store(true, std::memory_order_release);
      if (waiting_) {
        finished_at_ = Clock::now();
        woke = true;
      }
    } else {
      done.swap(done_);  // the state change above makes this the only run
    }
  }
  if (done) {
    RunCallback(done, std::move(result));
  } else {
    answered_.notify_one();
  }
  return woke;
}

bool Request::abandoned() {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_ == State::kAbandoned;
}

bool Request::SpinUntilAnswered(Clock::time_point until, bool* contended) {
  return SpinUntil(until, [this] { return done_flag_.load(std::memory_order_acquire); }, contended);
}

std::optional<Result> Request::Await(Clock::time_point deadline, State* left) {
  std::unique_lock<std::mutex> lock(mutex_);
  waiting_ = true;
  answered_.wait_until(lock, deadline, [this] { return state_ == State::kDone; });
  waiting_ = false;
  if (state_ == State::kDone) {
    if (finished_at_ != Clock::time_point{}) wake_up_latency_ = Clock::now() - finished_at_;
    return std::move(result_);
  }
  *left = state_;
  state_ = State::kAbandoned;
  return std::nullopt;
}

Request::Callback Request::Expire(State* left) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ == State::kDone || state_ == State::kAbandoned) return nullptr;
  *left = state_;
  state_ = State::kAbandoned;
  Callback done;
  done.swap(done_);
  return done;
}

void RunCallback(const Request::Callback& done, Result result) {
  try {
    done(std::move(result));
  } catch (const std::exception& e) {
    LogToStderr(LogLevel::kError, std::string("a policy call's completion callback threw: ") + e.what());
  } catch (...) {
    LogToStderr(LogLevel::kError, "a policy call's completion callback threw");
  }
}

}  // namespace mesos_policy::bridge
