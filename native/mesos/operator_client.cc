#include "operator_client.h"

#include <process/address.hpp>
#include <process/network.hpp>
#include <process/process.hpp>
#include <stout/base64.hpp>
#include <stout/stringify.hpp>

#include "convert.h"

namespace mesos_policy::adapter {
namespace {

namespace http = process::http;
namespace v1 = mesos::v1;
using Result = protocol::OperatorCallResult;

// A failed request's body goes into the result and the log: keep it to a readable size.
constexpr size_t kMaxMessage = 1000;

template <typename RepeatedV1>
Option<Error> CopyResources(const google::protobuf::RepeatedPtrField<protocol::Resource>& from, RepeatedV1* to) {
  for (const protocol::Resource& resource : from) {
    Try<v1::Resource> copy = WireCopy<v1::Resource>(resource);
    if (copy.isError()) return Error("resource '" + resource.name() + "': " + copy.error());
    *to->Add() = std::move(copy.get());
  }
  return None();
}

std::string TypeName(protocol::Offer::Operation::Type type) {
  const std::string& name = protocol::Offer::Operation::Type_Name(type);
  return name.empty() ? "type " + stringify(static_cast<int>(type)) : name;
}

Try<v1::master::Call> ToMasterCall(const std::string& agentId, const protocol::Offer::Operation& operation) {
  using Operation = protocol::Offer::Operation;
  v1::master::Call call;
  Option<Error> error;
  switch (operation.type()) {
    case Operation::RESERVE: {
      call.set_type(v1::master::Call::RESERVE_RESOURCES);
      v1::master::Call::ReserveResources* reserve = call.mutable_reserve_resources();
      reserve->mutable_agent_id()->set_value(agentId);
      error = CopyResources(operation.reserve().source(), reserve->mutable_source());
      if (error.isNone()) error = CopyResources(operation.reserve().resources(), reserve->mutable_resources());
      break;
    }
    case Operation::UNRESERVE: {
      call.set_type(v1::master::Call::UNRESERVE_RESOURCES);
      v1::master::Call::UnreserveResources* unreserve = call.mutable_unreserve_resources();
      unreserve->mutable_agent_id()->set_value(agentId);
      error = CopyResources(operation.unreserve().resources(), unreserve->mutable_resources());
      break;
    }
    case Operation::CREATE: {
      call.set_type(v1::master::Call::CREATE_VOLUMES);
      v1::master::Call::CreateVolumes* create = call.mutable_create_volumes();
      create->mutable_agent_id()->set_value(agentId);
      error = CopyResources(operation.create().volumes(), create->mutable_volumes());
      break;
    }
    case Operation::DESTROY: {
      call.set_type(v1::master::Call::DESTROY_VOLUMES);
      v1::master::Call::DestroyVolumes* destroy = call.mutable_destroy_volumes();
      destroy->mutable_agent_id()->set_value(agentId);
      error = CopyResources(operation.destroy().volumes(), destroy->mutable_volumes());
      break;
    }
    default:
      return Error(TypeName(operation.type()) +
                   " has no operator-API call (only RESERVE, UNRESERVE, CREATE and DESTROY have)");
  }
  if (error.isSome()) return Error(TypeName(operation.type()) + ": " + error->message);
  return call;
}

std::string Shortened(const std::string& text) {
  return text.size() <= kMaxMessage ? text : text.substr(0, kMaxMessage) + "...";
}

}  // namespace

Try<std::vector<v1::master::Call>> ToMasterCalls(const protocol::OperatorCall& call) {
  if (call.agent_id().empty()) return Error("the operator call has no agent_id");
  std::vector<v1::master::Call> calls;
  calls.reserve(call.operations_size());
  for (int i = 0; i < call.operations_size(); i++) {
    Try<v1::master::Call> converted = ToMasterCall(call.agent_id(), call.operations(i));
    if (converted.isError()) return Error("operation " + stringify(i) + ": " + converted.error());
    calls.push_back(std::move(converted.get()));
  }
  return calls;
}

std::string BasicAuthorization(const OperatorCredential& credential) {
  return "Basic " + base64::encode(credential.principal + ":" + credential.secret);
}

std::string OwnOperatorApiUrl() {
  const process::network::inet::Address address = process::address();
  return "http://" + stringify(address) + "/api/v1";
}

// ---- the client ------------------------------------------------------------------------------------------

struct OperatorClient::Progress {
  std::vector<v1::master::Call> calls;
  Result result;  // id, applied so far
};

Try<std::shared_ptr<OperatorClient>> OperatorClient::Create(const std::string& url,
                                                            const std::optional<OperatorCredential>& credential,
                                                            Duration timeout) {
  Try<http::URL> parsed = http::URL::parse(url);
  if (parsed.isError()) return Error("operator API URL '" + url + "': " + parsed.error());
  http::Headers headers;
  headers["Accept"] = "application/json";  // error bodies are text; a 202 has none
  if (credential) headers["Authorization"] = BasicAuthorization(*credential);
  return std::make_shared<OperatorClient>(parsed.get(), std::move(headers), timeout);
}

OperatorClient::OperatorClient(http::URL url, http::Headers headers, Duration timeout)
    : url_(std::move(url)), headers_(std::move(headers)), timeout_(timeout) {}

process::Future<Result> OperatorClient::Make(const protocol::OperatorCall& call) const {
  auto progress = std::make_shared<Progress>();
  progress->result.set_id(call.id());
  progress->result.set_applied(0);
  Try<std::vector<v1::master::Call>> calls = ToMasterCalls(call);
  if (calls.isError()) {
    progress->result.set_ok(false);
    progress->result.set_http_status(0);
    progress->result.set_message("not sent: " + calls.error());
    return progress->result;
  }
  progress->calls = std::move(calls.get());
  return Next(progress);
}

process::Future<Result> OperatorClient::Next(const std::shared_ptr<Progress>& progress) const {
  const size_t next = progress->result.applied();
  if (next == progress->calls.size()) {
    progress->result.set_ok(true);
    return progress->result;
  }
  std::shared_ptr<const OperatorClient> self = shared_from_this();
  return Post(progress->calls[next].SerializeAsString())
      .then([self, progress](const http::Response& response) -> process::Future<Result> {
        if (response.code == http::Status::ACCEPTED) {
          progress->result.set_applied(progress->result.applied() + 1);
          return self->Next(progress);
        }
        progress->result.set_ok(false);
        progress->result.set_http_status(response.code);
        progress->result.set_message(Shortened(response.body.empty() ? response.status : response.body));
        return progress->result;
      })
      .repair([progress](const process::Future<Result>& failed) -> process::Future<Result> {
        progress->result.set_ok(false);
        progress->result.set_http_status(0);
        progress->result.set_message(Shortened(failed.failure()));
        return progress->result;
      });
}

process::Future<http::Response> OperatorClient::Post(const std::string& body) const {
  http::Request request;
  request.method = "POST";
  request.url = url_;
  request.headers = headers_;
  request.headers["Content-Type"] = "application/x-protobuf";
  request.body = body;
  request.keepAlive = false;

  // Shared with the timeout handler, which closes the connection of an abandoned request.
  auto connection = std::make_shared<Option<http::Connection>>();
  const Duration timeout = timeout_;
  const std::string where = stringify(url_);
  return http::connect(url_)
      .then([connection, request](http::Connection connected) {
        *connection = connected;
        return connected.send(request);
      })
      .after(timeout,
             [connection, timeout, where](process::Future<http::Response> pending) -> process::Future<http::Response> {
               pending.discard();
               if (connection->isSome()) connection->get().disconnect();
               return process::Failure("no answer from " + where + " within " + stringify(timeout) +
                                       " (the master may still apply the operation)");
             })
      .onAny([connection]() {
        if (connection->isSome()) connection->get().disconnect();
      });
}

}  // namespace mesos_policy::adapter
