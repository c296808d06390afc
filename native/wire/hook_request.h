// A Request carrying one HookCall, written as bytes around the hook's arguments: what the Mesos hook
// adapter (native/mesos/hook.cc) sends, and what the bridge's benchmark times as its request.
// Protobuf merges concatenated fields, so the arguments may be written in any order and in pieces.
#pragma once

#include <google/protobuf/message_lite.h>

#include <string>

#include "wire_copy.h"

namespace mesos_policy::wire {

class HookRequest {
 public:
  // `hook`: the arguments' field number in HookCall (e.g. kMasterLaunchTaskLabelDecoratorFieldNumber).
  explicit HookRequest(int hook) : hook_(hook) {}

  // `from` as the arguments' field `field`, copied into the protocol's type `To` (AppendAsField).
  template <typename To, typename From>
  void Copy(int field, const From& from) {
    AppendAsField<To>(field, from, &args_);
  }

  // Fields set on a message of the arguments' type: what is not a copy (strings, converted lists).
  void Merge(const google::protobuf::MessageLite& fields) { fields.AppendPartialToString(&args_); }

  // The Request's bytes; the engine's clock for the call is `now_ms`.
  std::string Finish(double now_ms) const;

 private:
  int hook_;
  std::string args_;
};

}  // namespace mesos_policy::wire
