// The copy of a message into a wire-compatible type of the bridge protocol (convert.h explains the
// protocol's types): its bytes parsed as the other type. Needs nothing of Mesos, so the bridge's
// benchmark (bench/native/bridge_latency.cc) times the very copy the hook adapter makes.
#pragma once

namespace mesos_policy::adapter {

// Towards the protocol nothing is required, so the copy cannot fail. Fields outside the protocol's
// subset are discarded rather than carried along as unknown fields (TaskInfo.data can be large).
template <typename To, typename From>
To ToProtocol(const From& from) {
  To to;
  to.ParsePartialFromString(from.SerializePartialAsString());
  to.DiscardUnknownFields();
  return to;
}

}  // namespace mesos_policy::adapter
