#include "host_binding.h"

#include <node.h>

#include "v8_text.h"

namespace mesos_policy::bridge {
namespace {

HostBindingTarget* TargetOf(const v8::FunctionCallbackInfo<v8::Value>& info) {
  return static_cast<HostBindingTarget*>(info.Data().As<v8::External>()->Value());
}

std::string TextArg(const v8::FunctionCallbackInfo<v8::Value>& info, int index) {
  v8::Local<v8::String> text;
  if (!info[index]->ToString(info.GetIsolate()->GetCurrentContext()).ToLocal(&text)) return {};
  return ToUtf8(info.GetIsolate(), text);
}

void Log(const v8::FunctionCallbackInfo<v8::Value>& info) {
  int level = info[0]->IsInt32() ? info[0].As<v8::Int32>()->Value() : 1;
  TargetOf(info)->OnLog(level, TextArg(info, 1));
}

void Complete(const v8::FunctionCallbackInfo<v8::Value>& info) {
  if (!info[0]->IsNumber()) return;
  auto id = static_cast<uint64_t>(info[0].As<v8::Number>()->Value());
  TargetOf(info)->OnComplete(id, info[1]->IsTrue(), TextArg(info, 2));
}

void SetMethod(v8::Local<v8::Context> context, v8::Local<v8::Object> target, const char* name,
               v8::FunctionCallback callback, v8::Local<v8::Value> data) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Function> fn = v8::Function::New(context, callback, data).ToLocalChecked();
  v8::Local<v8::String> key = v8::String::NewFromUtf8(isolate, name).ToLocalChecked();
  fn->SetName(key);
  target->Set(context, key, fn).Check();
}

void Register(v8::Local<v8::Object> exports, v8::Local<v8::Value> /*module*/,
              v8::Local<v8::Context> context, void* priv) {
  v8::Local<v8::External> data = v8::External::New(context->GetIsolate(), priv);
  SetMethod(context, exports, "log", Log, data);
  SetMethod(context, exports, "complete", Complete, data);
}

}  // namespace

void AddHostBinding(node::Environment* env, HostBindingTarget* target) {
  node::AddLinkedBinding(env, kBindingName, Register, target);
}

}  // namespace mesos_policy::bridge
