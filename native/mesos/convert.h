// Conversions between Mesos's messages and the bridge protocol's. The protocol's Mesos types are
// wire-compatible subsets of Mesos's (same field numbers and types), so a message converts by
// serializing it and parsing the bytes as the other type; fields outside the subset are dropped.
// Towards Mesos the result must have Mesos's `required` fields, and resources must validate.
#pragma once

#include <google/protobuf/repeated_field.h>
#include <mesos/attributes.hpp>
#include <mesos/mesos.hpp>
#include <mesos/resources.hpp>
#include <stout/error.hpp>
#include <stout/hashmap.hpp>
#include <stout/try.hpp>

#include <string>

#include "bridge.pb.h"
#include "wire_copy.h"

namespace mesos_policy::adapter {

namespace protocol = ::mesos_policy::protocol;

using wire::ToProtocol;

// The other type's view of `from`'s bytes. Fails when a `required` field of `To` is missing.
template <typename To, typename From>
Try<To> WireCopy(const From& from) {
  To to;
  if (!to.ParsePartialFromString(from.SerializePartialAsString())) {
    return Error("a " + from.GetTypeName() + " does not parse as " + to.GetTypeName());
  }
  if (!to.IsInitialized()) {
    return Error("a " + from.GetTypeName() + " lacks what " + to.GetTypeName() +
                 " requires: " + to.InitializationErrorString());
  }
  return to;
}

// Mesos → protocol. Resources: every copy of a shared resource listed (Mesos holds it once, counted).
void ToProtocol(const mesos::Resources& resources, google::protobuf::RepeatedPtrField<protocol::Resource>* out);
protocol::Resource ToProtocol(const mesos::Resource& resource);
protocol::AgentInfo ToProtocol(const mesos::SlaveInfo& info);
protocol::FrameworkInfo ToProtocol(const mesos::FrameworkInfo& info);
protocol::ContainerID ToProtocol(const mesos::ContainerID& id);
protocol::ExecutorInfo ToProtocol(const mesos::ExecutorInfo& info);
protocol::TaskInfo ToProtocol(const mesos::TaskInfo& info);

// Protocol → Mesos; each resource must parse and pass Resources::validate.
Try<mesos::Resources> FromProtocol(const google::protobuf::RepeatedPtrField<protocol::Resource>& resources);
Try<mesos::Attributes> AttributesFromProtocol(const google::protobuf::RepeatedPtrField<protocol::Attribute>& attributes);

mesos::FrameworkID FrameworkIdOf(const std::string& value);
mesos::SlaveID AgentIdOf(const std::string& value);

// "cpus:1; mem:32"-like text for logs.
std::string Describe(const google::protobuf::RepeatedPtrField<protocol::Resource>& resources);

}  // namespace mesos_policy::adapter
