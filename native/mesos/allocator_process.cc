#include "allocator_process.h"

#include <glog/logging.h>
#include <process/clock.hpp>
#include <process/delay.hpp>
#include <process/dispatch.hpp>
#include <process/id.hpp>

#include <algorithm>

#include "allocator_calls.h"

namespace mesos_policy::adapter {
namespace {

// A batch larger than this is split: one request stays well below the bridge's per-call deadline.
constexpr size_t kMaxBatch = 1000;

// Resources that the offer constraints excluded go back with Mesos's default refusal (5 s), so the
// engine does not offer them to the same framework in its very next cycle.
constexpr double kExcludedRefuseSeconds = 5.0;

}  // namespace

AllocatorProcess::AllocatorProcess(PolicyHost& host)
    : process::ProcessBase(process::ID::generate("mesos-policy-allocator")),
      host_(host),
      metrics_(ModuleKind::kAllocator,
               {"offers", "inverse_offers", "rejected_offers", "batches", "resyncs", "operator_calls/made",
                "operator_calls/succeeded", "operator_calls/failed", "operator_calls/dropped"},
               host),
      operatorCalls_(OperatorCallQueue::Hooks{
          [this](const protocol::OperatorCall& call) { return makeOperatorCall(call); },
          // Called from the thread that completed a request, maybe after this actor is gone: the
          // PID, not `this` (a dispatch to a terminated process is dropped).
          [pid = process::PID<AllocatorProcess>(this)](std::function<void()> continuation) {
            process::dispatch(pid, &AllocatorProcess::onActor, std::move(continuation));
          },
          [this]() { return host_.generation(); },
          [this](const protocol::OperatorCall&, const protocol::OperatorCallResult& result) {
            // Through the queue, so the policy sees it after the updateAvailable the call caused.
            protocol::AllocatorCall answer;
            *answer.mutable_operator_call_result() = result;
            enqueue(std::move(answer));
          },
          [this](const std::string& counter) { metrics_.Increment(counter); }}) {}

AllocatorProcess::~AllocatorProcess() = default;

void AllocatorProcess::initialize() {
  // A fresh runtime's engine is empty: resync at once rather than on the master's next call.
  process::PID<AllocatorProcess> pid = self();
  host_.OnFreshRuntime([pid](uint64_t) { process::dispatch(pid, &AllocatorProcess::freshRuntime); });

  // libprocess is up by now, so this master's own address is known.
  const ModuleConfig& config = host_.config();
  const std::string url = config.operator_api_url.empty() ? OwnOperatorApiUrl() : config.operator_api_url;
  Try<std::shared_ptr<OperatorClient>> client =
      OperatorClient::Create(url, config.operator_credential, Milliseconds(config.operator_timeout.count()));
  if (client.isError()) {
    operatorClientError_ = client.error();
    LOG(ERROR) << "mesos-policy allocator: the policy's operator calls will fail: " << operatorClientError_;
  } else {
    operatorClient_ = client.get();
    VLOG(1) << "mesos-policy allocator: the policy's operator calls go to " << url
            << (config.operator_credential ? " as principal '" + config.operator_credential->principal + "'"
                                           : std::string(" without credentials"));
  }
}

void AllocatorProcess::finalize() { host_.OnFreshRuntime(nullptr); }

void AllocatorProcess::freshRuntime() { send(); }

double AllocatorProcess::nowMs() const { return process::Clock::now().duration().ns() / 1e6; }

// ---- the master's calls -----------------------------------------------------------------------------

void AllocatorProcess::setup(const mesos::allocator::Options& options, const OfferCallback& offerCallback,
                             const InverseOfferCallback& inverseOfferCallback) {
  offerCallback_ = offerCallback;
  inverseOfferCallback_ = inverseOfferCallback;
  interval_ = options.allocationInterval;
  initializeCall_ = calls::Initialize(options);
  generation_ = host_.generation();
  enqueue(initializeCall_.get());
  armFallback();  // cycles run even if the engine never names a time
}

void AllocatorProcess::recover(int expectedAgentCount, const hashmap<std::string, mesos::Quota>& quotas) {
  for (const auto& [role, quota] : quotas) mirror_.updateQuota(role, quota);
  enqueue(calls::Recover(expectedAgentCount, quotas));
}

void AllocatorProcess::addFramework(const mesos::FrameworkID& id, const mesos::FrameworkInfo& info,
                                    const hashmap<mesos::SlaveID, mesos::Resources>& used, bool active,
                                    mesos::allocator::FrameworkOptions&& options) {
  protocol::AllocatorCall call = calls::AddFramework(id, info, used, active, options.suppressedRoles);
  mirror_.addFramework(id, info, active, std::move(options));
  enqueue(std::move(call));
}

void AllocatorProcess::removeFramework(const mesos::FrameworkID& id) {
  mirror_.removeFramework(id);
  enqueue(calls::RemoveFramework(id));
}

void AllocatorProcess::activateFramework(const mesos::FrameworkID& id) {
  mirror_.setFrameworkActive(id, true);
  enqueue(calls::ActivateFramework(id));
}

void AllocatorProcess::deactivateFramework(const mesos::FrameworkID& id) {
  mirror_.setFrameworkActive(id, false);
  enqueue(calls::DeactivateFramework(id));
}

void AllocatorProcess::updateFramework(const mesos::FrameworkID& id, const mesos::FrameworkInfo& info,
                                       mesos::allocator::FrameworkOptions&& options) {
  protocol::AllocatorCall call = calls::UpdateFramework(id, info, options.suppressedRoles);
  mirror_.updateFramework(id, info, std::move(options));
  enqueue(std::move(call));
}

void AllocatorProcess::addSlave(const mesos::SlaveID& id, const mesos::SlaveInfo& info,
                                const std::vector<mesos::SlaveInfo::Capability>& capabilities,
                                const Option<mesos::Unavailability>& unavailability, const mesos::Resources& total,
                                const hashmap<mesos::FrameworkID, mesos::Resources>& used) {
  mirror_.addAgent(id, AgentRecord{info, capabilities, unavailability, total, used, true});
  enqueue(calls::AddAgent(id, info, capabilities, unavailability, total, used));
}

void AllocatorProcess::removeSlave(const mesos::SlaveID& id) {
  mirror_.removeAgent(id);
  enqueue(calls::RemoveAgent(id));
}

void AllocatorProcess::updateSlave(const mesos::SlaveID& id, const mesos::SlaveInfo& info,
                                   const Option<mesos::Resources>& total,
                                   const Option<std::vector<mesos::SlaveInfo::Capability>>& capabilities) {
  mirror_.updateAgent(id, info, total, capabilities);
  enqueue(calls::UpdateAgent(id, info, total, capabilities));
}

void AllocatorProcess::addResourceProvider(const mesos::SlaveID& id, const mesos::Resources& total,
                                           const hashmap<mesos::FrameworkID, mesos::Resources>& used) {
  mirror_.addResourceProvider(id, total, used);
  enqueue(calls::AddResourceProvider(id, total, used));
}

void AllocatorProcess::activateSlave(const mesos::SlaveID& id) {
  mirror_.setAgentActive(id, true);
  enqueue(calls::ActivateAgent(id));
}

void AllocatorProcess::deactivateSlave(const mesos::SlaveID& id) {
  mirror_.setAgentActive(id, false);
  enqueue(calls::DeactivateAgent(id));
}

void AllocatorProcess::updateWhitelist(const Option<hashset<std::string>>& whitelist) {
  mirror_.updateWhitelist(whitelist);
  enqueue(calls::UpdateWhitelist(whitelist));
}

void AllocatorProcess::requestResources(const mesos::FrameworkID& id, const std::vector<mesos::Request>&) {
  enqueue(calls::RequestResources(id));  // advisory; the protocol carries only who asked
}

void AllocatorProcess::updateAllocation(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& agentId,
                                        const mesos::Resources& offered,
                                        const std::vector<mesos::ResourceConversion>& conversions) {
  mirror_.updateAllocation(frameworkId, agentId, offered, conversions);
  enqueue(calls::UpdateAllocation(frameworkId, agentId, offered, conversions));
}

process::Future<Nothing> AllocatorProcess::updateAvailable(const mesos::SlaveID& id,
                                                           const std::vector<mesos::Offer::Operation>& operations) {
  auto promise = std::make_shared<process::Promise<Nothing>>();
  // Succeeds only when the engine says it applied the operations: answering success for a call the
  // engine did not apply would let the master and the engine disagree about the agent's resources.
  enqueue(calls::UpdateAvailable(id, operations),
          [this, promise, id, operations](const protocol::AllocatorReply* reply, const std::string& failure) {
            if (reply == nullptr) {
              promise->fail("mesos-policy allocator: the policy did not answer updateAvailable: " + failure);
            } else if (reply->has_error()) {
              promise->fail("mesos-policy allocator: " + PolicyHost::Describe(reply->error()));
            } else {
              mirror_.updateAvailable(id, operations);
              promise->set(Nothing());
            }
          });
  return promise->future();
}

void AllocatorProcess::updateUnavailability(const mesos::SlaveID& id,
                                            const Option<mesos::Unavailability>& unavailability) {
  mirror_.updateUnavailability(id, unavailability);
  enqueue(calls::UpdateUnavailability(id, unavailability));
}

void AllocatorProcess::updateInverseOffer(const mesos::SlaveID& agentId, const mesos::FrameworkID& frameworkId,
                                          const Option<mesos::UnavailableResources>&,
                                          const Option<mesos::allocator::InverseOfferStatus>& status,
                                          const Option<mesos::Filters>& filters) {
  enqueue(calls::UpdateInverseOffer(agentId, frameworkId, status, filters));
}

process::Future<InverseOfferStatusMap> AllocatorProcess::getInverseOfferStatuses() {
  auto promise = std::make_shared<process::Promise<InverseOfferStatusMap>>();
  const bool failHard = host_.config().on_error == OnError::kFail;
  enqueue(calls::GetInverseOfferStatuses(),
          [promise, failHard](const protocol::AllocatorReply* reply, const std::string& failure) {
            std::string why = reply == nullptr      ? failure
                              : reply->has_error() ? PolicyHost::Describe(reply->error())
                                                   : std::string();
            if (reply != nullptr && why.empty() && reply->has_inverse_offer_statuses()) {
              promise->set(DecodeInverseOfferStatuses(reply->inverse_offer_statuses()));
            } else if (why.empty() || !failHard) {
              promise->set(InverseOfferStatusMap());  // Mesos's answer when nothing is known
            } else {
              promise->fail("mesos-policy allocator: getInverseOfferStatuses failed: " + why);
            }
          });
  return promise->future();
}

void AllocatorProcess::transitionOfferedToAllocated(const mesos::SlaveID& id, const mesos::Resources& resources) {
  enqueue(calls::TransitionOfferedToAllocated(id, resources));
}

void AllocatorProcess::recoverResources(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& agentId,
                                        const mesos::Resources& resources, const Option<mesos::Filters>& filters,
                                        bool isAllocated) {
  mirror_.recovered(frameworkId, agentId, resources);
  enqueue(calls::RecoverResources(frameworkId, agentId, resources, filters, isAllocated));
}

void AllocatorProcess::suppressOffers(const mesos::FrameworkID& id, const std::set<std::string>& roles) {
  mirror_.suppress(id, roles);
  enqueue(calls::SuppressOffers(id, roles));
}

void AllocatorProcess::reviveOffers(const mesos::FrameworkID& id, const std::set<std::string>& roles) {
  mirror_.revive(id, roles);
  enqueue(calls::ReviveOffers(id, roles));
}

void AllocatorProcess::updateQuota(const std::string& role, const mesos::Quota& quota) {
  mirror_.updateQuota(role, quota);
  enqueue(calls::UpdateQuota(role, quota));
}

void AllocatorProcess::updateWeights(const std::vector<mesos::WeightInfo>& weights) {
  mirror_.updateWeights(weights);
  enqueue(calls::UpdateWeights(weights));
}

void AllocatorProcess::pause() {
  mirror_.setPaused(true);
  enqueue(calls::Pause());
}

void AllocatorProcess::resume() {
  mirror_.setPaused(false);
  enqueue(calls::Resume());
}

// ---- the queue and the request in flight --------------------------------------------------------------

void AllocatorProcess::enqueue(protocol::AllocatorCall call, Done done) {
  queue_.push_back(Pending{std::move(call), std::move(done)});
  send();
}

void AllocatorProcess::resyncIfRestarted() {
  if (initializeCall_.isNone()) return;  // nothing to restore before the master's initialize
  const uint64_t generation = host_.generation();
  if (generation == generation_) return;
  generation_ = generation;
  metrics_.Increment("resyncs");
  std::vector<protocol::AllocatorCall> state = mirror_.resyncCalls();
  LOG(WARNING) << "mesos-policy allocator: the policy runtime was restarted; re-sending initialize and the "
               << "master's state (" << mirror_.agentCount() << " agents, " << mirror_.frameworkCount()
               << " frameworks, " << state.size() << " calls)";
  // Queued state changes are already in the mirror: only calls someone waits for, and allocate, stay.
  std::deque<Pending> kept;
  kept.push_back(Pending{initializeCall_.get(), nullptr});
  for (protocol::AllocatorCall& call : state) kept.push_back(Pending{std::move(call), nullptr});
  for (Pending& pending : queue_) {
    if (pending.done || pending.call.has_allocate()) kept.push_back(std::move(pending));
  }
  queue_ = std::move(kept);
}

void AllocatorProcess::send() {
  if (sending_) return;
  resyncIfRestarted();
  if (queue_.empty()) return;
  const size_t count = std::min(queue_.size(), kMaxBatch);
  inFlight_.clear();
  for (size_t i = 0; i < count; i++) {
    inFlight_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  protocol::Request request;
  request.set_now_ms(nowMs());
  if (count == 1) {
    *request.mutable_allocator() = inFlight_.front().call;
  } else {
    protocol::AllocatorBatch* batch = request.mutable_allocator_batch();
    for (const Pending& pending : inFlight_) *batch->add_calls() = pending.call;
    metrics_.Increment("batches");
  }
  sending_ = true;
  sentGeneration_ = host_.generation();
  process::PID<AllocatorProcess> pid = self();
  host_.CallAsync(std::move(request), [pid](PolicyHost::Reply reply) {
    // On the runtime's thread: hand over to the actor (dropped if it has terminated).
    process::dispatch(pid, &AllocatorProcess::replied, std::move(reply));
  });
}

void AllocatorProcess::replied(const PolicyHost::Reply& reply) {
  sending_ = false;
  std::vector<Pending> sent = std::move(inFlight_);
  inFlight_.clear();
  metrics_.CountReply(reply);

  std::string failure;
  const protocol::Response& response = reply.response;
  if (!reply.ok()) {
    failure = reply.failure;
  } else if (response.has_error()) {
    failure = PolicyHost::Describe(response.error());
  } else if (sent.size() == 1 && !response.has_allocator()) {
    failure = "the policy answered an allocator call with something else";
  } else if (sent.size() > 1 && (!response.has_allocator_batch() ||
                                 response.allocator_batch().replies_size() != static_cast<int>(sent.size()))) {
    failure = "the policy's batch reply does not hold one reply per call";
  }

  if (!failure.empty()) {
    std::string names;
    for (size_t i = 0; i < sent.size() && i < 5; i++) names += (i ? ", " : "") + calls::Name(sent[i].call);
    if (sent.size() > 5) names += ", ... (" + std::to_string(sent.size()) + " calls)";
    LOG(WARNING) << "mesos-policy allocator: " << names << " failed: " << failure;
    for (Pending& pending : sent) finish(pending, nullptr, failure);
  } else if (sent.size() == 1) {
    finish(sent.front(), &response.allocator(), "");
  } else {
    for (size_t i = 0; i < sent.size(); i++) finish(sent[i], &response.allocator_batch().replies(i), "");
  }
  // The last reply's wish is the engine's current one (a batch re-arms once, not per call).
  if (nextCycleAt_.isSome()) {
    arm(nextCycleAt_.get());
    nextCycleAt_ = None();
  }
  send();
}

void AllocatorProcess::finish(Pending& pending, const protocol::AllocatorReply* reply, const std::string& failure) {
  if (reply != nullptr && reply->has_error()) {
    metrics_.Increment("errors");
    // REJECTED is an answer (e.g. an operation that does not apply), not a policy failure.
    if (reply->error().code() == protocol::Error::REJECTED) {
      VLOG(1) << "mesos-policy allocator: " << calls::Name(pending.call) << " rejected: " << reply->error().message();
    } else {
      LOG(WARNING) << "mesos-policy allocator: " << calls::Name(pending.call)
                   << " failed: " << PolicyHost::Describe(reply->error());
    }
  }
  // An engine that lost or never got its state (initialize failed; a runtime restarted under us)
  // gets initialize and the mirror's state again before the next request.
  const bool lostState = (pending.call.has_initialize() && (reply == nullptr || reply->has_error())) ||
                         (reply != nullptr && reply->has_error() &&
                          reply->error().code() == protocol::Error::NOT_INITIALIZED);
  if (lostState) generation_ = 0;
  if (pending.done) pending.done(reply, failure);
  if (reply != nullptr) {
    for (const protocol::OperatorCall& call : reply->operator_calls()) operatorCalls_.Add(call, sentGeneration_);
  }
  if (reply != nullptr && reply->has_next_cycle_at_ms()) nextCycleAt_ = reply->next_cycle_at_ms();
  if (pending.call.has_allocate()) {
    allocateQueued_ = false;
    if (reply != nullptr && reply->has_allocation()) deliver(reply->allocation());
    if (nextCycleAt_.isNone()) armFallback();
  }
}

// ---- offers ---------------------------------------------------------------------------------------------

void AllocatorProcess::deliver(const protocol::Allocation& allocation) {
  DecodedAllocation decoded = DecodeAllocation(allocation, mirror_);
  for (const auto& rejected : decoded.rejected) giveBack(rejected);
  for (const std::string& error : decoded.inverseOfferErrors) {
    LOG(WARNING) << "mesos-policy allocator: dropping " << error;
  }
  for (const auto& [frameworkId, roles] : decoded.offers) {
    for (const auto& [role, agents] : roles) {
      for (const auto& [agentId, resources] : agents) mirror_.offered(frameworkId, agentId, resources);
    }
    offerCallback_(frameworkId, roles);
  }
  for (const auto& [frameworkId, agents] : decoded.inverseOffers) {
    inverseOfferCallback_(frameworkId, agents);
    metrics_.Increment("inverse_offers", static_cast<int64_t>(agents.size()));
  }
  metrics_.Increment("offers", static_cast<int64_t>(decoded.offerEntries));
}

void AllocatorProcess::giveBack(const DecodedAllocation::Rejected& rejected) {
  metrics_.Increment("rejected_offers");
  const protocol::OfferEntry& entry = rejected.entry;
  if (rejected.unknown) {
    // Nothing to give back (the entry names resources the reply does not hold), yet the engine
    // counts them as offered: rebuild its state from the mirror before the next request.
    LOG(ERROR) << "mesos-policy allocator: the policy's offer to framework '" << entry.framework_id() << "' role '"
               << entry.role() << "' on agent '" << entry.agent_id() << "' cannot be read (" << rejected.why
               << "); resyncing the policy runtime's allocator";
    generation_ = 0;
    return;
  }
  if (rejected.constraints) {
    VLOG(1) << "mesos-policy allocator: not offering agent " << entry.agent_id() << " to framework "
            << entry.framework_id() << " in role " << entry.role() << ": " << rejected.why;
  } else {
    LOG(WARNING) << "mesos-policy allocator: the policy offered framework '" << entry.framework_id() << "' role '"
                 << entry.role() << "' on agent '" << entry.agent_id() << "' something Mesos cannot take ("
                 << rejected.why << "); giving it back";
  }
  // The engine counts these as offered: tell it they came back, in the protocol's own form.
  protocol::AllocatorCall call;
  protocol::RecoverResources* args = call.mutable_recover_resources();
  args->set_framework_id(entry.framework_id());
  args->set_agent_id(entry.agent_id());
  *args->mutable_resources() = entry.resources();
  if (rejected.constraints) args->mutable_filters()->set_refuse_seconds(kExcludedRefuseSeconds);
  args->set_is_allocated(false);
  enqueue(std::move(call));
}

// ---- operator calls ----------------------------------------------------------------------------------------

process::Future<protocol::OperatorCallResult> AllocatorProcess::makeOperatorCall(const protocol::OperatorCall& call) {
  if (operatorClient_) return operatorClient_->Make(call);
  protocol::OperatorCallResult result;
  result.set_id(call.id());
  result.set_ok(false);
  result.set_applied(0);
  result.set_http_status(0);
  result.set_message("not sent: " + operatorClientError_);
  return result;
}

void AllocatorProcess::onActor(const std::function<void()>& continuation) { continuation(); }

// ---- the cycle timer -------------------------------------------------------------------------------------

void AllocatorProcess::arm(double atMs) {
  if (timer_.isSome()) process::Clock::cancel(timer_.get());
  const double delayMs = std::max(0.0, atMs - nowMs());
  timer_ = process::delay(Milliseconds(static_cast<int64_t>(delayMs)), self(), &AllocatorProcess::cycleDue,
                          ++timerSequence_);
}

void AllocatorProcess::armFallback() {
  if (timer_.isNone()) arm(nowMs() + interval_.ns() / 1e6);
}

void AllocatorProcess::cycleDue(uint64_t sequence) {
  if (sequence != timerSequence_) return;  // a timer cancelled after it had fired
  timer_ = None();
  if (allocateQueued_) return;  // one is queued or in flight; its reply re-arms
  allocateQueued_ = true;
  enqueue(calls::Allocate());
}

}  // namespace mesos_policy::adapter
