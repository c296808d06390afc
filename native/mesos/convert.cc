#include "convert.h"

#include <stout/stringify.hpp>

namespace mesos_policy::adapter {

void ToProtocol(const mesos::Resources& resources, google::protobuf::RepeatedPtrField<protocol::Resource>* out) {
  // Mesos holds a shared resource once with a count (and its RepeatedPtrField form lists it once);
  // the protocol lists every copy, as the engine counts them.
  for (const mesos::Resource& resource : resources) {
    protocol::Resource* first = out->Add();
    wire::CopyToProtocol(resource, first);
    if (!mesos::Resources::isShared(resource)) continue;
    for (size_t copy = 1, copies = resources.count(resource); copy < copies; copy++) *out->Add() = *first;
  }
}

protocol::Resource ToProtocol(const mesos::Resource& resource) { return ToProtocol<protocol::Resource>(resource); }
protocol::AgentInfo ToProtocol(const mesos::SlaveInfo& info) { return ToProtocol<protocol::AgentInfo>(info); }
protocol::FrameworkInfo ToProtocol(const mesos::FrameworkInfo& info) { return ToProtocol<protocol::FrameworkInfo>(info); }
protocol::ContainerID ToProtocol(const mesos::ContainerID& id) { return ToProtocol<protocol::ContainerID>(id); }
protocol::ExecutorInfo ToProtocol(const mesos::ExecutorInfo& info) { return ToProtocol<protocol::ExecutorInfo>(info); }
protocol::TaskInfo ToProtocol(const mesos::TaskInfo& info) { return ToProtocol<protocol::TaskInfo>(info); }

Try<mesos::Resources> FromProtocol(const google::protobuf::RepeatedPtrField<protocol::Resource>& resources) {
  mesos::Resources result;
  for (const protocol::Resource& resource : resources) {
    Try<mesos::Resource> copy = WireCopy<mesos::Resource>(resource);
    if (copy.isError()) return Error("resource '" + resource.name() + "': " + copy.error());
    Option<Error> invalid = mesos::Resources::validate(copy.get());
    if (invalid.isSome()) return Error("resource '" + resource.name() + "' is invalid: " + invalid->message);
    result += std::move(copy.get());
  }
  return result;
}

Try<mesos::Attributes> AttributesFromProtocol(
    const google::protobuf::RepeatedPtrField<protocol::Attribute>& attributes) {
  mesos::Attributes result;
  for (const protocol::Attribute& attribute : attributes) {
    Try<mesos::Attribute> copy = WireCopy<mesos::Attribute>(attribute);
    if (copy.isError()) return Error("attribute '" + attribute.name() + "': " + copy.error());
    result.add(copy.get());
  }
  return result;
}

mesos::FrameworkID FrameworkIdOf(const std::string& value) {
  mesos::FrameworkID id;
  id.set_value(value);
  return id;
}

mesos::SlaveID AgentIdOf(const std::string& value) {
  mesos::SlaveID id;
  id.set_value(value);
  return id;
}

std::string Describe(const google::protobuf::RepeatedPtrField<protocol::Resource>& resources) {
  std::string text;
  for (const protocol::Resource& resource : resources) {
    if (!text.empty()) text += "; ";
    text += resource.name();
    if (resource.has_scalar()) text += ":" + stringify(resource.scalar().value());
  }
  return text;
}

}  // namespace mesos_policy::adapter
