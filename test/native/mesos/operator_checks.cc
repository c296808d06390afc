// The allocator module's operator calls (native/mesos/operator_client, the operator_* parameters):
// operation → v1 master Call mapping, an unsupported operation failing the call unsent, resources
// surviving the conversion, Mesos credential files and the Basic header, the call queue (one at a
// time, in order, a replaced runtime's calls dropped), and, against a fake master
// (a libprocess process with an api/v1 route in this program), the order of the requests, the stop
// at the first failure, statuses, no connection and a time-out. Part of mesos_adapter_test:
// adapter_test.cc's main calls OperatorChecks with its Check.
#include <google/protobuf/util/message_differencer.h>
#include <mesos/resources.hpp>
#include <mesos/v1/master/master.pb.h>
#include <process/future.hpp>
#include <process/dispatch.hpp>
#include <process/http.hpp>
#include <process/id.hpp>
#include <process/process.hpp>
#include <stout/stringify.hpp>

#include <cstdio>
#include <deque>
#include <map>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "convert.h"
#include "module_params.h"
#include "operator_call_queue.h"
#include "operator_client.h"
#include "runtime_stats.h"

using namespace mesos_policy::adapter;
namespace protocol = mesos_policy::protocol;
namespace http = process::http;
namespace v1 = mesos::v1;

using CheckFunction = void (*)(bool ok, const std::string& name, const std::string& detail);

namespace {

CheckFunction checkFunction = nullptr;

void check(bool ok, const std::string& name, const std::string& detail = "") { checkFunction(ok, name, detail); }

// disk reserved for `data` with an owner label and a principal, as a persistent volume when `volume`.
mesos::Resource ReservedDisk(bool volume) {
  mesos::Resource disk = *mesos::Resources::parse("disk:256")->begin();
  mesos::Resource::ReservationInfo* reservation = disk.add_reservations();
  reservation->set_type(mesos::Resource::ReservationInfo::DYNAMIC);
  reservation->set_role("data");
  reservation->set_principal("ops");
  mesos::Label* label = reservation->mutable_labels()->add_labels();
  label->set_key("owner");
  label->set_value("kafka-1");
  if (volume) {
    disk.mutable_disk()->mutable_persistence()->set_id("kafka-1-log");
    disk.mutable_disk()->mutable_persistence()->set_principal("ops");
    disk.mutable_disk()->mutable_volume()->set_container_path("data");
    disk.mutable_disk()->mutable_volume()->set_mode(mesos::Volume::RW);
  }
  return disk;
}

protocol::Offer::Operation Operation(protocol::Offer::Operation::Type type, const mesos::Resource& resource) {
  protocol::Offer::Operation operation;
  operation.set_type(type);
  const protocol::Resource wire = ToProtocol(resource);
  switch (type) {
    case protocol::Offer::Operation::RESERVE: *operation.mutable_reserve()->add_resources() = wire; break;
    case protocol::Offer::Operation::UNRESERVE: *operation.mutable_unreserve()->add_resources() = wire; break;
    case protocol::Offer::Operation::CREATE: *operation.mutable_create()->add_volumes() = wire; break;
    case protocol::Offer::Operation::DESTROY: *operation.mutable_destroy()->add_volumes() = wire; break;
    default: break;
  }
  return operation;
}

protocol::OperatorCall CallOf(const std::string& id, const std::vector<protocol::Offer::Operation::Type>& types) {
  protocol::OperatorCall call;
  call.set_id(id);
  call.set_agent_id("agent-1");
  for (auto type : types) {
    const bool volume = type == protocol::Offer::Operation::CREATE || type == protocol::Offer::Operation::DESTROY;
    *call.add_operations() = Operation(type, ReservedDisk(volume));
  }
  return call;
}

void Mapping() {
  using Op = protocol::Offer::Operation;
  protocol::OperatorCall call = CallOf("m", {Op::RESERVE, Op::CREATE, Op::DESTROY, Op::UNRESERVE});
  Try<std::vector<v1::master::Call>> calls = ToMasterCalls(call);
  check(calls.isSome() && calls->size() == 4, "four operations give four master calls", calls.isError() ? calls.error() : "");
  if (calls.isError() || calls->size() != 4) return;
  const auto& c = calls.get();
  check(c[0].type() == v1::master::Call::RESERVE_RESOURCES && c[0].reserve_resources().agent_id().value() == "agent-1" &&
            c[0].reserve_resources().resources_size() == 1,
        "RESERVE → RESERVE_RESOURCES on the call's agent", c[0].ShortDebugString());
  check(c[1].type() == v1::master::Call::CREATE_VOLUMES && c[1].create_volumes().volumes_size() == 1 &&
            c[1].create_volumes().agent_id().value() == "agent-1",
        "CREATE → CREATE_VOLUMES", c[1].ShortDebugString());
  check(c[2].type() == v1::master::Call::DESTROY_VOLUMES && c[2].destroy_volumes().volumes_size() == 1,
        "DESTROY → DESTROY_VOLUMES", c[2].ShortDebugString());
  check(c[3].type() == v1::master::Call::UNRESERVE_RESOURCES && c[3].unreserve_resources().resources_size() == 1,
        "UNRESERVE → UNRESERVE_RESOURCES", c[3].ShortDebugString());
  for (const v1::master::Call& each : c) {
    check(each.IsInitialized(), "the master call has every required field: " + v1::master::Call::Type_Name(each.type()),
          each.InitializationErrorString());
  }

  // The reserve's source (a re-reservation) goes along.
  protocol::OperatorCall withSource = CallOf("s", {Op::RESERVE});
  *withSource.mutable_operations(0)->mutable_reserve()->add_source() =
      ToProtocol(*mesos::Resources::parse("disk:256")->begin());
  Try<std::vector<v1::master::Call>> sourced = ToMasterCalls(withSource);
  check(sourced.isSome() && sourced->at(0).reserve_resources().source_size() == 1 &&
            sourced->at(0).reserve_resources().source(0).name() == "disk",
        "RESERVE's source is carried");

  // Resources survive protocol → v1 → Mesos unchanged (labels, principals, persistence, volume).
  const mesos::Resource volume = ReservedDisk(true);
  Try<mesos::Resource> back = WireCopy<mesos::Resource>(c[1].create_volumes().volumes(0));
  check(back.isSome() && google::protobuf::util::MessageDifferencer::Equals(back.get(), volume), "a reserved, labelled volume survives the conversion",
        back.isSome() ? back->ShortDebugString() : back.error());
  Try<mesos::Resource> reserved = WireCopy<mesos::Resource>(c[0].reserve_resources().resources(0));
  check(reserved.isSome() && google::protobuf::util::MessageDifferencer::Equals(reserved.get(), ReservedDisk(false)) &&
            reserved->reservations(0).labels().labels(0).value() == "kafka-1",
        "a reservation with owner labels survives the conversion");

  // Nothing is sent for a call that cannot be made whole.
  protocol::OperatorCall launch = CallOf("l", {Op::RESERVE, Op::LAUNCH});
  Try<std::vector<v1::master::Call>> refused = ToMasterCalls(launch);
  check(refused.isError() && refused.error().find("operation 1") != std::string::npos &&
            refused.error().find("LAUNCH") != std::string::npos,
        "LAUNCH has no operator-API call: the whole call is refused, naming the operation",
        refused.isError() ? refused.error() : "converted");
  protocol::OperatorCall noAgent = CallOf("n", {Op::RESERVE});
  noAgent.clear_agent_id();
  check(ToMasterCalls(noAgent).isError(), "a call without agent_id is refused");
  protocol::OperatorCall nameless = CallOf("x", {Op::RESERVE});
  nameless.mutable_operations(0)->mutable_reserve()->mutable_resources(0)->clear_name();
  Try<std::vector<v1::master::Call>> bad = ToMasterCalls(nameless);
  check(bad.isError() && bad.error().find("RESERVE") != std::string::npos,
        "a resource lacking what mesos.v1.Resource requires is refused", bad.isError() ? bad.error() : "converted");
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}

void Credentials(const std::string& bundle) {
  CredentialOutcome json = ParseCredential(R"({"principal": "ops", "secret": "s3cret"})");
  check(json.credential && json.credential->principal == "ops" && json.credential->secret == "s3cret",
        "a JSON credential file", json.error);
  CredentialOutcome line = ParseCredential("\n  ops   s3cret\n");
  check(line.credential && line.credential->principal == "ops" && line.credential->secret == "s3cret",
        "a 'principal secret' credential line", line.error);
  check(!ParseCredential("").credential, "an empty credential file is refused");
  check(!ParseCredential(R"({"secret": "s"})").credential, "JSON without a principal is refused");
  check(!ParseCredential(R"({"principal": 1})").credential, "a principal that is not a string is refused");
  check(!ParseCredential("{not json").credential, "broken JSON is refused");
  CredentialOutcome list = ParseCredential(R"({"credentials": [{"principal": "ops", "secret": "s"}]})");
  check(!list.credential && list.error.find("list") != std::string::npos,
        "the master's --credentials list is refused, saying so", list.error);
  check(!ParseCredential("ops s3cret extra").credential, "a line of three words is refused");

  check(BasicAuthorization(OperatorCredential{"ops", "s3cret"}) == "Basic b3BzOnMzY3JldA==",
        "the Basic header is base64(principal:secret)", BasicAuthorization(OperatorCredential{"ops", "s3cret"}));

  auto parse = [&](ParameterList extra, ModuleKind kind = ModuleKind::kAllocator) {
    extra.insert(extra.begin(), {"policy", bundle});
    return ParseModuleParameters(kind, extra);
  };
  auto defaults = parse({});
  check(defaults.config && defaults.config->operator_api_url.empty() && !defaults.config->operator_credential &&
            defaults.config->operator_timeout.count() == 10000,
        "allocator defaults: this master's API, no credentials, 10 s", defaults.error);
  auto given = parse({{"operator_api_url", "http://10.0.0.1:5050/api/v1"},
                      {"operator_principal", "ops"},
                      {"operator_secret", "s3cret"},
                      {"operator_timeout_ms", "2500"}});
  check(given.config && given.config->operator_api_url == "http://10.0.0.1:5050/api/v1" &&
            given.config->operator_credential && given.config->operator_credential->secret == "s3cret" &&
            given.config->operator_timeout.count() == 2500,
        "operator_api_url, operator_principal + operator_secret, operator_timeout_ms", given.error);
  const std::string file = WriteTemp("mesos_policy_operator_credential.json", R"({"principal":"ops","secret":"f"})");
  auto fromFile = parse({{"operator_credential", file}});
  check(fromFile.config && fromFile.config->operator_credential &&
            fromFile.config->operator_credential->principal == "ops" && fromFile.config->operator_credential->secret == "f",
        "operator_credential reads a Mesos credential file", fromFile.error);

  auto refused = [&](const ParameterList& extra, const std::string& names, const std::string& what,
                     ModuleKind kind = ModuleKind::kAllocator) {
    auto outcome = parse(extra, kind);
    check(!outcome.config && outcome.error.find(names) != std::string::npos, what + " is refused, naming " + names,
          outcome.error);
  };
  refused({{"operator_secret", "s"}}, "'operator_secret'", "a secret without a principal");
  refused({{"operator_credential", file}, {"operator_principal", "ops"}}, "'operator_credential'", "both forms");
  refused({{"operator_credential", "/nonexistent/credential"}}, "'operator_credential'", "an unreadable file");
  const std::string empty = WriteTemp("mesos_policy_operator_credential_empty", "");
  refused({{"operator_credential", empty}}, "'operator_credential'", "an empty credential file");
  refused({{"operator_principal", "a:b"}}, "'operator_principal'", "a principal with ':'");
  refused({{"operator_timeout_ms", "0"}}, "'operator_timeout_ms'", "a zero time-out");
  refused({{"operator_api_url", "master:5050"}}, "'operator_api_url'", "a URL without scheme");
  refused({{"operator_principal", "ops"}}, "'operator_principal'", "operator credentials on a hook module",
          ModuleKind::kHook);
  std::remove(file.c_str());
  std::remove(empty.c_str());

  // The runtime counts operator calls too: its counters must not overwrite the module's.
  check(RuntimeCounterMetricName(ModuleKind::kAllocator, "allocator/operator_calls/succeeded") ==
            "mesos_policy/allocator/policy/allocator/operator_calls/succeeded",
        "the runtime's operator_calls/succeeded does not shadow the module's",
        RuntimeCounterMetricName(ModuleKind::kAllocator, "allocator/operator_calls/succeeded"));
  check(RuntimeCounterMetricName(ModuleKind::kAllocator, "allocator/operator_calls/handed_out") ==
            "mesos_policy/allocator/operator_calls/handed_out",
        "the runtime's other operator-call counters keep their names");
}

// ---- the queue: one call at a time, in order; a replaced runtime's calls dropped -------------------------

void Queue() {
  using Op = protocol::Offer::Operation;
  std::vector<std::pair<std::string, std::shared_ptr<process::Promise<protocol::OperatorCallResult>>>> made;
  std::vector<protocol::OperatorCallResult> ended;
  std::map<std::string, int> counts;
  uint64_t serving = 1;
  OperatorCallQueue queue(OperatorCallQueue::Hooks{
      [&](const protocol::OperatorCall& call) {
        if (call.id() == "broken") return process::Future<protocol::OperatorCallResult>(process::Failure("boom"));
        made.emplace_back(call.id(), std::make_shared<process::Promise<protocol::OperatorCallResult>>());
        return made.back().second->future();
      },
      [](std::function<void()> continuation) { continuation(); },  // this thread stands for the actor
      [&]() { return serving; },
      [&](const protocol::OperatorCall&, const protocol::OperatorCallResult& result) { ended.push_back(result); },
      [&](const std::string& counter) { counts[counter]++; }});
  auto answer = [](const std::string& id, bool ok, uint32_t status) {
    protocol::OperatorCallResult result;
    result.set_id(id);
    result.set_ok(ok);
    result.set_applied(ok ? 1 : 0);
    result.set_http_status(status);
    return result;
  };

  queue.Add(CallOf("reserve", {Op::RESERVE}), 1);
  queue.Add(CallOf("create", {Op::CREATE}), 1);
  check(made.size() == 1 && made[0].first == "reserve" && queue.busy() && queue.waiting() == 1,
        "the second call waits while the first is out");
  made[0].second->set(answer("reserve", true, 0));
  check(ended.size() == 1 && ended[0].id() == "reserve" && made.size() == 2 && made[1].first == "create",
        "when the first ends its result is handed on and the next call is made");
  made[1].second->set(answer("create", false, 409));
  check(ended.size() == 2 && !ended[1].ok() && ended[1].http_status() == 409 && !queue.busy(),
        "a failed call's result is handed on too");
  check(counts["operator_calls/made"] == 2 && counts["operator_calls/succeeded"] == 1 &&
            counts["operator_calls/failed"] == 1,
        "made, succeeded, failed are counted");

  queue.Add(CallOf("first", {Op::RESERVE}), 1);
  queue.Add(CallOf("stale", {Op::RESERVE}), 1);
  serving = 2;  // the runtime was restarted while "first" was out
  made.back().second->set(answer("first", true, 0));
  check(made.size() == 3 && counts["operator_calls/dropped"] == 1 && ended.size() == 3 && ended[2].id() == "first",
        "a call out finishes; a queued call of a replaced runtime is dropped, not made");
  queue.Add(CallOf("fresh", {Op::RESERVE}), 2);
  check(made.size() == 4 && made[3].first == "fresh", "the new runtime's calls are made");
  made[3].second->set(answer("fresh", true, 0));

  queue.Add(CallOf("broken", {Op::RESERVE}), 2);
  check(ended.size() == 5 && ended[4].id() == "broken" && !ended[4].ok() && ended[4].http_status() == 0 &&
            ended[4].message() == "boom" && !queue.busy(),
        "a failed future still gives a result", ended.size() == 5 ? ended[4].ShortDebugString() : "");

  // Bounded: one call out, kMaxWaiting waiting; the next one fails at once, unmade.
  queue.Add(CallOf("out", {Op::RESERVE}), 2);
  for (size_t i = 0; i < OperatorCallQueue::kMaxWaiting; i++) queue.Add(CallOf("w" + std::to_string(i), {Op::RESERVE}), 2);
  const size_t madeBefore = made.size();
  queue.Add(CallOf("one-too-many", {Op::RESERVE}), 2);
  check(queue.waiting() == OperatorCallQueue::kMaxWaiting && made.size() == madeBefore && ended.size() == 6 &&
            ended[5].id() == "one-too-many" && !ended[5].ok() && ended[5].http_status() == 0 &&
            ended[5].message().find("already waiting") != std::string::npos,
        "past kMaxWaiting queued calls a new one fails at once, unmade, and the policy hears why",
        ended.size() == 6 ? ended[5].ShortDebugString() : std::to_string(ended.size()));
}

// ---- against a fake master -------------------------------------------------------------------------------

// Answers api/v1 from a script: a status (with a body), or 0 to leave the request unanswered.
class FakeMaster : public process::Process<FakeMaster> {
 public:
  struct Seen {
    v1::master::Call call;
    std::string contentType;
    std::string authorization;
  };

  FakeMaster() : process::ProcessBase(process::ID::generate("fake-master")) {}

  void Script(std::deque<std::pair<uint16_t, std::string>> answers) {
    process::dispatch(self(), [this, answers]() {
      answers_ = answers;
      return Nothing();
    }).await();
  }

  std::vector<Seen> Requests() {
    return process::dispatch(self(), [this]() { return seen_; }).get();
  }

  std::string Url() const { return "http://" + stringify(self().address) + "/" + self().id + "/api/v1"; }

 protected:
  void initialize() override {
    route("/api/v1", None(), [this](const http::Request& request) -> process::Future<http::Response> {
      Seen seen;
      seen.call.ParseFromString(request.body);
      seen.contentType = request.headers.get("Content-Type").getOrElse("");
      seen.authorization = request.headers.get("Authorization").getOrElse("");
      seen_.push_back(seen);
      if (answers_.empty()) return http::InternalServerError("unscripted request");
      auto [status, body] = answers_.front();
      answers_.pop_front();
      if (status == 0) {
        hanging_.push_back(std::make_shared<process::Promise<http::Response>>());
        return hanging_.back()->future();
      }
      http::Response response(body, status);
      return response;
    });
  }

 private:
  std::deque<std::pair<uint16_t, std::string>> answers_;
  std::vector<Seen> seen_;
  std::vector<std::shared_ptr<process::Promise<http::Response>>> hanging_;  // never answered
};

protocol::OperatorCallResult Make(const OperatorClient& client, const protocol::OperatorCall& call) {
  process::Future<protocol::OperatorCallResult> result = client.Make(call);
  if (!result.await(Seconds(20)) || !result.isReady()) {
    protocol::OperatorCallResult none;
    none.set_message("the client's future did not become ready");
    return none;
  }
  return result.get();
}

void AgainstFakeMaster() {
  using Op = protocol::Offer::Operation;
  FakeMaster master;
  process::spawn(master);
  Try<std::shared_ptr<OperatorClient>> client =
      OperatorClient::Create(master.Url(), OperatorCredential{"ops", "s3cret"}, Milliseconds(500));
  check(client.isSome(), "a client for the fake master", client.isError() ? client.error() : master.Url());
  if (client.isError()) return;

  master.Script({{202, ""}, {202, ""}});
  protocol::OperatorCallResult ok = Make(*client.get(), CallOf("reserve-then-create", {Op::RESERVE, Op::CREATE}));
  std::vector<FakeMaster::Seen> seen = master.Requests();
  check(ok.id() == "reserve-then-create" && ok.ok() && ok.applied() == 2 && ok.http_status() == 0,
        "two operations answered 202: ok, 2 applied", ok.ShortDebugString());
  check(seen.size() == 2 && seen[0].call.type() == v1::master::Call::RESERVE_RESOURCES &&
            seen[1].call.type() == v1::master::Call::CREATE_VOLUMES,
        "RESERVE_RESOURCES went first, then CREATE_VOLUMES");
  check(!seen.empty() && seen[0].contentType == "application/x-protobuf" &&
            seen[0].authorization == "Basic b3BzOnMzY3JldA==",
        "the body is protobuf and carries the Basic credentials",
        seen.empty() ? "" : seen[0].contentType + " / " + seen[0].authorization);

  master.Script({{202, ""}, {409, "Insufficient resources"}, {202, ""}});
  protocol::OperatorCallResult conflict =
      Make(*client.get(), CallOf("stops", {Op::RESERVE, Op::CREATE, Op::UNRESERVE}));
  check(!conflict.ok() && conflict.applied() == 1 && conflict.http_status() == 409 &&
            conflict.message() == "Insufficient resources",
        "a 409 ends the call there: 1 applied, the status and the body", conflict.ShortDebugString());
  check(master.Requests().size() == 4, "nothing is sent after the failed operation",
        std::to_string(master.Requests().size()) + " requests in all");

  master.Script({{401, ""}});
  protocol::OperatorCallResult unauthorized = Make(*client.get(), CallOf("401", {Op::RESERVE}));
  check(!unauthorized.ok() && unauthorized.applied() == 0 && unauthorized.http_status() == 401 &&
            unauthorized.message().find("401") != std::string::npos,
        "an empty error body gives the status line as the message", unauthorized.ShortDebugString());

  const size_t before = master.Requests().size();
  protocol::OperatorCallResult unsent = Make(*client.get(), CallOf("unsent", {Op::RESERVE, Op::LAUNCH}));
  check(!unsent.ok() && unsent.applied() == 0 && unsent.http_status() == 0 &&
            unsent.message().find("not sent") != std::string::npos && master.Requests().size() == before,
        "a call with an unsupported operation fails without a request", unsent.ShortDebugString());

  master.Script({{0, ""}});
  protocol::OperatorCallResult hung = Make(*client.get(), CallOf("hangs", {Op::RESERVE, Op::CREATE}));
  check(!hung.ok() && hung.applied() == 0 && hung.http_status() == 0 &&
            hung.message().find("no answer") != std::string::npos,
        "an unanswered request ends at the time-out with http_status 0", hung.ShortDebugString());

  // A port nothing listens on: the one the fake master had, after it is gone.
  const std::string url = master.Url();
  process::terminate(master);
  process::wait(master);
  Try<std::shared_ptr<OperatorClient>> orphan = OperatorClient::Create(url, std::nullopt, Seconds(5));
  if (orphan.isSome()) {
    protocol::OperatorCallResult refused = Make(*orphan.get(), CallOf("nobody", {Op::RESERVE}));
    // libprocess still listens (the fake was only a process in it): the route is gone, 404.
    check(!refused.ok() && refused.applied() == 0 && refused.http_status() == 404,
          "a master without the api/v1 route answers 404", refused.ShortDebugString());
  }
  Try<std::shared_ptr<OperatorClient>> closed =
      OperatorClient::Create("http://127.0.0.1:1/api/v1", std::nullopt, Seconds(5));
  if (closed.isSome()) {
    protocol::OperatorCallResult refused = Make(*closed.get(), CallOf("closed", {Op::RESERVE}));
    check(!refused.ok() && refused.applied() == 0 && refused.http_status() == 0 && !refused.message().empty(),
          "no connection: http_status 0 and why", refused.ShortDebugString());
  }
}

}  // namespace

void OperatorChecks(CheckFunction check, const std::string& bundle) {
  checkFunction = check;
  Mapping();
  Credentials(bundle);
  Queue();
  AgainstFakeMaster();
}
