// bridge_latency: the bridge's round-trip figures, from host threads, as bench/bridge.bench.ts reports
// them. Prints "figure <name> <value>" lines.
//
// Usage: bridge_latency <echo-bundle.js> <runtime-bundle.js> [calls] [spin_wait_us[+]] [node-arg ...]
//   echo-bundle     answers each call with its payload: the transport alone (an empty call)
//   runtime-bundle  a policy bundle built with buildPolicyBundle whose hooks decorate task labels:
//                   a ~2 KB MasterLaunchTaskLabelDecorator call, its request made as the Mesos hook
//                   adapter makes it (native/wire) and its reply parsed with libprotobuf here,
//                   decoded and encoded with protobufjs in the runtime, through the user's hook;
//                   each call a new task, on one of 1,000 agents in turn (Launches)
//   spin_wait_us    RuntimeOptions::spin_wait (default: the runtime's default; 0: no spinning);
//                   a trailing + sets spin_on_busy_machine (spin even when the machine is busy)
//   node-arg        RuntimeOptions::node_args (V8/Node flags for the process, e.g. --max-semi-space-size=2)
// Last, the machine's floor for a call of the hook's shape without the bridge (machine_floor.h).
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "bridge.pb.h"
#include "hook_request.h"
#include "machine_floor.h"
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

std::chrono::microseconds spin_wait = bridge::RuntimeOptions::kDefaultSpinWait;
bool spin_on_busy_machine = false;
std::vector<std::string> node_args;

std::unique_ptr<bridge::PolicyRuntime> StartRuntime(const std::string& bundle) {
  bridge::RuntimeOptions options;
  options.bundle = bundle;
  options.spin_wait = spin_wait;
  options.spin_on_busy_machine = spin_on_busy_machine;
  options.node_args = node_args;
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
  std::printf("figure %s %.6g\n", name.c_str(), value);
  std::fflush(stdout);
}

// Per call: how often the loop had to be woken, and how often the caller was (not answered while
// it spun). Both are 1 without spinning; each wake-up of an idle thread costs tens of µs on a VM.
void WakeUpFigures(const std::string& name, bridge::PolicyRuntime& runtime, const bridge::RequestQueue::Counters& before,
                   int calls) {
  const auto after = runtime.queue_counters();
  Figure(name + "_loop_wakeups_per_call", static_cast<double>(after.wakeups - before.wakeups) / calls);
  Figure(name + "_caller_wakeups_per_call",
         1.0 - static_cast<double>(after.answered_while_spinning - before.answered_while_spinning) / calls);
  Figure(name + "_contended_spins_per_call", static_cast<double>(after.contended - before.contended) / calls);
  Figure(name + "_slow_wakeups_per_call", static_cast<double>(after.slow_wakeups - before.slow_wakeups) / calls);
}

// Sequential calls from this thread; `make` builds each payload, `check` parses each answer. The
// whole round trip is timed (building the request is part of every real call), and the build and
// the parse apart, to show their share. The first `warmup` calls are timed apart (warmup_us).
struct RoundTripTimes {
  std::vector<double> total_us, build_us, parse_us, warmup_us;
};

template <typename Make, typename Check>
RoundTripTimes RoundTrips(bridge::PolicyRuntime& runtime, int calls, int warmup, Make make, Check check) {
  RoundTripTimes times;
  for (auto* xs : {&times.total_us, &times.build_us, &times.parse_us}) xs->reserve(calls);
  const auto us = [](Clock::time_point from, Clock::time_point to) { return std::chrono::duration<double, std::micro>(to - from).count(); };
  for (int i = 0; i < calls + warmup; i++) {
    const auto before = Clock::now();
    std::string payload = make();
    const auto built = Clock::now();
    bridge::Result result = runtime.Call("bench", std::move(payload), kDeadline);
    const auto answered = Clock::now();
    if (!result.ok()) Fail(std::string("a call failed: ") + bridge::StatusName(result.status) + ": " + result.value);
    check(result.value);
    const auto after = Clock::now();
    if (i < warmup) {
      times.warmup_us.push_back(us(before, after));
    } else {
      times.total_us.push_back(us(before, after));
      times.build_us.push_back(us(before, built));
      times.parse_us.push_back(us(answered, after));
    }
  }
  return times;
}

// CPU time of the whole process (every thread: callers, the loop, the watchdog), in µs.
double ProcessCpuUs() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
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

// What native/mesos/hook.cc does per masterLaunchTaskLabelDecorator call: each argument copied into
// the protocol's type through its bytes (wire_copy.h), written straight into the request's bytes
// (hook_request.h). Here the held messages are the protocol's own types standing in for Mesos's
// (wire-compatible; this program links no Mesos): a master holds the task, framework and agent
// before it runs the hook, and so does this bench.
std::string AdapterHookRequest(const protocol::MasterLaunchTaskLabelDecorator& held) {
  using Args = protocol::MasterLaunchTaskLabelDecorator;
  mesos_policy::wire::HookRequest request(protocol::HookCall::kMasterLaunchTaskLabelDecoratorFieldNumber);
  request.Copy<protocol::TaskInfo>(Args::kTaskFieldNumber, held.task());
  request.Copy<protocol::FrameworkInfo>(Args::kFrameworkInfoFieldNumber, held.framework_info());
  request.Copy<protocol::AgentInfo>(Args::kAgentInfoFieldNumber, held.agent_info());
  return request.Finish(1.0e12);
}

// Task launches as a master sees them: every task id new, the agents many (kAgents, round-robin,
// each with its own id, hostname and rack), one framework. What repeats between the calls
// (an agent's info, the framework's, the app's labels and environment) repeats as in a cluster.
class Launches {
 public:
  static constexpr int kAgents = 1000;

  explicit Launches(const protocol::MasterLaunchTaskLabelDecorator& base) {
    for (int i = 0; i < kAgents; i++) {
      protocol::MasterLaunchTaskLabelDecorator& args = held_.emplace_back(base);
      const std::string agent_id = "0f4bb7a1-5f0e-4d8c-9a61-6c2d1c9b0f3e-S" + std::to_string(i);
      args.mutable_task()->mutable_agent_id()->set_value(agent_id);
      protocol::AgentInfo* agent = args.mutable_agent_info();
      agent->mutable_id()->set_value(agent_id);
      agent->set_hostname("agent-" + std::to_string(i) + ".dc1.example.com");
      agent->mutable_attributes(0)->mutable_text()->set_value("r" + std::to_string(i % 40));
    }
  }

  // The next launch's arguments, as the master holds them when it runs the hook.
  const protocol::MasterLaunchTaskLabelDecorator& Next() {
    protocol::MasterLaunchTaskLabelDecorator& args = held_[next_ % kAgents];
    args.mutable_task()->mutable_task_id()->set_value("kafka-broker__5b9d6c1e-8f1a-4e0a-9a7e-" + std::to_string(next_));
    next_++;
    return args;
  }

 private:
  std::vector<protocol::MasterLaunchTaskLabelDecorator> held_;
  uint64_t next_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) Fail("usage: bridge_latency <echo-bundle.js> <runtime-bundle.js> [calls] [spin_wait_us[+]] [node-arg ...]");
  const int calls = argc > 3 ? std::atoi(argv[3]) : 20000;
  if (argc > 4) {
    const std::string spin = argv[4];
    spin_wait = std::chrono::microseconds(std::atoi(spin.c_str()));
    spin_on_busy_machine = !spin.empty() && spin.back() == '+';
  }
  for (int i = 5; i < argc; i++) node_args.emplace_back(argv[i]);
  Figure("spin_wait_us", static_cast<double>(spin_wait.count()));
  Figure("spin_on_busy_machine", spin_on_busy_machine ? 1 : 0);

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
    auto counted = echo->queue_counters();
    auto empty = RoundTrips(*echo, calls, calls / 10, [] { return std::string(); }, [](const std::string&) {}).total_us;
    Figure("empty_p50_us", Percentile(empty, 0.5));
    Figure("empty_p99_us", Percentile(empty, 0.99));
    WakeUpFigures("empty", *echo, counted, calls + calls / 10);

    // Isolated calls, 1 ms apart (a master's hook and allocator calls mostly come alone): the
    // latency when every call finds the loop asleep, and the CPU each call costs, spinning included.
    std::vector<double> paced;
    const int paced_calls = std::max(100, calls / 10);
    paced.reserve(paced_calls);
    const double cpu_before = ProcessCpuUs();
    counted = echo->queue_counters();
    for (int i = 0; i < paced_calls; i++) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      const auto before = Clock::now();
      if (!echo->Call("bench", "", kDeadline).ok()) Fail("a paced call failed");
      paced.push_back(std::chrono::duration<double, std::micro>(Clock::now() - before).count());
    }
    Figure("paced_p50_us", Percentile(paced, 0.5));
    Figure("paced_p99_us", Percentile(paced, 0.99));
    Figure("paced_cpu_us_per_call", (ProcessCpuUs() - cpu_before) / paced_calls);
    WakeUpFigures("paced", *echo, counted, paced_calls);

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
  const protocol::Request held = HookRequest();
  const auto& arguments = held.hook().master_launch_task_label_decorator();
  const std::string hook = AdapterHookRequest(arguments);
  {
    protocol::Request copied;
    if (!copied.ParseFromString(hook) || copied.hook().SerializeAsString() != held.hook().SerializeAsString()) {
      Fail("the adapter's copy of the hook request differs from the request");
    }
  }
  Figure("hook_request_bytes", static_cast<double>(hook.size()));
  Launches launches(arguments);
  const auto make = [&launches] { return AdapterHookRequest(launches.Next()); };  // as the adapter makes each request
  const auto check = [](const std::string& answer) {
    protocol::Response response;
    if (!response.ParseFromString(answer) || !response.has_hook() || !response.hook().has_labels()) {
      Fail("the hook call did not answer labels: " + response.ShortDebugString());
    }
  };
  // As many calls again first: V8 takes ~1 s of calls to finish optimizing the codec (protobufjs
  // decode, the reply's writer) and the hook, in background compile jobs that take a core of a
  // 2-core machine for ms at a time; a master runs for days. Those first calls are reported apart,
  // and so are their wake-ups (those compile jobs make spins find the machine busy).
  const auto warmup_counted = runtime->queue_counters();
  const auto warmup_us = RoundTrips(*runtime, 0, calls, make, check).warmup_us;
  WakeUpFigures("hook_warmup", *runtime, warmup_counted, calls);
  const auto counted = runtime->queue_counters();
  const auto hooks = RoundTrips(*runtime, calls, 0, make, check);
  Figure("hook_p50_us", Percentile(hooks.total_us, 0.5));
  Figure("hook_p90_us", Percentile(hooks.total_us, 0.9));
  Figure("hook_p99_us", Percentile(hooks.total_us, 0.99));
  Figure("hook_p999_us", Percentile(hooks.total_us, 0.999));
  Figure("hook_warmup_p50_us", Percentile(warmup_us, 0.5));
  Figure("hook_warmup_p99_us", Percentile(warmup_us, 0.99));
  WakeUpFigures("hook", *runtime, counted, calls);
  Figure("hook_build_p50_us", Percentile(hooks.build_us, 0.5));
  Figure("hook_parse_p50_us", Percentile(hooks.parse_us, 0.5));
  runtime.reset();

  // The machine's floor for the same shape (machine_floor.h): the hook call's p50 split into the
  // host thread's part (build and parse) and the rest, worked by two plain threads that never sleep.
  // What its p99 adds over its p50 is this host's doing, not the bridge's.
  const double caller_us = Percentile(hooks.build_us, 0.5) + Percentile(hooks.parse_us, 0.5);
  const double server_us = std::max(1.0, Percentile(hooks.total_us, 0.5) - caller_us);
  const auto floor = mesos_policy::bench::HandOffRoundTrips(caller_us, server_us, calls);
  Figure("floor_caller_us", caller_us);
  Figure("floor_server_us", server_us);
  Figure("floor_p50_us", Percentile(floor, 0.5));
  Figure("floor_p99_us", Percentile(floor, 0.99));
  Figure("floor_p999_us", Percentile(floor, 0.999));
  return 0;
}
