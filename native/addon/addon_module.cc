// The .node entry: the binding as an ordinary addon for a normal Node process (the system Node in
// tests). Built against node_api.h only, never linked to libnode: Node-API symbols come from the
// process that loads it. Exports the test host (test_host.h).
#include <napi.h>

#include <memory>

#include "test_host.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Function host_class = mesos_policy::addon::TestHost::Define(env);
  exports.Set("TestHost", host_class);
  // createTestHost(options) = new TestHost(options); the class stays reachable through the closure.
  auto ctor = std::make_shared<Napi::FunctionReference>(Napi::Persistent(host_class));
  exports.Set("createTestHost", Napi::Function::New(
                                    env, [ctor](const Napi::CallbackInfo& info) { return ctor->Value().New({info[0]}); },
                                    "createTestHost"));
  exports.Set("napiVersion", Napi::Number::New(env, mesos_policy::addon::BindingNapiVersion()));
  return exports;
}

}  // namespace

NODE_API_MODULE(mesos_policy_addon, Init)
