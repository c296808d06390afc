// The module library's exports: three Mesos modules, each backed by a policy bundle.
//
//   org_mesos_policy_Allocator  --allocator=org_mesos_policy_Allocator (master)
//   org_mesos_policy_Hook       --hooks=org_mesos_policy_Hook (master and agent)
//   org_mesos_policy_Isolator   --isolation=...,org_mesos_policy_Isolator (agent)
//
// The variable names are the module names Mesos dlsym()s. compatible = nullptr: the library loads
// only into the Mesos version whose headers it was built with (Mesos compares MESOS_VERSION).
// A create function that returns nullptr makes Mesos refuse to start; it logs why first.
#include <glog/logging.h>
#include <google/protobuf/stubs/common.h>
#include <mesos/allocator/allocator.hpp>
#include <mesos/hook.hpp>
#include <mesos/module.hpp>
#include <mesos/module/allocator.hpp>
#include <mesos/module/hook.hpp>
#include <mesos/module/isolator.hpp>
#include <mesos/slave/isolator.hpp>

#include <memory>
#include <string>

#include "allocator.h"
#include "hook.h"
#include "isolator.h"
#include "module_params.h"
#include "policy_host.h"

namespace {

using namespace mesos_policy::adapter;

constexpr char kAuthor[] = "mesos-policy";
constexpr char kEmail[] = "mesos-policy@users.noreply.github.com";

// The module, or nullptr after logging why (a bad parameter, a bundle that does not load).
template <typename Adapter, typename Interface>
Interface* Create(ModuleKind kind, const mesos::Parameters& parameters) {
  GOOGLE_PROTOBUF_VERIFY_VERSION;  // the bridge's messages and Mesos's share one protobuf runtime
  const std::string what = std::string("mesos-policy ") + ModuleKindName(kind) + " module";
  ParseOutcome parsed = ParseModuleParameters(kind, FromMesos(parameters));
  if (!parsed.config) {
    LOG(ERROR) << what << ": " << parsed.error;
    return nullptr;
  }
  std::string error;
  std::unique_ptr<PolicyHost> host = PolicyHost::Start(*parsed.config, &error);
  if (!host) {
    LOG(ERROR) << what << ": " << error;
    return nullptr;
  }
  LOG(INFO) << what << ": created (policy " << parsed.config->policy << ", call timeout "
            << parsed.config->call_timeout.count() << " ms, on_error="
            << (parsed.config->on_error == OnError::kFail ? "fail" : "default") << ")";
  // Mesos owns the module object from here on.
  return std::make_unique<Adapter>(std::move(host)).release();
}

mesos::allocator::Allocator* CreateAllocator(const mesos::Parameters& parameters) {
  return Create<PolicyAllocator, mesos::allocator::Allocator>(ModuleKind::kAllocator, parameters);
}

mesos::Hook* CreateHook(const mesos::Parameters& parameters) {
  return Create<PolicyHook, mesos::Hook>(ModuleKind::kHook, parameters);
}

mesos::slave::Isolator* CreateIsolator(const mesos::Parameters& parameters) {
  return Create<PolicyIsolator, mesos::slave::Isolator>(ModuleKind::kIsolator, parameters);
}

}  // namespace

mesos::modules::Module<mesos::allocator::Allocator> org_mesos_policy_Allocator(
    MESOS_MODULE_API_VERSION, MESOS_VERSION, kAuthor, kEmail,
    "Allocator whose allocation policy is a mesos-policy TypeScript bundle.", nullptr, CreateAllocator);

mesos::modules::Module<mesos::Hook> org_mesos_policy_Hook(
    MESOS_MODULE_API_VERSION, MESOS_VERSION, kAuthor, kEmail,
    "Master and agent hooks implemented by a mesos-policy TypeScript bundle.", nullptr, CreateHook);

mesos::modules::Module<mesos::slave::Isolator> org_mesos_policy_Isolator(
    MESOS_MODULE_API_VERSION, MESOS_VERSION, kAuthor, kEmail,
    "Isolator implemented by a mesos-policy TypeScript bundle.", nullptr, CreateIsolator);
