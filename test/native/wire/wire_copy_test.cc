// native/wire's copy (AppendKnownFields, AppendAsField) against what it stands in for: libprotobuf
// parsing the bytes as the protocol's type and DiscardUnknownFields(). Random well-formed bytes for
// every message type of bridge.proto, mixing its known fields with unknown numbers, mismatched wire
// types, unlisted enum values and unknown groups; then the cases a hook call meets.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/wire_format.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <memory>
#include <vector>

#include <cstdint>
#include <random>
#include <string>

#include "bridge.pb.h"
#include "check.h"
#include "wire_copy.h"

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using mesos_policy::testing::Check;
using mesos_policy::testing::CheckSummary;
namespace protocol = ::mesos_policy::protocol;
namespace wire = ::mesos_policy::wire;

constexpr int kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kStartGroup = 3, kEndGroup = 4, kFixed32 = 5;

int DeclaredWireType(const FieldDescriptor& field) {
  return static_cast<int>(google::protobuf::internal::WireFormat::WireTypeForFieldType(field.type()));
}

// Well-formed bytes of a message of `type`, written field by field, with what a wider sender (Mesos's
// own types) or a different one would put there.
class WireGenerator {
 public:
  explicit WireGenerator(uint64_t seed) : random_(seed) {}

  std::string Message(const Descriptor& type, int depth) {
    std::string out;
    const int fields = Below(depth == 0 ? 12 : 6);
    for (int i = 0; i < fields; i++) {
      if (type.field_count() > 0 && Below(4) != 0) {
        Known(*type.field(Below(type.field_count())), depth, &out);
      } else {
        Unknown(type, depth, &out);
      }
    }
    return out;
  }

 private:
  int Below(int n) { return static_cast<int>(std::uniform_int_distribution<int>(0, n - 1)(random_)); }
  uint64_t Any() { return random_() >> Below(64); }  // all lengths of varint, small ones often

  std::string Bytes(int max) {
    std::string bytes;
    const int n = Below(max + 1);
    for (int i = 0; i < n; i++) bytes += static_cast<char>('a' + Below(26));
    return bytes;
  }

  void Fixed(int size, std::string* out) {
    for (int i = 0; i < size; i++) *out += static_cast<char>(Below(256));
  }

  void Value(int wire_type, std::string* out) {
    switch (wire_type) {
      case kVarint: wire::AppendVarint(Any(), out); break;
      case kFixed64: Fixed(8, out); break;
      case kFixed32: Fixed(4, out); break;
      default: wire::AppendVarint(0, out);  // callers write length-delimited values themselves
    }
  }

  uint64_t EnumValue(const FieldDescriptor& field) {
    if (Below(3) == 0) return static_cast<uint64_t>(static_cast<int64_t>(Below(40) - 5));  // maybe unlisted, maybe negative
    const auto* values = field.enum_type();
    return static_cast<uint64_t>(static_cast<int64_t>(values->value(Below(values->value_count()))->number()));
  }

  void Known(const FieldDescriptor& field, int depth, std::string* out) {
    const int declared = DeclaredWireType(field);
    if (Below(8) == 0) {  // the right number, another wire type: a parser keeps it as unknown
      const int other[] = {kVarint, kFixed64, kFixed32, kLengthDelimited};
      const int wire_type = other[Below(4)];
      if (wire_type == declared) return;
      if (wire_type == kLengthDelimited) {
        if (field.is_packable()) return;  // the packed form (no protocol type has a packable field)
        wire::AppendLengthDelimited(field.number(), Bytes(6), out);
      } else {
        wire::AppendTag(field.number(), wire_type, out);
        Value(wire_type, out);
      }
      return;
    }
    switch (field.type()) {
      case FieldDescriptor::TYPE_MESSAGE:
        wire::AppendLengthDelimited(field.number(), depth < 5 ? Message(*field.message_type(), depth + 1) : "", out);
        return;
      case FieldDescriptor::TYPE_STRING:
      case FieldDescriptor::TYPE_BYTES: wire::AppendLengthDelimited(field.number(), Bytes(12), out); return;
      case FieldDescriptor::TYPE_ENUM:
        wire::AppendTag(field.number(), kVarint, out);
        wire::AppendVarint(EnumValue(field), out);
        return;
      default:
        wire::AppendTag(field.number(), declared, out);
        Value(declared, out);
    }
  }

  void Unknown(const Descriptor& type, int depth, std::string* out) {
    int number = 1 + Below(Below(2) == 0 ? 40 : 100000);
    while (type.FindFieldByNumber(number) != nullptr) number++;
    const int wire_types[] = {kVarint, kFixed64, kFixed32, kLengthDelimited, kStartGroup};
    const int wire_type = wire_types[Below(depth < 3 ? 5 : 4)];
    if (wire_type == kLengthDelimited) {
      wire::AppendLengthDelimited(number, Bytes(40), out);
    } else if (wire_type == kStartGroup) {
      wire::AppendTag(number, kStartGroup, out);
      out->append(Message(*protocol::Labels::descriptor(), depth + 1));  // any fields, as the group's
      wire::AppendTag(number, kEndGroup, out);
    } else {
      wire::AppendTag(number, wire_type, out);
      Value(wire_type, out);
    }
  }

  std::mt19937_64 random_;
};

// Every message type of bridge.proto, nested ones included.
void AllTypes(const Descriptor& type, std::vector<const Descriptor*>* out) {
  out->push_back(&type);
  for (int i = 0; i < type.nested_type_count(); i++) AllTypes(*type.nested_type(i), out);
}

std::string Deterministic(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeWithCachedSizes(&coded);
  return bytes;
}

// AppendKnownFields(bytes) parses to what parsing `bytes` and discarding unknown fields gives, with
// no unknown field left in it ("" when so, else what differs).
std::string CompareWithDiscard(const Descriptor& type, const std::string& bytes) {
  const google::protobuf::Message* prototype = google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type);
  std::unique_ptr<google::protobuf::Message> expected(prototype->New());
  if (!expected->ParsePartialFromString(bytes)) return "libprotobuf does not parse the generated bytes";
  expected->DiscardUnknownFields();
  std::string copied = "kept";
  if (!wire::AppendKnownFields(type, bytes, &copied)) return "AppendKnownFields refused well-formed bytes";
  if (copied.compare(0, 4, "kept") != 0) return "AppendKnownFields changed what `out` held before";
  std::unique_ptr<google::protobuf::Message> got(prototype->New());
  if (!got->ParsePartialFromString(copied.substr(4))) return "the copy does not parse";
  expected->ByteSizeLong();
  got->ByteSizeLong();
  const std::string want = Deterministic(*expected), have = Deterministic(*got);
  if (want != have) return "copy " + got->ShortDebugString() + " | parse+discard " + expected->ShortDebugString();
  return "";
}

void RandomMessages() {
  std::vector<const Descriptor*> types;
  const auto* file = protocol::Request::descriptor()->file();
  for (int i = 0; i < file->message_type_count(); i++) AllTypes(*file->message_type(i), &types);
  WireGenerator generate(20261126);
  int compared = 0, failed = 0;
  std::string first_failure;
  for (const Descriptor* type : types) {
    for (int sample = 0; sample < 40; sample++) {
      const std::string bytes = generate.Message(*type, 0);
      const std::string differs = CompareWithDiscard(*type, bytes);
      compared++;
      if (!differs.empty() && failed++ == 0) first_failure = type->full_name() + ": " + differs;
    }
  }
  Check(failed == 0 && compared > 1000,
        "random bytes of every protocol type (" + std::to_string(types.size()) + " types, " + std::to_string(compared) +
            " messages): the copy equals parse + DiscardUnknownFields",
        first_failure);
}

protocol::TaskInfo Task() {
  protocol::TaskInfo task;
  task.set_name("kafka-broker-7");
  task.mutable_task_id()->set_value("kafka-broker-7__5b9d");
  auto* cpus = task.add_resources();
  cpus->set_name("cpus");
  cpus->set_type(protocol::Value::SCALAR);
  cpus->mutable_scalar()->set_value(4);
  cpus->add_reservations()->set_role("kafka");
  task.mutable_executor()->set_name("kafka-executor");
  auto* label = task.mutable_labels()->add_labels();
  label->set_key("broker");
  label->set_value("7");
  return task;
}

void HookArguments() {
  const protocol::TaskInfo task = Task();
  const std::string bytes = task.SerializeAsString();

  std::string field;
  wire::AppendAsField<protocol::TaskInfo>(1, task, &field);
  std::string expected;
  wire::AppendLengthDelimited(1, bytes, &expected);
  Check(field == expected, "a message all of whose fields the protocol knows is copied byte for byte");

  // What Mesos's TaskInfo carries beyond the protocol: `data` (6) at the top, ExecutorInfo.data (4)
  // inside `executor`, a resource whose Value.Type is one the protocol lacks.
  std::string wider = bytes;
  wire::AppendLengthDelimited(6, std::string(1 << 20, 'd'), &wider);
  std::string executor;
  wire::AppendLengthDelimited(4, std::string(1 << 16, 'e'), &executor);
  wire::AppendLengthDelimited(5, executor, &wider);
  std::string odd_resource;
  wire::AppendLengthDelimited(1, "gpus", &odd_resource);
  wire::AppendTag(2, kVarint, &odd_resource);
  wire::AppendVarint(77, &odd_resource);
  wire::AppendLengthDelimited(4, odd_resource, &wider);
  std::string copied;
  const bool ok = wire::AppendKnownFields(*protocol::TaskInfo::descriptor(), wider, &copied);
  Check(ok && copied.size() < bytes.size() + 64, "Mesos-only fields (TaskInfo.data, executor.data, an unlisted enum) are dropped",
        std::to_string(copied.size()) + " bytes left of " + std::to_string(wider.size()));
  protocol::TaskInfo parsed;
  Check(parsed.ParseFromString(copied) && parsed.executor().name() == "kafka-executor" && parsed.resources_size() == 2 &&
            !parsed.resources(1).has_type() && parsed.resources(1).name() == "gpus",
        "what remains is the task with its executor and resources", parsed.ShortDebugString());
  Check(CompareWithDiscard(*protocol::TaskInfo::descriptor(), wider).empty(), "… and equals parse + DiscardUnknownFields");

  // Not well-formed: refused, `out` untouched (AppendAsField then parses instead).
  for (const std::string& broken : {bytes.substr(0, bytes.size() - 3), std::string("\x0a\x7f", 2), std::string("\x0b\x00", 2),
                                    std::string("\x0c", 1), std::string("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12)}) {
    std::string out = "before";
    const bool accepted = wire::AppendKnownFields(*protocol::TaskInfo::descriptor(), broken, &out);
    Check(!accepted && out == "before", "malformed bytes are refused and leave `out` as it was",
          std::to_string(broken.size()) + " bytes");
  }

  std::string number;
  wire::AppendDouble(1, 1764150000123.5, &number);
  protocol::Request request;
  Check(request.ParseFromString(number) && request.now_ms() == 1764150000123.5, "AppendDouble writes a double field");
}

}  // namespace

int main() {
  RandomMessages();
  HookArguments();
  return CheckSummary();
}
