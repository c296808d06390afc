#include "result.h"

namespace mesos_policy::bridge {

const char* StatusName(Result::Status status) {
  switch (status) {
    case Result::Status::kOk: return "ok";
    case Result::Status::kError: return "error";
    case Result::Status::kTimeout: return "timeout";
    case Result::Status::kUnavailable: return "unavailable";
  }
  return "unknown";
}

}  // namespace mesos_policy::bridge
