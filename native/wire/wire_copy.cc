#include "wire_copy.h"

#include <google/protobuf/wire_format.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace mesos_policy::wire {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;

constexpr int kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kStartGroup = 3, kEndGroup = 4, kFixed32 = 5;
constexpr int kMaxDepth = 100;  // libprotobuf's own recursion limit when parsing
constexpr size_t kMaxVarintBytes = 10;

// A cursor over a message's bytes; every read fails rather than run past the end.
struct Reader {
  std::string_view bytes;
  size_t at = 0;

  bool done() const { return at == bytes.size(); }

  bool Varint(uint64_t* value) {
    if (at < bytes.size() && !(bytes[at] & 0x80)) {  // tags and short lengths: one byte
      *value = static_cast<uint8_t>(bytes[at++]);
      return true;
    }
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at == bytes.size()) return false;
      const auto byte = static_cast<uint8_t>(bytes[at++]);
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) {
        *value = result;
        return true;
      }
    }
    return false;
  }

  bool Skip(uint64_t count) {
    if (count > bytes.size() - at) return false;
    at += count;
    return true;
  }

  // Past the value of a field with this tag (a group up to its end tag).
  bool SkipValue(uint64_t tag, int depth) {
    uint64_t ignored = 0;
    switch (tag & 7) {
      case kVarint: return Varint(&ignored);
      case kFixed64: return Skip(8);
      case kFixed32: return Skip(4);
      case kLengthDelimited: return Varint(&ignored) && Skip(ignored);
      case kStartGroup: {
        if (depth >= kMaxDepth) return false;
        for (;;) {
          uint64_t inner = 0;
          if (!Varint(&inner) || (inner >> 3) == 0) return false;
          if ((inner & 7) == kEndGroup) return (inner >> 3) == (tag >> 3);
          if (!SkipValue(inner, depth + 1)) return false;
        }
      }
      default: return false;  // an end tag without its start, or wire types 6 and 7
    }
  }
};

// The wire type a field's value comes in when not packed (libprotobuf's own table).
int WireTypeOf(const FieldDescriptor& field) {
  return static_cast<int>(google::protobuf::internal::WireFormat::WireTypeForFieldType(field.type()));
}

// What the copy does with each field number of one type, worked out once from its descriptor (the
// descriptor's own lookups cost more than the copy itself: ~9 µs for a 2.2 KB TaskInfo).
struct TypePlan;

struct FieldPlan {
  enum Kind : uint8_t {
    kDrop,        // not a field of the type: a parser keeps it as unknown
    kCopy,        // copied as it is when its wire type is the declared one
    kMessage,     // a submessage: pruned in turn
    kClosedEnum,  // copied unless its value is one the enum lacks (proto2)
    kRefuse,      // a group, or a map whose values are enums: parsed instead
  };
  Kind kind = kDrop;
  uint8_t wire_type = 0;  // the declared one
  bool packable = false;  // a repeated number: its packed form is parsed instead (no protocol type has one)
  const TypePlan* message = nullptr;
  std::vector<int32_t> enum_values;  // kClosedEnum's listed values, sorted
};

struct TypePlan {
  bool refuse = false;             // extension ranges, or field numbers too large to index
  std::vector<FieldPlan> fields;   // by field number

  const FieldPlan* Find(uint64_t number) const {
    return number < fields.size() && fields[number].kind != FieldPlan::kDrop ? &fields[number] : nullptr;
  }
};

constexpr int kMaxIndexedNumber = 1 << 16;

bool ClosedEnum(const FieldDescriptor& field) {
  return field.type() == FieldDescriptor::TYPE_ENUM && field.enum_type()->file()->syntax() == FileDescriptor::SYNTAX_PROTO2;
}

// One plan per type, built on first use and kept, like the descriptors it comes from.
class PlanCache {
 public:
  const TypePlan& For(const Descriptor& type) {
    std::lock_guard<std::mutex> lock(mutex_);
    return Build(type);
  }

 private:
  const TypePlan& Build(const Descriptor& type) {
    if (auto found = plans_.find(&type); found != plans_.end()) return *found->second;
    TypePlan& plan = *plans_.emplace(&type, std::make_unique<TypePlan>()).first->second;  // before the fields: types recurse
    int max_number = 0;
    for (int i = 0; i < type.field_count(); i++) max_number = std::max(max_number, type.field(i)->number());
    if (type.extension_range_count() > 0 || max_number > kMaxIndexedNumber) {
      plan.refuse = true;
      return plan;
    }
    plan.fields.resize(static_cast<size_t>(max_number) + 1);
    for (int i = 0; i < type.field_count(); i++) {
      const FieldDescriptor& field = *type.field(i);
      FieldPlan& entry = plan.fields[static_cast<size_t>(field.number())];
      entry.wire_type = static_cast<uint8_t>(WireTypeOf(field));
      entry.packable = field.is_packable();
      if (field.type() == FieldDescriptor::TYPE_GROUP ||
          (field.is_map() && field.message_type()->map_value()->type() == FieldDescriptor::TYPE_ENUM)) {
        entry.kind = FieldPlan::kRefuse;  // a map entry with an unlisted enum value goes to unknown fields whole
      } else if (field.type() == FieldDescriptor::TYPE_MESSAGE) {
        entry.kind = FieldPlan::kMessage;
        entry.message = &Build(*field.message_type());
      } else if (ClosedEnum(field)) {
        entry.kind = FieldPlan::kClosedEnum;
        for (int v = 0; v < field.enum_type()->value_count(); v++) entry.enum_values.push_back(field.enum_type()->value(v)->number());
        std::sort(entry.enum_values.begin(), entry.enum_values.end());
      } else {
        entry.kind = FieldPlan::kCopy;
      }
    }
    return plan;
  }

  std::mutex mutex_;
  std::unordered_map<const Descriptor*, std::unique_ptr<TypePlan>> plans_;
};

PlanCache& Plans() {
  static PlanCache cache;
  return cache;
}

// Writes into a buffer sized beforehand: a message's pruned bytes are never longer than its bytes.
struct Writer {
  char* at;

  void Put(std::string_view bytes) {
    std::memcpy(at, bytes.data(), bytes.size());
    at += bytes.size();
  }

  void Varint(uint64_t value) {
    while (value >= 0x80) {
      *at++ = static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    *at++ = static_cast<char>(value);
  }
};

size_t VarintSize(uint64_t value) {
  size_t size = 1;
  while (value >= 0x80) {
    value >>= 7;
    size++;
  }
  return size;
}

// One field as read: its number and wire type, where it starts, and its value (a length-delimited
// one without its length).
struct Field {
  uint64_t number = 0;
  int wire_type = 0;
  size_t at = 0;
  std::string_view value;
};

inline bool Next(Reader* reader, int depth, Field* field) {
  field->at = reader->at;
  uint64_t tag = 0;
  if (!reader->Varint(&tag) || (tag >> 3) == 0 || (tag >> 3) > FieldDescriptor::kMaxNumber) return false;
  field->number = tag >> 3;
  field->wire_type = static_cast<int>(tag & 7);
  if (field->wire_type == kLengthDelimited) {
    uint64_t length = 0;
    if (!reader->Varint(&length) || length > reader->bytes.size() - reader->at) return false;
    field->value = reader->bytes.substr(reader->at, length);
    reader->at += length;
    return true;
  }
  const size_t value_at = reader->at;
  if (!reader->SkipValue(tag, depth)) return false;
  field->value = reader->bytes.substr(value_at, reader->at - value_at);
  return true;
}

bool Listed(const FieldPlan& field, std::string_view value) {
  Reader reader{value};
  uint64_t number = 0;
  reader.Varint(&number);
  const auto listed = static_cast<int32_t>(number);  // parsed as an int32, as libprotobuf does
  return std::binary_search(field.enum_values.begin(), field.enum_values.end(), listed);
}

// Would the copy keep every field, at every depth? (Then the bytes go over in one piece.) False
// also for bytes that are not well-formed, which Prune then refuses.
bool AllKnown(const TypePlan& type, std::string_view bytes, int depth) {
  if (depth >= kMaxDepth || type.refuse) return false;
  Reader reader{bytes};
  Field field;
  while (!reader.done()) {
    if (!Next(&reader, depth, &field)) return false;
    const FieldPlan* plan = type.Find(field.number);
    if (plan == nullptr || plan->kind == FieldPlan::kRefuse || field.wire_type != plan->wire_type) return false;
    if (plan->kind == FieldPlan::kMessage && !AllKnown(*plan->message, field.value, depth + 1)) return false;
    if (plan->kind == FieldPlan::kClosedEnum && !Listed(*plan, field.value)) return false;
  }
  return true;
}

bool Prune(const TypePlan& type, std::string_view bytes, Writer* out, int depth);

// A submessage as field `number`: its tag, its length (written once known) and its pruned bytes.
bool PruneMessageField(int number, const TypePlan& type, std::string_view value, Writer* out, int depth) {
  out->Varint((static_cast<uint64_t>(number) << 3) | kLengthDelimited);
  char* length_at = out->at;
  const size_t reserved = VarintSize(value.size());  // the pruned length needs at most as many bytes
  out->at += reserved;
  if (!Prune(type, value, out, depth + 1)) return false;
  const size_t length = static_cast<size_t>(out->at - (length_at + reserved));
  const size_t needed = VarintSize(length);
  if (needed < reserved) {
    std::memmove(length_at + needed, length_at + reserved, length);
    out->at -= reserved - needed;
  }
  Writer prefix{length_at};
  prefix.Varint(length);
  return true;
}

// Copies the kept fields of `bytes` to `out`, runs of them at once: bytes with nothing to leave out
// in one piece. A submessage is first asked AllKnown (it then stays in the run); only one that is
// not is pruned in turn.
bool Prune(const TypePlan& type, std::string_view bytes, Writer* out, int depth) {
  if (depth >= kMaxDepth || type.refuse) return false;
  Reader reader{bytes};
  Field field;
  size_t run_from = 0;  // the kept bytes not yet written: [run_from, field.at)
  while (!reader.done()) {
    if (!Next(&reader, depth, &field)) return false;
    const FieldPlan* plan = type.Find(field.number);
    bool keep = plan != nullptr;
    if (keep && plan->kind == FieldPlan::kRefuse) return false;
    if (keep && field.wire_type != plan->wire_type) {
      if (field.wire_type == kLengthDelimited && plan->packable) return false;  // the packed form: parsed instead
      keep = false;  // any other wire type: a parser keeps the field as unknown, so it goes
    } else if (keep && plan->kind == FieldPlan::kMessage && !AllKnown(*plan->message, field.value, depth + 1)) {
      out->Put(bytes.substr(run_from, field.at - run_from));
      if (!PruneMessageField(static_cast<int>(field.number), *plan->message, field.value, out, depth)) return false;
      run_from = reader.at;
      continue;
    } else if (keep && plan->kind == FieldPlan::kClosedEnum) {
      keep = Listed(*plan, field.value);
    }
    if (!keep) {
      out->Put(bytes.substr(run_from, field.at - run_from));
      run_from = reader.at;
    }
  }
  out->Put(bytes.substr(run_from));
  return true;
}

}  // namespace

void AppendVarint(uint64_t value, std::string* out) {
  char buffer[kMaxVarintBytes];
  Writer writer{buffer};
  writer.Varint(value);
  out->append(buffer, static_cast<size_t>(writer.at - buffer));
}

void AppendTag(int number, int wire_type, std::string* out) {
  AppendVarint((static_cast<uint64_t>(number) << 3) | static_cast<uint64_t>(wire_type), out);
}

void AppendLengthDelimited(int number, std::string_view bytes, std::string* out) {
  AppendTag(number, kLengthDelimited, out);
  AppendVarint(bytes.size(), out);
  out->append(bytes);
}

void AppendDouble(int number, double value, std::string* out) {
  AppendTag(number, kFixed64, out);
  uint64_t bits = 0;
  static_assert(sizeof bits == sizeof value);
  std::memcpy(&bits, &value, sizeof bits);
  char little_endian[8];
  for (int i = 0; i < 8; i++) little_endian[i] = static_cast<char>((bits >> (8 * i)) & 0xff);
  out->append(little_endian, 8);
}

bool AppendKnownFields(const Descriptor& type, std::string_view bytes, std::string* out) {
  const size_t size_before = out->size();
  out->resize(size_before + bytes.size());
  Writer writer{out->data() + size_before};
  if (!Prune(Plans().For(type), bytes, &writer, 0)) {
    out->resize(size_before);
    return false;
  }
  out->resize(static_cast<size_t>(writer.at - out->data()));
  return true;
}

bool AppendKnownField(int number, const Descriptor& type, std::string_view bytes, std::string* out) {
  const size_t size_before = out->size();
  out->resize(size_before + 2 * kMaxVarintBytes + bytes.size());  // the tag, the length, the bytes at most
  Writer writer{out->data() + size_before};
  if (!PruneMessageField(number, Plans().For(type), bytes, &writer, -1)) {
    out->resize(size_before);
    return false;
  }
  out->resize(static_cast<size_t>(writer.at - out->data()));
  return true;
}

}  // namespace mesos_policy::wire
