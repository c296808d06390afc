// OperatorClient: makes the policy's operator calls (protocol::OperatorCall, from AllocatorReply.
// operator_calls) against a master's v1 operator API, as an operator's tool would: one
// `POST <url>` (Mesos's /api/v1) per operation, in order, each a mesos::v1::master::Call —
//   RESERVE → RESERVE_RESOURCES, UNRESERVE → UNRESERVE_RESOURCES,
//   CREATE → CREATE_VOLUMES, DESTROY → DESTROY_VOLUMES;
// any other operation type fails the whole call before anything is sent. HTTP 202 (Accepted) is
// success; any other status ends the call there, with that status and the response body; no
// connection or no answer within the timeout ends it with http_status 0.
//
// The body is the protobuf (application/x-protobuf): our resources are wire-compatible with
// mesos::v1::Resource, so a serialized copy carries every field exactly, with no JSON mapping of
// labels, bytes or 64-bit values to get wrong. Errors come back as text either way.
//
// Never blocks: Make() returns a future. The master answers RESERVE only after its allocator (our
// actor) applied updateAvailable, so the actor must go on while a call is out (see AllocatorProcess).
#pragma once

#include <mesos/v1/master/master.pb.h>
#include <process/future.hpp>
#include <process/http.hpp>
#include <stout/duration.hpp>
#include <stout/option.hpp>
#include <stout/try.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bridge.pb.h"
#include "module_params.h"

namespace mesos_policy::adapter {

namespace protocol = ::mesos_policy::protocol;

// The v1 master Call of each operation of `call`, in order; an Error (nothing to send) when the
// call has no agent id or an operation has no operator-API call or unusable resources.
Try<std::vector<mesos::v1::master::Call>> ToMasterCalls(const protocol::OperatorCall& call);

// "Basic <base64(principal:secret)>" (RFC 7617), the Authorization Mesos's basic authenticator reads.
std::string BasicAuthorization(const OperatorCredential& credential);

// http://<this process's libprocess address>/api/v1: the master's own operator API, when the
// module runs inside the master (libprocess must be initialised).
std::string OwnOperatorApiUrl();

class OperatorClient : public std::enable_shared_from_this<OperatorClient> {
 public:
  // `url` must parse (process::http::URL::parse); the parameters checked its form.
  static Try<std::shared_ptr<OperatorClient>> Create(const std::string& url,
                                                     const std::optional<OperatorCredential>& credential,
                                                     Duration timeout);

  OperatorClient(process::http::URL url, process::http::Headers headers, Duration timeout);

  // Makes the call's operations one after another. Never fails: the result says how it ended.
  process::Future<protocol::OperatorCallResult> Make(const protocol::OperatorCall& call) const;

  const process::http::URL& url() const { return url_; }

 private:
  struct Progress;
  process::Future<protocol::OperatorCallResult> Next(const std::shared_ptr<Progress>& progress) const;
  // One POST on its own connection, closed when answered or abandoned at the timeout.
  process::Future<process::http::Response> Post(const std::string& body) const;

  process::http::URL url_;
  process::http::Headers headers_;
  Duration timeout_;
};

}  // namespace mesos_policy::adapter
