// Strings between std::string (UTF-8) and V8.
#pragma once

#include <v8.h>

#include <string>

namespace mesos_policy::bridge {

std::string ToUtf8(v8::Isolate* isolate, v8::Local<v8::String> text);
// The exception's stack when it has one, else its string form.
std::string DescribeException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                              const v8::TryCatch& caught);
// Empty when the text is too long for a V8 string.
v8::MaybeLocal<v8::String> FromUtf8(v8::Isolate* isolate, const std::string& text);

}  // namespace mesos_policy::bridge
