// Copies of messages into wire-compatible types of the bridge protocol (native/mesos/convert.h
// explains the protocol's types), made through their bytes. Needs nothing of Mesos, so the bridge's
// benchmark (bench/native/bridge_latency.cc) times the very copy the hook adapter makes and
// test/native/wire checks it without a Mesos install.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <google/protobuf/descriptor.h>

namespace mesos_policy::wire {

// ---- the protobuf wire format, written by hand ------------------------------------------------------
void AppendVarint(uint64_t value, std::string* out);
void AppendTag(int number, int wire_type, std::string* out);
// Field `number` holding `bytes` (a string, or a message's serialization).
void AppendLengthDelimited(int number, std::string_view bytes, std::string* out);
void AppendDouble(int number, double value, std::string* out);

// Appends `bytes`, a serialized message, with every field that `type` does not know dropped at every
// depth: the bytes of what parsing them as `type` and then DiscardUnknownFields() would leave (a field
// whose number `type` lacks, whose wire type does not fit the declared one, or a closed enum's value
// that `type` lacks), without building any message. Fields keep their order and their bytes.
// False, with `out` as it was, when `bytes` is not a well-formed message or `type` has what this copy
// does not handle (groups, packed numbers, extension ranges, enum-valued maps; no protocol type has
// them): then the caller parses instead.
bool AppendKnownFields(const google::protobuf::Descriptor& type, std::string_view bytes, std::string* out);

// The same as field `number` of the message being written to `out`: its tag, length and pruned bytes.
bool AppendKnownField(int number, const google::protobuf::Descriptor& type, std::string_view bytes, std::string* out);

// The copy the slow way, for what AppendKnownFields refuses: parse, then drop the unknown fields.
template <typename To>
void ParseDiscardingUnknown(const std::string& bytes, To* to) {
  to->ParsePartialFromString(bytes);
  to->DiscardUnknownFields();
}

// Towards the protocol nothing is required, so the copy cannot fail. Fields outside the protocol's
// subset are discarded rather than carried along as unknown fields (TaskInfo.data can be large):
// pruned from the bytes before the parse, which is what parse + DiscardUnknownFields() gives at a
// third of the cost (DiscardUnknownFields walks the message by reflection: ~3 µs for one Resource,
// against ~1 µs this way; the allocator adapter converts every resource of every call so).
template <typename To, typename From>
void CopyToProtocol(const From& from, To* to) {
  const std::string bytes = from.SerializePartialAsString();
  std::string known;
  known.reserve(bytes.size());
  if (AppendKnownFields(*To::descriptor(), bytes, &known)) {
    to->ParsePartialFromString(known);
  } else {
    ParseDiscardingUnknown(bytes, to);
  }
}

template <typename To, typename From>
To ToProtocol(const From& from) {
  To to;
  CopyToProtocol(from, &to);
  return to;
}

// The same copy as field `number` of the message being written to `out`, without the parse: `from` is
// serialized once and its bytes go through AppendKnownFields (what a hook call's arguments take: a
// few µs instead of ~27 for a 2.4 KB TaskInfo parsed, pruned and serialized again).
template <typename To, typename From>
void AppendAsField(int number, const From& from, std::string* out) {
  const std::string bytes = from.SerializePartialAsString();
  if (!AppendKnownField(number, *To::descriptor(), bytes, out)) {
    To to;
    ParseDiscardingUnknown(bytes, &to);
    AppendLengthDelimited(number, to.SerializePartialAsString(), out);
  }
}

}  // namespace mesos_policy::wire
