#include "v8_text.h"

namespace mesos_policy::bridge {

std::string ToUtf8(v8::Isolate* isolate, v8::Local<v8::String> text) {
  std::string out(static_cast<size_t>(text->Utf8Length(isolate)), '\0');
  if (!out.empty()) {
    text->WriteUtf8(isolate, out.data(), static_cast<int>(out.size()), nullptr,
                    v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  }
  return out;
}

std::string DescribeException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                              const v8::TryCatch& caught) {
  v8::Local<v8::Value> text;
  if (!caught.StackTrace(context).ToLocal(&text) || !text->IsString()) {
    if (caught.Exception().IsEmpty() || !caught.Exception()->ToString(context).ToLocal(&text)) {
      return "unprintable exception";
    }
  }
  return ToUtf8(isolate, text.As<v8::String>());
}

v8::MaybeLocal<v8::String> FromUtf8(v8::Isolate* isolate, const std::string& text) {
  if (text.size() > static_cast<size_t>(v8::String::kMaxLength)) return {};
  return v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                                 static_cast<int>(text.size()));
}

}  // namespace mesos_policy::bridge
