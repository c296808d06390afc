// bridge_replay: replays a scripted stream of bridge requests through an embedded policy runtime the
// way the Mesos adapters do: each request is a C++ protobuf message (libprotobuf), serialized, sent
// through PolicyRuntime, and its reply parsed back with libprotobuf and checked for the invariants the
// adapter relies on. The replies go to a file for the caller to compare with the pure engine's
// decisions (test/native/replay.test.ts) or to time (bench/bridge.bench.ts).
//
// Usage: bridge_replay <bundle.js> <requests.bin> <replies.bin> [--timings <file>] [--heap-mb N]
//                      [--paired-call <method>] [--paired-order before|alternate|after] [--node-arg <flag>]...
//   requests.bin  length-delimited mesos_policy.protocol.Request messages
//   replies.bin   length-delimited mesos_policy.protocol.Response messages, one per request
//   --timings     one line per request: "<call case> <microseconds>" (host thread, call to parsed reply)
//   --paired-call calls the bundle's handle(<method>, "") next to each allocate request and writes its
//                 answer to the timings as "<method> <answer>" (bench/bridge.bench.ts: the engine
//                 alone, a round of its own cluster, in the same runtime, so that each cycle through
//                 the bridge is paired with one of the engine's at the same moment)
//   --paired-order  alternate: that call goes right after every other allocate and right before the
//                 rest, so neither side always follows the other; before (the default): right before
//                 each allocate; after: right after each
//   --node-arg    a V8/Node flag for the runtime (RuntimeOptions::node_args), e.g. --trace-gc; repeatable
// Prints a summary line "replayed N requests: ..." and exits 0; on a broken reply prints why, exits 1;
// on bad usage or input exits 2.
#include <fcntl.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/util/delimited_message_util.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bridge.pb.h"
#include "runtime.h"

namespace bridge = mesos_policy::bridge;
namespace protocol = mesos_policy::protocol;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds kDeadline{120000};

[[noreturn]] void Fail(int code, const std::string& why) {
  std::fprintf(stderr, "bridge_replay: %s\n", why.c_str());
  std::exit(code);
}

// The request's oneof case, as the adapters name their calls in logs and metrics.
std::string CallName(const protocol::Request& request) {
  const auto* field = protocol::Request::descriptor()->FindFieldByNumber(request.call_case());
  return field == nullptr ? "empty" : field->name();
}

protocol::Response Send(bridge::PolicyRuntime& runtime, const protocol::Request& request) {
  std::string bytes;
  if (!request.SerializeToString(&bytes)) Fail(1, "a request did not serialize");
  bridge::Result result = runtime.Call(CallName(request), std::move(bytes), kDeadline);
  if (!result.ok()) {
    Fail(1, "call '" + CallName(request) + "' failed: " + bridge::StatusName(result.status) + ": " + result.value);
  }
  protocol::Response response;
  if (!response.ParseFromString(result.value)) Fail(1, "the reply to '" + CallName(request) + "' is not a Response");
  return response;
}

// What the allocator adapter relies on: one entry per (framework, role, agent), its resources inline
// or in the shared list it names (one that exists; not both), every resource tagged with the entry's
// role.
void CheckAllocation(const protocol::Allocation& allocation, size_t index) {
  const std::string where = "request " + std::to_string(index) + ": ";
  std::string framework, role;  // carried over from the entry before when left out (protocol 3)
  for (const auto& offer : allocation.offers()) {
    if (!offer.framework_id().empty()) framework = offer.framework_id();
    if (!offer.role().empty()) role = offer.role();
    if (framework.empty() || offer.agent_id().empty() || role.empty()) {
      Fail(1, where + "an offer without framework, agent or role, and none to carry over");
    }
    const uint32_t shared = offer.shared_resources();
    if (shared > static_cast<uint32_t>(allocation.shared_resources_size())) {
      Fail(1, where + "an offer names shared resource list " + std::to_string(shared) + " of " +
                  std::to_string(allocation.shared_resources_size()));
    }
    if (shared != 0 && offer.resources_size() > 0) Fail(1, where + "an offer names a shared list and lists resources");
    const auto& resources = shared == 0 ? offer.resources() : allocation.shared_resources(shared - 1).resources();
    for (const auto& resource : resources) {
      if (resource.allocation_info().role() != role) {
        Fail(1, where + "resource " + resource.name() + " offered to role " + role +
                    " carries allocation role '" + resource.allocation_info().role() + "'");
      }
    }
  }
}

void CheckReply(const protocol::Request& request, const protocol::Response& response, size_t index) {
  if (request.has_allocator() && response.has_allocator() && response.allocator().has_allocation()) {
    CheckAllocation(response.allocator().allocation(), index);
  }
  if (request.has_allocator_batch()) {
    if (!response.has_allocator_batch() ||
        response.allocator_batch().replies_size() != request.allocator_batch().calls_size()) {
      Fail(1, "request " + std::to_string(index) + ": a batch reply must hold one reply per call");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  GOOGLE_PROTOBUF_VERIFY_VERSION;
  if (argc < 4) {
    Fail(2, "usage: bridge_replay <bundle.js> <requests.bin> <replies.bin> [--timings <file>] [--heap-mb N] [--paired-call <method>] [--paired-order before|alternate|after] [--node-arg <flag>]...");
  }
  std::string timings_path;
  std::string paired_call;
  std::string paired_order = "before";
  bridge::RuntimeOptions options;
  options.bundle = argv[1];
  for (int i = 4; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--timings") {
      timings_path = argv[i + 1];
    } else if (flag == "--paired-call") {
      paired_call = argv[i + 1];
    } else if (flag == "--heap-mb") {
      options.heap_mb = std::strtoul(argv[i + 1], nullptr, 10);
    } else if (flag == "--paired-order") {
      paired_order = argv[i + 1];
      if (paired_order != "before" && paired_order != "alternate" && paired_order != "after") {
        Fail(2, "--paired-order takes before, alternate or after, not " + paired_order);
      }
    } else if (flag == "--node-arg") {
      options.node_args.emplace_back(argv[i + 1]);
    } else {
      Fail(2, "unknown flag " + flag);
    }
  }
  options.log = [](bridge::LogLevel level, const std::string& text) {
    std::fprintf(stderr, "[policy %s] %s\n", bridge::LogLevelName(level), text.c_str());
  };

  int in = open(argv[2], O_RDONLY);
  if (in < 0) Fail(2, std::string("cannot open ") + argv[2]);
  google::protobuf::io::FileInputStream input(in);
  input.SetCloseOnDelete(true);
  std::ofstream out(argv[3], std::ios::binary | std::ios::trunc);
  if (!out) Fail(2, std::string("cannot write ") + argv[3]);

  const auto started_at = Clock::now();
  auto started = bridge::PolicyRuntime::Start(options);
  if (!started.runtime) Fail(1, "the policy runtime did not start: " + started.error);
  const double start_ms = std::chrono::duration<double, std::milli>(Clock::now() - started_at).count();
  bridge::PolicyRuntime& runtime = *started.runtime;

  // Both sides check the protocol version before anything else.
  protocol::Request hello;
  hello.mutable_hello()->set_protocol_version(protocol::PROTOCOL_VERSION);
  hello.mutable_hello()->set_host("bridge_replay");
  hello.mutable_hello()->set_module("allocator");
  protocol::Response greeting = Send(runtime, hello);
  if (!greeting.has_hello() || greeting.hello().protocol_version() != protocol::PROTOCOL_VERSION) {
    Fail(1, "protocol version mismatch: the runtime answered " + greeting.ShortDebugString());
  }

  std::vector<std::string> timings;
  size_t count = 0, offers = 0, errors = 0, allocates = 0;
  double total_us = 0;
  while (true) {
    protocol::Request request;
    bool clean_eof = false;
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&request, &input, &clean_eof)) {
      if (clean_eof) break;
      Fail(2, "request " + std::to_string(count) + " in " + argv[2] + " is not a length-delimited Request");
    }
    const bool allocate = request.has_allocator() && request.allocator().has_allocate();
    // The paired call goes right before the allocate, right after it, or (alternate) right after
    // every other one: each side then follows the other as often as not.
    const bool paired_after = paired_order == "after" || (paired_order == "alternate" && allocates % 2 == 1);
    auto call_paired = [&] {
      bridge::Result paired = runtime.Call(paired_call, "", kDeadline);
      if (!paired.ok()) Fail(1, "call '" + paired_call + "' failed: " + bridge::StatusName(paired.status) + ": " + paired.value);
      if (!timings_path.empty()) timings.push_back(paired_call + " " + paired.value);
    };
    if (!paired_call.empty() && allocate && !paired_after) call_paired();
    const auto before = Clock::now();
    protocol::Response response = Send(runtime, request);
    const double us = std::chrono::duration<double, std::micro>(Clock::now() - before).count();
    total_us += us;
    CheckReply(request, response, count);
    if (response.has_error()) errors++;
    if (response.has_allocator() && response.allocator().has_allocation()) {
      offers += response.allocator().allocation().offers_size();
    }
    if (!timings_path.empty()) timings.push_back(CallName(request) + " " + std::to_string(us));
    if (!paired_call.empty() && allocate && paired_after) call_paired();
    if (allocate) allocates++;
    if (!google::protobuf::util::SerializeDelimitedToOstream(response, &out)) Fail(2, "writing a reply failed");
    count++;
  }
  out.close();
  if (!timings_path.empty()) {
    std::ofstream file(timings_path, std::ios::trunc);
    for (const auto& line : timings) file << line << '\n';
  }
  std::printf("replayed %zu requests: %zu offers, %zu error replies, runtime start %.1f ms, calls %.1f ms in all (runtime %s)\n",
              count, offers, errors, start_ms, total_us / 1000, greeting.hello().runtime_version().c_str());
  return 0;
}
