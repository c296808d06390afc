// mesos_adapter_test: the Mesos-facing halves of native/mesos that need no running Mesos — module
// parameters, wire copies between Mesos's messages and the bridge protocol's, the allocator calls,
// the Allocation → offer-callback regrouping, the resync mirror, and the housekeeping pieces (runtime
// counter names and the errors warning, the bundle file watch for reload_check_ms, the isolator's disk
// usage for IsolatorWatch). Prints one line per check and
// "N passed, N failed"; exits non-zero when a check failed.
#include <mesos/allocator/allocator.hpp>
#include <mesos/resources.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "allocation.h"
#include "allocator_calls.h"
#include "allocator_mirror.h"
#include "bundle_watch.h"
#include "convert.h"
#include "isolator_process.h"
#include "module_params.h"
#include "runtime_stats.h"

using namespace mesos_policy::adapter;
namespace protocol = mesos_policy::protocol;
namespace wire = mesos_policy::wire;

// In their own files: the operator-call client and queue (operator_checks.cc), shared resource
// lists in allocation replies (allocation_checks.cc).
void OperatorChecks(void (*check)(bool, const std::string&, const std::string&), const std::string& bundle);
void AllocationChecks(void (*check)(bool, const std::string&, const std::string&));

namespace {

int passed = 0;
int failed = 0;

void Check(bool ok, const std::string& name, const std::string& detail = "") {
  (ok ? passed : failed)++;
  std::printf("%s - %s%s%s\n", ok ? "ok" : "FAIL", name.c_str(), detail.empty() ? "" : ": ", detail.c_str());
}

mesos::Resources Parse(const std::string& text) { return CHECK_NOTERROR(mesos::Resources::parse(text)); }

mesos::Resources Allocated(const std::string& text, const std::string& role) {
  mesos::Resources resources = Parse(text);
  resources.allocate(role);
  return resources;
}

void Parameters(const std::string& bundle) {
  auto ok = ParseModuleParameters(ModuleKind::kHook, {{"policy", bundle}});
  Check(ok.config.has_value(), "a bundle path alone is enough", ok.error);
  if (ok.config) {
    Check(ok.config->call_timeout.count() == 1000 && ok.config->on_error == OnError::kDefault &&
              ok.config->log_level == mesos_policy::bridge::LogLevel::kInfo,
          "hook defaults: 1000 ms, on_error=default, log_level=info");
  }
  auto full = ParseModuleParameters(ModuleKind::kIsolator, {{"policy", bundle},
                                                             {"heap_mb", "256"},
                                                             {"call_timeout_ms", "50"},
                                                             {"on_error", "fail"},
                                                             {"log_level", "warning"},
                                                             {"watch_interval_ms", "200"}});
  Check(full.config && full.config->heap_mb == 256 && full.config->call_timeout.count() == 50 &&
            full.config->on_error == OnError::kFail && full.config->watch_interval.count() == 200,
        "every parameter is read", full.error);
  auto expect_error = [&](ModuleKind kind, const ParameterList& list, const std::string& mentions,
                          const std::string& name) {
    auto outcome = ParseModuleParameters(kind, list);
    Check(!outcome.config && outcome.error.find(mentions) != std::string::npos, name, outcome.error);
  };
  expect_error(ModuleKind::kHook, {}, "'policy' is missing", "no policy is an error");
  expect_error(ModuleKind::kHook, {{"policy", "/nonexistent/x.js"}}, "does not exist", "a missing bundle is an error");
  expect_error(ModuleKind::kHook, {{"policy", bundle}, {"heap_mb", "0"}}, "heap_mb", "heap_mb 0 is an error");
  expect_error(ModuleKind::kHook, {{"policy", bundle}, {"heap_mb", "-5"}}, "heap_mb", "a negative heap_mb is an error");
  expect_error(ModuleKind::kHook, {{"policy", bundle}, {"call_timeout_ms", "1s"}}, "call_timeout_ms",
               "a timeout with a unit is an error");
  expect_error(ModuleKind::kHook, {{"policy", bundle}, {"on_error", "ignore"}}, "on_error", "on_error=ignore is an error");
  expect_error(ModuleKind::kHook, {{"policy", bundle}, {"log_level", "trace"}}, "log_level", "log_level=trace is an error");
  expect_error(ModuleKind::kHook, {{"policy", bundle}, {"polciy", bundle}}, "unknown parameter 'polciy'",
               "an unknown parameter is named");
  expect_error(ModuleKind::kHook, {{"policy", bundle}, {"watch_interval_ms", "5"}}, "unknown parameter",
               "watch_interval_ms is the isolator's only");
  expect_error(ModuleKind::kHook, {{"policy", bundle}, {"policy", bundle}}, "twice", "a repeated parameter is an error");
}

void WireCopies() {
  mesos::Resources reserved = Parse("cpus(ops):2;mem:64;ports:[31000-31005];disk(ops):100");
  reserved.allocate("ops");
  google::protobuf::RepeatedPtrField<protocol::Resource> wire;
  ToProtocol(reserved, &wire);
  Check(wire.size() == 4, "every resource is copied", std::to_string(wire.size()));
  bool tagged = true;
  for (const auto& resource : wire) tagged = tagged && resource.allocation_info().role() == "ops";
  Check(tagged, "allocation_info.role survives the copy");
  Try<mesos::Resources> back = FromProtocol(wire);
  Check(back.isSome() && back.get() == reserved, "Resources round-trip through the protocol",
        back.isSome() ? stringify(back.get()) : back.error());

  // A shared volume held twice (two tasks use it) is one Resource in Mesos's Resources with a count
  // of 2; the protocol lists each copy, so the engine counts it as Mesos does.
  mesos::Resource volume = *Parse("disk(ops):64").begin();
  volume.mutable_disk()->mutable_persistence()->set_id("shared-volume");
  volume.mutable_disk()->mutable_volume()->set_container_path("data");
  volume.mutable_disk()->mutable_volume()->set_mode(mesos::Volume::RW);
  volume.mutable_shared();
  mesos::Resources twice = Parse("cpus:1");
  twice += volume;
  twice += volume;
  google::protobuf::RepeatedPtrField<protocol::Resource> listed;
  ToProtocol(twice, &listed);
  Try<mesos::Resources> twiceBack = FromProtocol(listed);
  Check(twice.count(volume) == 2 && listed.size() == 3 && twiceBack.isSome() && twiceBack.get() == twice,
        "a shared volume held twice is listed twice and comes back held twice",
        std::to_string(listed.size()) + " listed: " + (twiceBack.isSome() ? stringify(twiceBack.get()) : twiceBack.error()));

  protocol::Resource nameless;
  nameless.set_type(protocol::Value::SCALAR);
  nameless.mutable_scalar()->set_value(1);
  google::protobuf::RepeatedPtrField<protocol::Resource> bad;
  *bad.Add() = nameless;
  Try<mesos::Resources> refused = FromProtocol(bad);
  Check(refused.isError() && refused.error().find("name") != std::string::npos,
        "a resource without Mesos's required name is refused", refused.isError() ? refused.error() : "accepted");

  protocol::Resource negative;
  negative.set_name("cpus");
  negative.set_type(protocol::Value::SCALAR);
  negative.mutable_scalar()->set_value(-1);
  *bad.Mutable(0) = negative;
  refused = FromProtocol(bad);
  Check(refused.isError(), "a negative scalar does not validate", refused.isError() ? refused.error() : "accepted");

  mesos::TaskInfo task;
  task.set_name("t");
  task.mutable_task_id()->set_value("t1");
  task.mutable_slave_id()->set_value("a1");
  task.set_data(std::string(1 << 16, 'x'));  // outside the protocol's subset: not carried
  protocol::TaskInfo copied = ToProtocol(task);
  Check(copied.agent_id().value() == "a1" && copied.ByteSizeLong() < 100,
        "a TaskInfo copies its subset and drops the rest", std::to_string(copied.ByteSizeLong()) + " bytes");

  // The hook adapter's copy (native/wire: Mesos's bytes pruned to the protocol's fields without a
  // parse) equals the parse-and-discard copy, for arguments full of what Mesos has and the protocol lacks.
  mesos::TaskInfo full = task;
  *full.mutable_resources() = Parse("cpus(ops):2;mem:64;ports:[31000-31005];disk(ops):100");
  full.mutable_resources(3)->mutable_disk()->mutable_persistence()->set_id("volume-1");
  full.mutable_resources(3)->mutable_disk()->mutable_volume()->set_container_path("data");
  full.mutable_resources(3)->mutable_disk()->mutable_volume()->set_mode(mesos::Volume::RW);
  full.mutable_resources(0)->mutable_revocable();
  full.mutable_executor()->mutable_executor_id()->set_value("e1");
  full.mutable_executor()->set_data(std::string(1 << 12, 'e'));
  full.mutable_executor()->mutable_command()->set_value("run");
  full.mutable_container()->set_type(mesos::ContainerInfo::MESOS);
  full.mutable_health_check()->set_type(mesos::HealthCheck::TCP);
  full.mutable_health_check()->mutable_tcp()->set_port(9092);
  full.mutable_discovery()->set_visibility(mesos::DiscoveryInfo::FRAMEWORK);
  full.mutable_kill_policy()->mutable_grace_period()->set_nanoseconds(5);
  auto* label = full.mutable_labels()->add_labels();
  label->set_key("team");
  label->set_value("streaming");
  mesos::FrameworkInfo framework;
  framework.set_user("kafka");
  framework.set_name("kafka");
  framework.set_failover_timeout(604800);
  framework.set_checkpoint(true);
  framework.set_webui_url("http://kafka.example.com");
  framework.add_roles("kafka");
  framework.add_capabilities()->set_type(mesos::FrameworkInfo::Capability::MULTI_ROLE);
  mesos::SlaveInfo agent;
  agent.set_hostname("agent-1");
  agent.set_port(5051);
  *agent.mutable_resources() = Parse("cpus:8;mem:4096");
  agent.mutable_domain()->mutable_fault_domain()->mutable_region()->set_name("eu");
  // The oracle: libprotobuf's own parse, then DiscardUnknownFields().
  const auto discarded = [](auto to, const google::protobuf::Message& from) {
    to.ParsePartialFromString(from.SerializePartialAsString());
    to.DiscardUnknownFields();
    return to;
  };
  const auto same = [](const google::protobuf::Message& expected, const std::string& field) {
    protocol::MasterLaunchTaskLabelDecorator parsed;
    return parsed.ParseFromString(field) && parsed.ByteSizeLong() > 0 &&
           (parsed.task().SerializeAsString() + parsed.framework_info().SerializeAsString() +
            parsed.agent_info().SerializeAsString()) == expected.SerializeAsString();
  };
  std::string field;
  wire::AppendAsField<protocol::TaskInfo>(1, full, &field);
  const protocol::TaskInfo full_discarded = discarded(protocol::TaskInfo(), full);
  Check(same(full_discarded, field) && field.size() < 600,
        "the hook adapter's byte-level TaskInfo copy equals the parse-and-discard copy, Mesos-only fields dropped",
        std::to_string(field.size()) + " bytes of " + std::to_string(full.ByteSizeLong()));
  field.clear();
  wire::AppendAsField<protocol::FrameworkInfo>(2, framework, &field);
  Check(same(discarded(protocol::FrameworkInfo(), framework), field), "… and its FrameworkInfo copy");
  field.clear();
  wire::AppendAsField<protocol::AgentInfo>(3, agent, &field);
  Check(same(discarded(protocol::AgentInfo(), agent), field), "… and its SlaveInfo copy");
  // ToProtocol (every allocator call's copy) prunes the bytes before parsing: the same message.
  bool resources_same = true;
  for (const mesos::Resource& resource : full.resources()) {
    resources_same = resources_same && ToProtocol(resource).SerializeAsString() ==
                                           discarded(protocol::Resource(), resource).SerializeAsString();
  }
  Check(ToProtocol(full).SerializeAsString() == full_discarded.SerializeAsString() &&
            ToProtocol(agent).SerializeAsString() == discarded(protocol::AgentInfo(), agent).SerializeAsString() &&
            resources_same,
        "ToProtocol equals parse + DiscardUnknownFields for Mesos's TaskInfo, SlaveInfo and each Resource");

  protocol::Attribute rack;
  rack.set_name("rack");
  rack.set_type(protocol::Value::TEXT);
  rack.mutable_text()->set_value("r1");
  google::protobuf::RepeatedPtrField<protocol::Attribute> attributes;
  *attributes.Add() = rack;
  Try<mesos::Attributes> converted = AttributesFromProtocol(attributes);
  Check(converted.isSome() && converted->size() == 1 && converted->get(0).text().value() == "r1",
        "attributes convert to Mesos's");
}

void Calls() {
  mesos::SlaveInfo info;
  info.set_hostname("h1");
  info.mutable_id()->set_value("a1");
  mesos::FrameworkID framework;
  framework.set_value("f1");
  hashmap<mesos::FrameworkID, mesos::Resources> used;
  used[framework] = Allocated("cpus:1", "web");
  protocol::AllocatorCall call = calls::AddAgent(info.id(), info, {}, None(), Parse("cpus:4;mem:1024"), used);
  Check(call.has_add_agent() && call.add_agent().agent_id() == "a1" && call.add_agent().agent_info().hostname() == "h1" &&
            call.add_agent().total_size() == 2 && call.add_agent().used_size() == 1 &&
            call.add_agent().used(0).id() == "f1",
        "addSlave becomes AddAgent with total and used per framework", call.ShortDebugString());

  mesos::quota::QuotaConfig config;
  config.set_role("web");
  (*config.mutable_guarantees())["cpus"].set_value(2);
  (*config.mutable_limits())["mem"].set_value(512);
  protocol::AllocatorCall quota = calls::UpdateQuota("web", mesos::Quota(config));
  Check(quota.update_quota().quota().role() == "web" && quota.update_quota().quota().guarantees().at("cpus").value() == 2 &&
            quota.update_quota().quota().limits().at("mem").value() == 512,
        "updateQuota carries guarantees and limits", quota.ShortDebugString());

  mesos::allocator::Options options;
  options.allocationInterval = Milliseconds(250);
  options.minAllocatableResources = std::vector<mesos::ResourceQuantities>{
      CHECK_NOTERROR(mesos::ResourceQuantities::fromString("cpus:0.01;mem:32"))};
  protocol::AllocatorCall initialize = calls::Initialize(options);
  Check(initialize.initialize().allocation_interval_ms() == 250 &&
            initialize.initialize().min_allocatable_resources_size() == 1 &&
            initialize.initialize().min_allocatable_resources(0).quantities().at("mem").value() == 32,
        "initialize carries the interval and the minimum allocatable resources", initialize.ShortDebugString());
  Check(calls::Name(initialize) == "initialize" && calls::Name(calls::Allocate()) == "allocate", "calls are named");
}

protocol::OfferEntry Entry(const std::string& framework, const std::string& role, const std::string& agent,
                           const mesos::Resources& resources) {
  protocol::OfferEntry entry;
  entry.set_framework_id(framework);
  entry.set_role(role);
  entry.set_agent_id(agent);
  ToProtocol(resources, entry.mutable_resources());
  return entry;
}

void Decoding() {
  AllocatorMirror mirror;
  protocol::Allocation allocation;
  *allocation.add_offers() = Entry("f1", "web", "a1", Allocated("cpus:1;mem:128", "web"));
  *allocation.add_offers() = Entry("f1", "web", "a2", Allocated("cpus:2", "web"));
  *allocation.add_offers() = Entry("f1", "db", "a1", Allocated("disk:10", "db"));
  *allocation.add_offers() = Entry("f2", "web", "a1", Allocated("cpus:1", "db"));  // wrong role tag
  protocol::InverseOfferEntry* inverse = allocation.add_inverse_offers();
  inverse->set_framework_id("f1");
  inverse->set_agent_id("a1");
  inverse->mutable_unavailability()->mutable_start()->set_nanoseconds(5);
  DecodedAllocation decoded = DecodeAllocation(allocation, mirror);
  const mesos::FrameworkID f1 = FrameworkIdOf("f1");
  Check(decoded.offers.size() == 1 && decoded.offers.at(f1).size() == 2 && decoded.offers.at(f1).at("web").size() == 2,
        "offers group as framework → role → agent");
  Check(decoded.offerEntries == 3, "three entries are offered", std::to_string(decoded.offerEntries));
  Check(decoded.rejected.size() == 1 && decoded.rejected[0].why.find("allocation role") != std::string::npos,
        "a resource tagged with another role is rejected with the reason",
        decoded.rejected.empty() ? "" : decoded.rejected[0].why);
  Check(decoded.inverseOffers.size() == 1 &&
            decoded.inverseOffers.at(f1).at(AgentIdOf("a1")).unavailability.start().nanoseconds() == 5,
        "inverse offers carry the unavailability");
}

void Mirror() {
  AllocatorMirror mirror;
  mesos::SlaveInfo info;
  info.set_hostname("h1");
  const mesos::SlaveID a1 = AgentIdOf("a1");
  const mesos::FrameworkID f1 = FrameworkIdOf("f1");
  mesos::FrameworkInfo framework;
  framework.set_name("kafka");
  framework.add_roles("web");
  mirror.addAgent(a1, AgentRecord{info, {}, None(), Parse("cpus:4;mem:1024;disk:100"), {}, true});
  mirror.addFramework(f1, framework, true, mesos::allocator::FrameworkOptions());
  mirror.offered(f1, a1, Allocated("cpus:2;mem:256", "web"));
  mirror.recovered(f1, a1, Allocated("cpus:1", "web"));
  mirror.suppress(f1, {});

  mesos::Offer::Operation reserve;
  reserve.set_type(mesos::Offer::Operation::RESERVE);
  mesos::Resources dynamic = Parse("disk:40");
  mesos::Resource::ReservationInfo reservation;
  reservation.set_type(mesos::Resource::ReservationInfo::DYNAMIC);
  reservation.set_role("web");
  dynamic = dynamic.pushReservation(reservation);
  *reserve.mutable_reserve()->mutable_resources() = dynamic;
  mirror.updateAvailable(a1, {reserve});

  std::vector<protocol::AllocatorCall> resync = mirror.resyncCalls();
  const protocol::AddAgent* agent = nullptr;
  const protocol::AddFramework* added = nullptr;
  for (const auto& call : resync) {
    if (call.has_add_agent()) agent = &call.add_agent();
    if (call.has_add_framework()) added = &call.add_framework();
  }
  Check(agent != nullptr && agent->used_size() == 1, "resync re-adds the agent with what f1 uses");
  if (agent != nullptr && agent->used_size() == 1) {
    Try<mesos::Resources> used = FromProtocol(agent->used(0).resources());
    Check(used.isSome() && used.get() == Allocated("cpus:1;mem:256", "web"), "used = offered − recovered",
          used.isSome() ? stringify(used.get()) : used.error());
    Try<mesos::Resources> total = FromProtocol(agent->total());
    Check(total.isSome() && total->reserved("web") == dynamic, "the total includes the operator's reservation",
          total.isSome() ? stringify(total.get()) : total.error());
  }
  Check(added != nullptr && added->active() && added->options().suppressed_roles_size() == 1 && added->used_size() == 0,
        "resync re-adds the framework active, suppressed in 'web', with its usage on the agents only");
  mirror.removeFramework(f1);
  resync = mirror.resyncCalls();
  bool clean = true;
  for (const auto& call : resync) clean = clean && !call.has_add_framework() && !(call.has_add_agent() && call.add_agent().used_size() > 0);
  Check(clean, "a removed framework leaves nothing behind");
}

void Housekeeping(const std::string& bundle) {
  auto off = ParseModuleParameters(ModuleKind::kAllocator, {{"policy", bundle}});
  Check(off.config && off.config->reload_check.count() == 0, "reload_check_ms is off by default");
  auto on = ParseModuleParameters(ModuleKind::kHook, {{"policy", bundle}, {"reload_check_ms", "250"}});
  Check(on.config && on.config->reload_check.count() == 250, "reload_check_ms=250", on.error);
  auto zero = ParseModuleParameters(ModuleKind::kIsolator, {{"policy", bundle}, {"reload_check_ms", "0"}});
  Check(zero.config && zero.config->reload_check.count() == 0, "reload_check_ms=0 is off", zero.error);
  auto bad = ParseModuleParameters(ModuleKind::kHook, {{"policy", bundle}, {"reload_check_ms", "-1"}});
  Check(!bad.config && bad.error.find("reload_check_ms") != std::string::npos, "reload_check_ms=-1 is refused", bad.error);

  Check(off.config && off.config->spin_wait == mesos_policy::bridge::RuntimeOptions::kDefaultSpinWait, "spin_wait_us defaults to the runtime's default");
  auto spin = ParseModuleParameters(ModuleKind::kHook, {{"policy", bundle}, {"spin_wait_us", "0"}});
  Check(spin.config && spin.config->spin_wait.count() == 0, "spin_wait_us=0 turns spinning off", spin.error);
  auto tooLong = ParseModuleParameters(ModuleKind::kAllocator, {{"policy", bundle}, {"spin_wait_us", "100001"}});
  Check(!tooLong.config && tooLong.error.find("spin_wait_us") != std::string::npos, "spin_wait_us above 100000 is refused", tooLong.error);

  Check(RuntimeCounterMetricName(ModuleKind::kAllocator, "allocator/policy_errors/score") ==
            "mesos_policy/allocator/policy_errors/score", "allocator/policy_errors/<stage> keeps its name under the module");
  Check(RuntimeCounterMetricName(ModuleKind::kHook, "hooks/errors/agentTaskStatusDecorator") ==
            "mesos_policy/hook/errors/agentTaskStatusDecorator", "hooks/errors/<hook> → mesos_policy/hook/errors/<hook>");
  Check(RuntimeCounterMetricName(ModuleKind::kHook, "errors/POLICY_FAILED") == "mesos_policy/hook/policy/errors/POLICY_FAILED",
        "a name outside the module's section goes under policy/");
  Check(RuntimeCounterMetricName(ModuleKind::kAllocator, "allocator/offers") == "mesos_policy/allocator/policy/allocator/offers",
        "a name that would shadow an adapter counter goes under policy/");

  // The warning: at once for the first growth, then at most once per period, summing what grew.
  RuntimeStatsGauges gauges(ModuleKind::kAllocator, std::chrono::seconds(60));
  const auto t0 = std::chrono::steady_clock::now();
  Check(gauges.Update({{"allocator/calls/allocate", 3}}, t0).empty(), "no warning without policy errors");
  std::string first = gauges.Update({{"allocator/policy_errors/score", 2}}, t0);
  Check(first.find("2x allocator/policy_errors/score") != std::string::npos, "the first errors are warned about", first);
  Check(gauges.Value("mesos_policy/allocator/policy_errors/score") == 2.0, "the gauge shows the runtime's value");
  Check(gauges.Update({{"allocator/policy_errors/score", 5}}, t0 + std::chrono::seconds(10)).empty(),
        "no second warning within the period");
  // A fresh runtime counts from 0: 1 < 5 is one more error, not a negative one.
  std::string later = gauges.Update({{"allocator/policy_errors/score", 1}}, t0 + std::chrono::seconds(61));
  Check(later.find("4x allocator/policy_errors/score") != std::string::npos, "after the period: the growth since (3 + 1)", later);

  // The file watch: a change is acted on once two checks see the same new file.
  const std::string file = bundle + ".watch";
  std::ofstream(file) << "v1";
  BundleWatch watch(file);
  Check(!watch.Check(), "an unchanged bundle is not reloaded");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::ofstream(file) << "version 2";
  Check(!watch.Check(), "a change waits one check to settle");
  Check(watch.Check(), "a settled change is reloaded");
  Check(!watch.Check(), "once");
  std::remove(file.c_str());
  Check(!watch.Check(), "a missing file (mid-rename) is not reloaded");
}

void WriteFile(const std::filesystem::path& path, size_t bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << std::string(bytes, 'x');
}

mesos::Resource Volume(const std::string& role, const std::string& id, const std::string& containerPath, double mb) {
  mesos::Resources disk = Parse("disk:" + std::to_string(mb));
  mesos::Resource::ReservationInfo reservation;
  reservation.set_type(mesos::Resource::ReservationInfo::DYNAMIC);
  reservation.set_role(role);
  disk = disk.pushReservation(reservation);
  disk.allocate(role);
  mesos::Resource volume = *disk.begin();
  volume.mutable_disk()->mutable_persistence()->set_id(id);
  volume.mutable_disk()->mutable_volume()->set_container_path(containerPath);
  volume.mutable_disk()->mutable_volume()->set_mode(mesos::Volume::RW);
  return volume;
}

const protocol::Resource* UsageOf(const std::vector<protocol::Resource>& usage, const std::string& id) {
  for (const auto& r : usage) {
    if (id.empty() ? !r.disk().has_persistence() : r.disk().persistence().id() == id) return &r;
  }
  return nullptr;
}

void DiskUsage() {
  namespace fs = std::filesystem;
  constexpr double MB = 1024.0 * 1024.0;
  const fs::path work = fs::temp_directory_path() / ("mesos_adapter_test_work." + std::to_string(::getpid()));
  fs::remove_all(work);
  const fs::path sandbox = work / "slaves/S0/frameworks/F0/executors/kafka.1/runs/c1";
  // Mesos's layout: <work_dir>/volumes/roles/<role, '/' as ' '>/<persistence id>
  const fs::path data = work / "volumes/roles/eng kafka/data-1";
  WriteFile(data / "segment.log", 3 * 1024 * 1024);
  WriteFile(data / "deep/dir/index", 512 * 1024);
  WriteFile(data / "empty", 0);
  fs::create_symlink("/usr", data / "usr-link");  // not followed
  const fs::path mount = work / "mnt/disk1";
  WriteFile(mount / "blob", 1024 * 1024);
  WriteFile(sandbox / "stdout", 256 * 1024);
  // The volume as the linux/filesystem isolator mounts it into the sandbox: not the sandbox's usage.
  WriteFile(sandbox / "data/segment.log", 2 * 1024 * 1024);

  Check(WorkDirOfSandbox(sandbox.string()) == Option<std::string>(work.string()), "the work_dir is read off the sandbox path",
        WorkDirOfSandbox(sandbox.string()).getOrElse("none"));
  Check(WorkDirOfSandbox((sandbox / "containers/c2").string()) == Option<std::string>(work.string()),
        "and off a nested container's sandbox path");
  Check(WorkDirOfSandbox("/tmp/elsewhere").isNone(), "a directory outside the layout gives none");

  mesos::Resource volume = Volume("eng/kafka", "data-1", "data", 10);
  Try<std::string> path = PersistentVolumePath(work.string(), volume);
  Check(path.isSome() && path.get() == data.string(), "a persistent volume's host path, hierarchical role as ' '",
        path.isSome() ? path.get() : path.error());

  mesos::Resource mounted = Volume("eng", "blob-1", "/blob", 4000);
  mounted.mutable_disk()->mutable_source()->set_type(mesos::Resource::DiskInfo::Source::MOUNT);
  mounted.mutable_disk()->mutable_source()->mutable_mount()->set_root("mnt/disk1");  // relative: under work_dir
  Try<std::string> mountPath = PersistentVolumePath(work.string(), mounted);
  Check(mountPath.isSome() && mountPath.get() == mount.string(), "a MOUNT disk's volume is its source root",
        mountPath.isSome() ? mountPath.get() : mountPath.error());

  mesos::Resource bad = Volume("eng", "..", "x", 1);
  Check(PersistentVolumePath(work.string(), bad).isError(), "a persistence id '..' is refused");

  mesos::Resources resources = Allocated("cpus:1;mem:128;disk:64", "eng/kafka");
  resources += volume;
  resources += mounted;
  std::vector<DiskTarget> targets = DiskTargets(resources, sandbox.string(), "");  // work_dir from the sandbox
  Check(targets.size() == 3, "two volumes and the sandbox are measured", std::to_string(targets.size()));

  const std::vector<protocol::Resource> usage = MeasureDiskUsage(targets);
  // What IsolatorProcess::poll puts into the watch request.
  protocol::IsolatorCall request;
  for (const auto& r : usage) *request.mutable_watch()->add_disk_usage() = r;
  const protocol::Resource* volumeUsage = UsageOf(usage, "data-1");
  const double expected = (3 * 1024 * 1024 + 512 * 1024) / MB;  // 3.5 MB: files only, the symlink not followed
  Check(request.watch().disk_usage_size() == 3 && volumeUsage != nullptr && volumeUsage->name() == "disk" &&
            volumeUsage->scalar().value() == expected,
        "the watch request carries the volume's usage: 3.5 MB",
        volumeUsage == nullptr ? request.ShortDebugString() : std::to_string(volumeUsage->scalar().value()));
  Check(volumeUsage != nullptr && volumeUsage->reservations_size() == 1 && volumeUsage->reservations(0).role() == "eng/kafka" &&
            volumeUsage->disk().volume().container_path() == "data" && volumeUsage->allocation_info().role() == "eng/kafka",
        "with the volume's persistence id, reservation, container path and allocation role");
  const protocol::Resource* mountUsage = UsageOf(usage, "blob-1");
  Check(mountUsage != nullptr && mountUsage->scalar().value() == 1.0 && mountUsage->disk().source().mount().root() == "mnt/disk1",
        "the MOUNT volume's usage: 1 MB", mountUsage == nullptr ? "absent" : std::to_string(mountUsage->scalar().value()));
  const protocol::Resource* sandboxUsage = UsageOf(usage, "");
  Check(sandboxUsage != nullptr && sandboxUsage->scalar().value() == 0.25 && !sandboxUsage->has_disk(),
        "the sandbox's usage (0.25 MB) leaves out the volume mounted in it",
        sandboxUsage == nullptr ? "absent" : std::to_string(sandboxUsage->scalar().value()));
  Check(DirectoryBytes(sandbox.string()) == 256 * 1024 + 2 * 1024 * 1024, "without the exclusion it would count it");

  fs::remove_all(data / "deep");
  fs::remove(data / "segment.log");
  const std::vector<protocol::Resource> emptied = MeasureDiskUsage(targets);
  const protocol::Resource* zero = UsageOf(emptied, "data-1");
  Check(zero != nullptr && zero->scalar().value() == 0.0, "an empty volume is reported as 0 MB, not left out");

  Check(DiskTargets(resources, "/tmp/elsewhere", "").size() == 1,
        "no work_dir: volumes under it (and a relative MOUNT root) are skipped, logged; the sandbox stays");
  Check(DiskTargets(resources, "/tmp/elsewhere", work.string()).size() == 3, "the work_dir parameter finds them");
  Check(DiskTargets(Allocated("cpus:1;mem:128", "eng"), sandbox.string(), "").empty(), "a container without disk: nothing to measure");

  auto param = ParseModuleParameters(ModuleKind::kIsolator, {{"policy", "/tmp/mesos_adapter_test_bundle.js"}, {"work_dir", work.string() + "/"}});
  Check(param.config && param.config->work_dir == work.string(), "work_dir is read (normalised)", param.error);
  auto relative = ParseModuleParameters(ModuleKind::kIsolator, {{"policy", "/tmp/mesos_adapter_test_bundle.js"}, {"work_dir", "mesos"}});
  Check(!relative.config && relative.error.find("work_dir") != std::string::npos, "a relative work_dir is refused", relative.error);
  auto hook = ParseModuleParameters(ModuleKind::kHook, {{"policy", "/tmp/mesos_adapter_test_bundle.js"}, {"work_dir", work.string()}});
  Check(!hook.config, "work_dir is the isolator's only");
  fs::remove_all(work);
}

}  // namespace

int main() {
  const std::string bundle = "/tmp/mesos_adapter_test_bundle.js";
  std::ofstream(bundle) << "exports.handle = () => '';\n";
  Parameters(bundle);
  WireCopies();
  Calls();
  Decoding();
  Mirror();
  Housekeeping(bundle);
  DiskUsage();
  OperatorChecks(Check, bundle);
  AllocationChecks(Check);
  std::remove(bundle.c_str());
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
