#include "policy_host.h"

#include <glog/logging.h>
#include <mesos/version.hpp>

#include <utility>

namespace mesos_policy::adapter {
namespace {

// The policy's log lines and the runtime's own messages, into glog at the mapped severity.
bridge::LogFn GlogSink(const ModuleConfig& config) {
  const bridge::LogLevel least = config.log_level;
  const std::string prefix = std::string("mesos-policy ") + ModuleKindName(config.kind) + ": ";
  return [least, prefix](bridge::LogLevel level, const std::string& text) {
    if (static_cast<int>(level) < static_cast<int>(least)) return;
    switch (level) {
      case bridge::LogLevel::kDebug: LOG(INFO) << prefix << "[debug] " << text; break;
      case bridge::LogLevel::kInfo: LOG(INFO) << prefix << text; break;
      case bridge::LogLevel::kWarning: LOG(WARNING) << prefix << text; break;
      case bridge::LogLevel::kError: LOG(ERROR) << prefix << text; break;
    }
  };
}

bool HasPolicyOfKind(const protocol::HelloReply& hello, ModuleKind kind) {
  switch (kind) {
    case ModuleKind::kAllocator: return hello.has_allocator();
    case ModuleKind::kHook: return hello.has_hooks();
    case ModuleKind::kIsolator: return hello.has_isolator();
  }
  return false;
}

}  // namespace

double WallClockMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
}

PolicyHost::PolicyHost(Key, ModuleConfig config) : config_(std::move(config)) {}

PolicyHost::~PolicyHost() = default;

std::unique_ptr<PolicyHost> PolicyHost::Start(const ModuleConfig& config, std::string* error) {
  auto host = std::make_unique<PolicyHost>(Key{}, config);
  PolicyHost* self = host.get();
  bridge::SupervisorOptions options;
  options.bundle = config.policy;
  options.runtime.log = GlogSink(config);
  options.runtime.heap_mb = config.heap_mb;
  options.runtime.spin_wait = config.spin_wait;
  // The host lives as long as its supervisor (a member), so the callback may use it.
  options.on_fresh_runtime = [self](const bridge::FreshRuntime& fresh) { self->FreshRuntime(fresh); };
  bridge::PolicySupervisor::Started started = bridge::PolicySupervisor::Start(std::move(options));
  if (!started.supervisor) {
    *error = "the policy bundle " + config.policy + " did not load: " + started.error;
    return nullptr;
  }
  host->supervisor_ = std::move(started.supervisor);
  if (std::string why = host->Hello(); !why.empty()) {
    *error = "the policy bundle " + config.policy + " " + why;
    return nullptr;
  }
  host->housekeeper_ = std::make_unique<Housekeeper>(*host);
  return host;
}

std::string PolicyHost::Hello() {
  const std::string kind = ModuleKindName(config_.kind);
  protocol::Request request;
  protocol::Hello* hello = request.mutable_hello();
  hello->set_protocol_version(protocol::PROTOCOL_VERSION);
  hello->set_host("mesos " MESOS_VERSION);
  hello->set_module(kind);
  Reply reply = Call(std::move(request));
  if (!reply.ok()) return "did not answer Hello: " + reply.failure;
  if (reply.response.has_error()) return "refused Hello: " + Describe(reply.response.error());
  if (!reply.response.has_hello()) return "answered Hello with something else";
  const protocol::HelloReply& greeting = reply.response.hello();
  if (greeting.protocol_version() != protocol::PROTOCOL_VERSION) {
    return "speaks bridge protocol version " + std::to_string(greeting.protocol_version()) + ", this module " +
           std::to_string(protocol::PROTOCOL_VERSION) + ": build the bundle with the matching mesos-policy";
  }
  if (!HasPolicyOfKind(greeting, config_.kind)) {
    // The runtime serves allocator calls either way (its defaults are Mesos's DRF rules); hooks and
    // an isolator a bundle lacks would do nothing, which is surely a mistake in the manifest.
    if (config_.kind != ModuleKind::kAllocator) return "has no " + kind + " policy";
    LOG(WARNING) << "mesos-policy allocator: the policy bundle " << config_.policy
                 << " has no allocator stages: the engine's defaults (Mesos's DRF rules) apply";
  }
  LOG(INFO) << "mesos-policy " << kind << ": policy '" << greeting.policy_name() << "' loaded from "
            << config_.policy << " (mesos-policy " << greeting.runtime_version() << ")";
  return {};
}

void PolicyHost::FreshRuntime(const bridge::FreshRuntime& fresh) {
  generation_.store(fresh.generation);
  LOG(WARNING) << "mesos-policy " << ModuleKindName(config_.kind) << ": a fresh policy runtime serves "
               << fresh.bundle << " (" << bridge::FreshRuntimeWhyName(fresh.why) << ": " << fresh.reason << ")";
  std::lock_guard<std::mutex> lock(listener_mutex_);
  if (listener_) listener_(fresh.generation);
}

void PolicyHost::OnFreshRuntime(std::function<void(uint64_t)> listener) {
  std::lock_guard<std::mutex> lock(listener_mutex_);
  listener_ = std::move(listener);
}

std::string PolicyHost::Reload() {
  bridge::Result result = supervisor_->Reload(config_.policy);
  if (!result.ok()) return bridge::StatusName(result.status) + std::string(": ") + result.value;
  if (std::string why = Hello(); !why.empty()) return "the new bundle serves but " + why;
  return {};
}

bridge::StatsSnapshot PolicyHost::Snapshot() { return supervisor_->Snapshot(); }

PolicyHost::Reply PolicyHost::Call(protocol::Request request) {
  if (!request.has_now_ms()) request.set_now_ms(WallClockMs());
  std::string name = MethodName(request);
  return Parse(name, supervisor_->Call(name, request.SerializeAsString(), config_.call_timeout));
}

PolicyHost::Reply PolicyHost::CallHook(std::string request) {
  const std::string name = "hook";
  return Parse(name, supervisor_->Call(name, std::move(request), config_.call_timeout));
}

void PolicyHost::CallAsync(protocol::Request request, std::function<void(Reply)> done) {
  if (!request.has_now_ms()) request.set_now_ms(WallClockMs());
  std::string name = MethodName(request);
  std::string payload = request.SerializeAsString();
  supervisor_->CallAsync(name, std::move(payload), config_.call_timeout,
                         [name, done = std::move(done)](bridge::Result result) { done(Parse(name, std::move(result))); });
}

PolicyHost::Reply PolicyHost::Parse(const std::string& name, bridge::Result result) {
  Reply reply;
  reply.status = result.status;
  if (!result.ok()) {
    reply.failure = "call '" + name + "': " + bridge::StatusName(result.status) + ": " + result.value;
  } else if (!reply.response.ParseFromString(result.value)) {
    reply.status = bridge::Result::Status::kError;
    reply.failure = "call '" + name + "': the reply is not a bridge Response";
  }
  return reply;
}

std::string PolicyHost::Describe(const protocol::Error& error) {
  return protocol::Error::Code_Name(error.code()) + ": " + error.message();
}

std::string PolicyHost::Describe(const Reply& reply) {
  if (!reply.ok()) return reply.failure;
  if (reply.response.has_error()) return Describe(reply.response.error());
  return "ok";
}

std::string PolicyHost::MethodName(const protocol::Request& request) {
  const auto* field = protocol::Request::descriptor()->FindFieldByNumber(request.call_case());
  return field == nullptr ? "empty" : field->name();
}

}  // namespace mesos_policy::adapter
