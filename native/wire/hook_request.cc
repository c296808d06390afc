#include "hook_request.h"

#include "bridge.pb.h"

namespace mesos_policy::wire {

std::string HookRequest::Finish(double now_ms) const {
  std::string call;
  call.reserve(args_.size() + 8);
  AppendLengthDelimited(hook_, args_, &call);
  std::string request;
  request.reserve(call.size() + 16);
  AppendDouble(protocol::Request::kNowMsFieldNumber, now_ms, &request);
  AppendLengthDelimited(protocol::Request::kHookFieldNumber, call, &request);
  return request;
}

}  // namespace mesos_policy::wire
