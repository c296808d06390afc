// bridge_latency: the bridge's round-trip figures, from host threads, as bench/bridge.bench.ts reports
// them. Prints "figure <name> <value>" lines.
//
// Usage: bridge_latency <echo-bundle.js> <runtime-bundle.js> [calls]
//   echo-bundle     answers each call with its payload: the transport alone (an empty call)
//   runtime-bundle  a policy bundle built with buildPolicyBundle whose hooks decorate task labels:
//                   a ~2 KB MasterLaunchTaskLabelDecorator call, encoded and decoded with libprotobuf
//                   here and with protobufjs in the runtime, through the user's hook and back.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "bridge.pb.h"
#include "runtime.h"

namespace bridge = mesos_policy::bridge;
namespace protocol = mesos_policy::protocol;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds kDeadline{10000};

[[noreturn]] void Fail(const std::string& why) {
  std::fprintf(stderr, "bridge_latency: %s\n", why.c_str());
  std::exit(1);
}

std::unique_ptr<bridge::PolicyRuntime> StartRuntime(const std::string& bundle) {
  bridge::RuntimeOptions options;
  options.bundle = bundle;
  options.log = [](bridge::LogLevel level, const std::string& text) {
    std::fprintf(stderr, "[policy %s] %s\n", bridge::LogLevelName(level), text.c_str());
  };
  auto started = bridge::PolicyRuntime::Start(options);
  if (!started.runtime) Fail("the runtime did not start: " + started.error);
  return std::move(started.runtime);
}

double Percentile(std::vector<double> xs, double p) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  return xs[std::min(xs.size() - 1, static_cast<size_t>(p * static_cast<double>(xs.size())))];
}

void Figure(const std::string& name, double value) {
  std::printf("figure %s %.2f\n", name.c_str(), value);
  std::fflush(stdout);
}

// Sequential calls from this thread; `make` builds each payload, `check` parses each answer.
template <typename Make, typename Check>
std::vector<double> RoundTrips(bridge::PolicyRuntime& runtime, int calls, Make make, Check check) {
  std::vector<double> us;
  us.reserve(calls);
  for (int i = 0; i < calls + calls / 10; i++) {  // the first tenth warms up
    const auto before = Clock::now();
    bridge::Result result = runtime.Call("bench", make(), kDeadline);
    if (!result.ok()) Fail(std::string("a call failed: ") + bridge::StatusName(result.status) + ": " + result.value);
    check(result.value);
    const double elapsed = std::chrono::duration<double, std::micro>(Clock::now() - before).count();
    if (i >= calls / 10) us.push_back(elapsed);
  }
  return us;
}

// A task as a framework like Marathon launches it: ~2 KB on the wire.
protocol::Request HookRequest() {
  protocol::Request request;
  auto* call = request.mutable_hook()->mutable_master_launch_task_label_decorator();
  protocol::TaskInfo* task = call->mutable_task();
  task->set_name("kafka-broker-7.data-services");
  task->mutable_task_id()->set_value("kafka-broker-7__5b9d6c1e-8f1a-4e0a-9a7e-2c5d3c7d9e11");
  task->mutable_agent_id()->set_value("0f4bb7a1-5f0e-4d8c-9a61-6c2d1c9b0f3e-S12");
  const char* names[] = {"cpus", "mem", "disk"};
  const double values[] = {4, 16384, 102400};
  for (int i = 0; i < 3; i++) {
    protocol::Resource* r = task->add_resources();
    r->set_name(names[i]);
    r->set_type(protocol::Value::SCALAR);
    r->mutable_scalar()->set_value(values[i]);
    auto* reservation = r->add_reservations();
    reservation->set_type(protocol::Resource::ReservationInfo::DYNAMIC);
    reservation->set_role("kafka");
    reservation->set_principal("kafka-principal");
    auto* label = reservation->mutable_labels()->add_labels();
    label->set_key("resource_id");
    label->set_value("b7a1c5e0-5f0e-4d8c-9a61-" + std::to_string(i));
    r->mutable_allocation_info()->set_role("kafka");
  }
  protocol::Resource* ports = task->add_resources();
  ports->set_name("ports");
  ports->set_type(protocol::Value::RANGES);
  auto* range = ports->mutable_ranges()->add_range();
  range->set_begin(31000);
  range->set_end(31002);
  ports->mutable_allocation_info()->set_role("kafka");
  auto* env = task->mutable_command()->mutable_environment();
  for (int i = 0; i < 24; i++) {
    auto* variable = env->add_variables();
    variable->set_name("KAFKA_OVERRIDE_SETTING_" + std::to_string(i));
    variable->set_value("value-of-the-broker-setting-number-" + std::to_string(i));
  }
  task->mutable_command()->set_value("./kafka-server-start.sh config/server.properties");
  for (int i = 0; i < 6; i++) {
    auto* label = task->mutable_labels()->add_labels();
    label->set_key("label-" + std::to_string(i));
    label->set_value("some-value-" + std::to_string(i));
  }
  protocol::FrameworkInfo* framework = call->mutable_framework_info();
  framework->set_user("kafka");
  framework->set_name("kafka");
  framework->add_roles("kafka");
  framework->set_principal("kafka-principal");
  framework->add_capabilities()->set_type(protocol::FrameworkInfo::Capability::MULTI_ROLE);
  protocol::AgentInfo* agent = call->mutable_agent_info();
  agent->set_hostname("agent-12.dc1.example.com");
  const char* attributes[][2] = {{"rack", "r3"}, {"dc", "dc1"}, {"disks", "sata"}, {"raid", "jbod"}};
  for (const auto& pair : attributes) {
    auto* attribute = agent->add_attributes();
    attribute->set_name(pair[0]);
    attribute->set_type(protocol::Value::TEXT);
    attribute->mutable_text()->set_value(pair[1]);
  }
  return request;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) Fail("usage: bridge_latency <echo-bundle.js> <runtime-bundle.js> [calls]");
  const int calls = argc > 3 ? std::atoi(argv[3]) : 20000;

  // Start-up: environment creation and the bundle's load, until the first call can be served.
  std::vector<double> starts;
  for (int i = 0; i < 5; i++) {
    const auto before = Clock::now();
    auto runtime = StartRuntime(argv[2]);
    starts.push_back(std::chrono::duration<double, std::milli>(Clock::now() - before).count());
  }
  Figure("start_ms_median", Percentile(starts, 0.5));
  Figure("start_ms_max", Percentile(starts, 1.0));

  {
    auto echo = StartRuntime(argv[1]);
    auto empty = RoundTrips(*echo, calls, [] { return std::string(); }, [](const std::string&) {});
    Figure("empty_p50_us", Percentile(empty, 0.5));
    Figure("empty_p99_us", Percentile(empty, 0.99));

    // Four host threads at once (the master's actors call from several threads).
    std::atomic<int> done{0};
    std::vector<std::thread> threads;
    const auto before = Clock::now();
    for (int t = 0; t < 4; t++) {
      threads.emplace_back([&] {
        for (int i = 0; i < calls / 4; i++) {
          if (echo->Call("bench", "x", kDeadline).ok()) done++;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - before).count();
    if (done != (calls / 4) * 4) Fail("calls from four threads failed");
    Figure("four_threads_calls_per_s", done / seconds);
  }

  auto runtime = StartRuntime(argv[2]);
  const std::string hook = HookRequest().SerializeAsString();
  Figure("hook_request_bytes", static_cast<double>(hook.size()));
  auto hooks = RoundTrips(
      *runtime, calls,
      [] { return HookRequest().SerializeAsString(); },  // the adapter builds each message anew
      [](const std::string& answer) {
        protocol::Response response;
        if (!response.ParseFromString(answer) || !response.has_hook() || !response.hook().has_labels()) {
          Fail("the hook call did not answer labels: " + response.ShortDebugString());
        }
      });
  Figure("hook_p50_us", Percentile(hooks, 0.5));
  Figure("hook_p99_us", Percentile(hooks, 0.99));
  return 0;
}
