#include "request.h"

namespace mesos_policy::bridge {

bool Request::Begin() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ != State::kQueued) return false;
  state_ = State::kRunning;
  return true;
}

bool Request::Suspend() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (state_ != State::kRunning) return false;
  state_ = State::kPending;
  return true;
}

void Request::Finish(Result result) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ == State::kDone || state_ == State::kAbandoned) return;
    state_ = State::kDone;
    result_ = std::move(result);
  }
  answered_.notify_one();
}

bool Request::abandoned() {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_ == State::kAbandoned;
}

std::optional<Result> Request::Await(Clock::time_point deadline, State* left) {
  std::unique_lock<std::mutex> lock(mutex_);
  answered_.wait_until(lock, deadline, [this] { return state_ == State::kDone; });
  if (state_ == State::kDone) return std::move(result_);
  *left = state_;
  state_ = State::kAbandoned;
  return std::nullopt;
}

}  // namespace mesos_policy::bridge
