// The outcome of one call into the policy runtime: a value or a typed failure with a message.
#pragma once

#include <string>

namespace mesos_policy::bridge {

struct Result {
  enum class Status {
    kOk,           // `value` holds the answer's bytes (a Uint8Array's, or a string's UTF-8)
    kError,        // the policy threw, rejected or returned something that is not bytes or a string
    kTimeout,      // the deadline passed; a call still running was interrupted
    kUnavailable,  // the runtime is not running (stopped, or never started)
  };

  Status status = Status::kUnavailable;
  std::string value;  // the answer's raw bytes when ok(), otherwise what went wrong (text)

  bool ok() const { return status == Status::kOk; }

  static Result Ok(std::string value) { return {Status::kOk, std::move(value)}; }
  static Result Error(std::string message) { return {Status::kError, std::move(message)}; }
  static Result Timeout(std::string message) { return {Status::kTimeout, std::move(message)}; }
  static Result Unavailable(std::string message) { return {Status::kUnavailable, std::move(message)}; }
};

const char* StatusName(Result::Status status);

}  // namespace mesos_policy::bridge
