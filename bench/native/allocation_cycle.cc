// allocation_cycle: replays a request stream as the Mesos allocator adapter drives the bridge, and
// times what an allocate call costs on the host: the request serialized and answered by the embedded
// runtime (protobufjs decode, engine, encode, transport), the Response parsed by libprotobuf, and the
// adapter's own work on the Allocation (native/mesos/allocation.cc: DecodeAllocation's checks and
// conversion to mesos::Resources, then the mirror's record of each offer, as AllocatorProcess::deliver
// does). The mirror follows the stream's frameworks, agents and declines (untimed), so its lookups and
// sums are those of a master with that cluster. Built only with -DMESOS_ROOT (it links the adapters).
//
// Usage: allocation_cycle <bundle.js> <requests.bin> <timings.txt> [--compare-inline] [--repeat N]
//   requests.bin  length-delimited mesos_policy.protocol.Request messages (as bridge_replay reads)
//   timings.txt   one line per request: "<call case> <total µs> <runtime µs> <parse µs> <decode µs>
//                 <mirror µs> <request µs>" (decode: DecodeAllocation; mirror: AllocatorMirror::offered
//                 per offer; request: for a batch of RecoverResources calls (declines), the adapter
//                 making it from the master's own values (allocator_calls.h, the batch serialized),
//                 else 0)
//   --compare-inline  also times the parse and the adapter on the same reply with every shared
//                 resource list copied into its offers (protocol 1's form; untimed rewrite), appended
//                 as "<parse µs> <decode µs> <mirror µs>": the A/B of sharing, on the same replies
//   --repeat N    then parses and decodes the last allocate reply N times more, shared and inline, and
//                 prints "repeat <form> parse_min_us decode_min_us" lines: minimums, which a busy
//                 machine disturbs far less than single runs
// Prints a summary line and exits 0; exits 1 on a failed call or a reply the adapter rejects entries of.
#include <fcntl.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/util/delimited_message_util.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "allocation.h"
#include "allocator_calls.h"
#include "allocator_mirror.h"
#include "bridge.pb.h"
#include "convert.h"
#include "runtime.h"

namespace bridge = mesos_policy::bridge;
namespace protocol = mesos_policy::protocol;
using namespace mesos_policy::adapter;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::chrono::milliseconds kDeadline{600000};

[[noreturn]] void Fail(int code, const std::string& why) {
  std::fprintf(stderr, "allocation_cycle: %s\n", why.c_str());
  std::exit(code);
}

double MicrosSince(Clock::time_point start) { return std::chrono::duration<double, std::micro>(Clock::now() - start).count(); }

std::string CallName(const protocol::Request& request) {
  const auto* field = protocol::Request::descriptor()->FindFieldByNumber(request.call_case());
  return field == nullptr ? "empty" : field->name();
}

// A Mesos message from its bridge subset, required fields or not (the bench's frameworks have no
// user or name; the mirror needs neither).
template <typename To, typename From>
To PartialCopy(const From& from) {
  To to;
  to.ParsePartialFromString(from.SerializeAsString());
  return to;
}

// What the master has told the adapter (the mirror's state), from the stream's calls.
void Follow(AllocatorMirror& mirror, const protocol::AllocatorCall& call) {
  if (call.has_add_framework()) {
    const auto& add = call.add_framework();
    mirror.addFramework(FrameworkIdOf(add.framework_id()),
                        PartialCopy<mesos::FrameworkInfo>(add.framework_info()), add.active(),
                        mesos::allocator::FrameworkOptions());
  } else if (call.has_add_agent()) {
    const auto& add = call.add_agent();
    AgentRecord record{PartialCopy<mesos::SlaveInfo>(add.agent_info()), {}, None(),
                       CHECK_NOTERROR(FromProtocol(add.total())), {}, true};
    for (const auto& used : add.used()) record.used[FrameworkIdOf(used.id())] = CHECK_NOTERROR(FromProtocol(used.resources()));
    mirror.addAgent(AgentIdOf(add.agent_id()), std::move(record));
  } else if (call.has_recover_resources()) {
    const auto& recover = call.recover_resources();
    mirror.recovered(FrameworkIdOf(recover.framework_id()), AgentIdOf(recover.agent_id()),
                     CHECK_NOTERROR(FromProtocol(recover.resources())));
  }
}

// The reply with every offer complete: its framework, role and resources inline (as protocol 1 sent them).
std::string Inlined(const protocol::Response& response) {
  protocol::Response copy = response;
  protocol::Allocation* allocation = copy.mutable_allocator()->mutable_allocation();
  std::string framework, role;
  for (protocol::OfferEntry& entry : *allocation->mutable_offers()) {
    // Every entry with its framework and role, as before protocol 3.
    if (!entry.framework_id().empty()) framework = entry.framework_id();
    if (!entry.role().empty()) role = entry.role();
    entry.set_framework_id(framework);
    entry.set_role(role);
    if (entry.shared_resources() == 0) continue;
    *entry.mutable_resources() = allocation->shared_resources(entry.shared_resources() - 1).resources();
    entry.clear_shared_resources();
  }
  allocation->clear_shared_resources();
  return copy.SerializeAsString();
}

// A batch of declines as the allocator adapter makes it: each RecoverResources call from the master's
// own values (mesos::Resources, ids; converted beforehand, untimed: the master holds them), then the
// batch request serialized, as AllocatorProcess sends it. The µs of the making; 0 when the request is
// not such a batch.
double DeclinesRequestUs(const protocol::Request& request) {
  const auto& calls = request.allocator_batch().calls();
  if (calls.empty()) return 0;
  struct Decline {
    mesos::FrameworkID framework;
    mesos::SlaveID agent;
    mesos::Resources resources;
    Option<mesos::Filters> filters;
    bool allocated;
  };
  std::vector<Decline> declines;
  declines.reserve(calls.size());
  for (const auto& call : calls) {
    if (!call.has_recover_resources()) return 0;
    const auto& recover = call.recover_resources();
    Option<mesos::Filters> filters;
    if (recover.has_filters()) filters = PartialCopy<mesos::Filters>(recover.filters());
    declines.push_back({FrameworkIdOf(recover.framework_id()), AgentIdOf(recover.agent_id()),
                        CHECK_NOTERROR(FromProtocol(recover.resources())), filters, recover.is_allocated()});
  }
  const auto start = Clock::now();
  protocol::Request made;
  made.set_now_ms(request.now_ms());
  protocol::AllocatorBatch* batch = made.mutable_allocator_batch();
  for (const Decline& d : declines) {
    *batch->add_calls() = calls::RecoverResources(d.framework, d.agent, d.resources, d.filters, d.allocated);
  }
  const std::string bytes = made.SerializeAsString();
  const double us = MicrosSince(start);
  // The same declines: call for call, the same agent and as many resources (the bench's requests hold
  // no shared resources, so Mesos's expansion adds none).
  for (int i = 0; i < calls.size(); i++) {
    const auto& sent = calls.Get(i).recover_resources();
    const auto& ours = batch->calls(i).recover_resources();
    if (ours.agent_id() != sent.agent_id() || ours.resources_size() != sent.resources_size() || bytes.empty()) {
      Fail(1, "the adapter's declines request differs from the replayed one at call " + std::to_string(i));
    }
  }
  return us;
}

struct Delivered {
  size_t offers = 0;
  double decodeUs = 0;
  double mirrorUs = 0;
};

// What the adapter does with an allocate reply: DecodeAllocation, then the mirror's record of each
// offer (AllocatorProcess::deliver). Fails on a rejected entry.
Delivered Deliver(const protocol::Allocation& allocation, AllocatorMirror& mirror, size_t index) {
  Delivered out;
  const auto start = Clock::now();
  DecodedAllocation decoded = DecodeAllocation(allocation, mirror);
  out.decodeUs = MicrosSince(start);
  const auto mirrorStart = Clock::now();
  for (const auto& [frameworkId, roles] : decoded.offers) {
    for (const auto& [role, agents] : roles) {
      for (const auto& [agentId, resources] : agents) mirror.offered(frameworkId, agentId, resources);
    }
  }
  out.mirrorUs = MicrosSince(mirrorStart);
  if (!decoded.rejected.empty()) Fail(1, "request " + std::to_string(index) + ": the adapter rejected an offer: " + decoded.rejected[0].why);
  out.offers = decoded.offerEntries;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  GOOGLE_PROTOBUF_VERIFY_VERSION;
  bool compareInline = false;
  int repeat = 0;
  for (int i = 4; i < argc; i++) {
    const std::string flag = argv[i];
    if (flag == "--compare-inline") {
      compareInline = true;
    } else if (flag == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else {
      Fail(2, "usage: allocation_cycle <bundle.js> <requests.bin> <timings.txt> [--compare-inline] [--repeat N]");
    }
  }
  if (argc < 4) Fail(2, "usage: allocation_cycle <bundle.js> <requests.bin> <timings.txt> [--compare-inline] [--repeat N]");
  std::string lastAllocation;  // the last allocate reply's bytes, for --repeat
  bridge::RuntimeOptions options;
  options.bundle = argv[1];
  options.log = [](bridge::LogLevel level, const std::string& text) {
    std::fprintf(stderr, "[policy %s] %s\n", bridge::LogLevelName(level), text.c_str());
  };
  int in = open(argv[2], O_RDONLY);
  if (in < 0) Fail(2, std::string("cannot open ") + argv[2]);
  google::protobuf::io::FileInputStream input(in);
  input.SetCloseOnDelete(true);

  auto started = bridge::PolicyRuntime::Start(options);
  if (!started.runtime) Fail(1, "the policy runtime did not start: " + started.error);
  bridge::PolicyRuntime& runtime = *started.runtime;

  AllocatorMirror mirror;
  std::vector<std::string> timings;
  size_t count = 0, offers = 0;
  while (true) {
    protocol::Request request;
    bool clean_eof = false;
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&request, &input, &clean_eof)) {
      if (clean_eof) break;
      Fail(2, "request " + std::to_string(count) + " is not a length-delimited Request");
    }
    if (request.has_allocator()) Follow(mirror, request.allocator());
    for (const auto& call : request.allocator_batch().calls()) Follow(mirror, call);

    const auto start = Clock::now();
    std::string bytes;
    if (!request.SerializeToString(&bytes)) Fail(1, "a request did not serialize");
    bridge::Result result = runtime.Call(CallName(request), std::move(bytes), kDeadline);
    if (!result.ok()) Fail(1, "call '" + CallName(request) + "' failed: " + bridge::StatusName(result.status) + ": " + result.value);
    const double runtimeUs = MicrosSince(start);

    const auto parseStart = Clock::now();
    protocol::Response response;
    if (!response.ParseFromString(result.value)) Fail(1, "the reply to '" + CallName(request) + "' is not a Response");
    const double parseUs = MicrosSince(parseStart);
    if (response.has_error()) Fail(1, "request " + std::to_string(count) + ": " + response.error().message());

    Delivered delivered;
    const bool allocation = response.has_allocator() && response.allocator().has_allocation();
    if (allocation && repeat > 0) lastAllocation = result.value;
    if (allocation) {
      delivered = Deliver(response.allocator().allocation(), mirror, count);
      offers += delivered.offers;
    }
    const double totalUs = MicrosSince(start);
    std::string line = CallName(request) + " " + std::to_string(totalUs) + " " + std::to_string(runtimeUs) + " " +
                       std::to_string(parseUs) + " " + std::to_string(delivered.decodeUs) + " " +
                       std::to_string(delivered.mirrorUs) + " " + std::to_string(DeclinesRequestUs(request));
    if (compareInline && allocation) {
      // The same offers again on a mirror that already holds them: its sums grow, as a second
      // delivery's would; the lists are the same size, so the sums cost alike.
      const std::string inlined = Inlined(response);
      const auto inlineParseStart = Clock::now();
      protocol::Response inlineResponse;
      if (!inlineResponse.ParseFromString(inlined)) Fail(1, "the inlined reply does not parse");
      const double inlineParseUs = MicrosSince(inlineParseStart);
      const Delivered inlineDelivered = Deliver(inlineResponse.allocator().allocation(), mirror, count);
      for (const auto& entry : inlineResponse.allocator().allocation().offers()) {
        mirror.recovered(FrameworkIdOf(entry.framework_id()), AgentIdOf(entry.agent_id()), CHECK_NOTERROR(FromProtocol(entry.resources())));
      }
      line += " " + std::to_string(inlineParseUs) + " " + std::to_string(inlineDelivered.decodeUs) + " " +
              std::to_string(inlineDelivered.mirrorUs);
    }
    timings.push_back(line);
    count++;
  }
  if (repeat > 0 && !lastAllocation.empty()) {
    protocol::Response shared;
    shared.ParseFromString(lastAllocation);
    for (const auto& [form, bytes] : {std::pair<std::string, std::string>{"shared", lastAllocation}, {"inline", Inlined(shared)}}) {
      double parseMin = 1e18, decodeMin = 1e18;
      for (int i = 0; i < repeat; i++) {
        auto at = Clock::now();
        protocol::Response response;
        response.ParseFromString(bytes);
        parseMin = std::min(parseMin, MicrosSince(at));
        at = Clock::now();
        DecodedAllocation decoded = DecodeAllocation(response.allocator().allocation(), mirror);
        decodeMin = std::min(decodeMin, MicrosSince(at));
        if (decoded.offerEntries == 0) Fail(1, "a repeated decode offered nothing");
      }
      std::printf("repeat %s %.1f %.1f\n", form.c_str(), parseMin, decodeMin);
    }
  }
  std::ofstream file(argv[3], std::ios::trunc);
  for (const auto& line : timings) file << line << '\n';
  std::printf("replayed %zu requests: %zu offers handed to the master\n", count, offers);
  return 0;
}
