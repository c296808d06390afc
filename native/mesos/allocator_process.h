// AllocatorProcess: the libprocess actor behind PolicyAllocator (as HierarchicalAllocatorProcess is
// behind MesosAllocator). The master's calls arrive by dispatch, so the master's actor never waits
// for the policy. The actor
//   - records each call in the resync mirror and queues it as a protocol::AllocatorCall;
//   - keeps at most one request in flight (PolicyHost::CallAsync); calls queued meanwhile go
//     together as one AllocatorBatch when the reply is back, which amortises the bridge's cost in
//     busy periods and keeps the order;
//   - arms a timer for each reply's next_cycle_at_ms and queues `allocate` when it fires; the
//     Allocation goes to the master's offer and inverse-offer callbacks;
//   - re-sends Initialize and the mirror's state when the policy runtime was restarted;
//   - makes the operator calls replies carry (OperatorClient), one at a time in the order given,
//     and queues each result as an operator_call_result call. It never waits for them: the master
//     answers RESERVE only after this actor handled the updateAvailable it causes.
// A failed call (policy error, timeout, runtime down) is logged and counted and the actor goes on:
// offers keep flowing from the next cycle. updateAvailable fails (→ 409) unless the engine applied
// it; getInverseOfferStatuses answers empty (on_error=default) or fails (on_error=fail).
#pragma once

#include <mesos/allocator/allocator.hpp>
#include <process/future.hpp>
#include <process/process.hpp>
#include <process/timer.hpp>
#include <stout/duration.hpp>
#include <stout/hashmap.hpp>
#include <stout/hashset.hpp>
#include <stout/lambda.hpp>
#include <stout/option.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "allocation.h"
#include "allocator_mirror.h"
#include "metrics.h"
#include "operator_call_queue.h"
#include "operator_client.h"
#include "policy_host.h"

namespace mesos_policy::adapter {

using OfferCallback = lambda::function<void(const mesos::FrameworkID&, const OfferMap&)>;
using InverseOfferCallback = lambda::function<void(const mesos::FrameworkID&, const InverseOfferMap&)>;
using InverseOfferStatusMap =
    hashmap<mesos::SlaveID, hashmap<mesos::FrameworkID, mesos::allocator::InverseOfferStatus>>;

class AllocatorProcess : public process::Process<AllocatorProcess> {
 public:
  explicit AllocatorProcess(PolicyHost& host);
  ~AllocatorProcess() override;

  // Mesos's initialize (renamed: ProcessBase has an initialize() of its own).
  void setup(const mesos::allocator::Options& options, const OfferCallback& offerCallback,
             const InverseOfferCallback& inverseOfferCallback);
  void recover(int expectedAgentCount, const hashmap<std::string, mesos::Quota>& quotas);
  void addFramework(const mesos::FrameworkID& id, const mesos::FrameworkInfo& info,
                    const hashmap<mesos::SlaveID, mesos::Resources>& used, bool active,
                    mesos::allocator::FrameworkOptions&& options);
  void removeFramework(const mesos::FrameworkID& id);
  void activateFramework(const mesos::FrameworkID& id);
  void deactivateFramework(const mesos::FrameworkID& id);
  void updateFramework(const mesos::FrameworkID& id, const mesos::FrameworkInfo& info,
                       mesos::allocator::FrameworkOptions&& options);
  void addSlave(const mesos::SlaveID& id, const mesos::SlaveInfo& info,
                const std::vector<mesos::SlaveInfo::Capability>& capabilities,
                const Option<mesos::Unavailability>& unavailability, const mesos::Resources& total,
                const hashmap<mesos::FrameworkID, mesos::Resources>& used);
  void removeSlave(const mesos::SlaveID& id);
  void updateSlave(const mesos::SlaveID& id, const mesos::SlaveInfo& info, const Option<mesos::Resources>& total,
                   const Option<std::vector<mesos::SlaveInfo::Capability>>& capabilities);
  void addResourceProvider(const mesos::SlaveID& id, const mesos::Resources& total,
                           const hashmap<mesos::FrameworkID, mesos::Resources>& used);
  void activateSlave(const mesos::SlaveID& id);
  void deactivateSlave(const mesos::SlaveID& id);
  void updateWhitelist(const Option<hashset<std::string>>& whitelist);
  void requestResources(const mesos::FrameworkID& id, const std::vector<mesos::Request>& requests);
  void updateAllocation(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& agentId,
                        const mesos::Resources& offered, const std::vector<mesos::ResourceConversion>& conversions);
  process::Future<Nothing> updateAvailable(const mesos::SlaveID& id,
                                           const std::vector<mesos::Offer::Operation>& operations);
  void updateUnavailability(const mesos::SlaveID& id, const Option<mesos::Unavailability>& unavailability);
  void updateInverseOffer(const mesos::SlaveID& agentId, const mesos::FrameworkID& frameworkId,
                          const Option<mesos::UnavailableResources>& unavailable,
                          const Option<mesos::allocator::InverseOfferStatus>& status,
                          const Option<mesos::Filters>& filters);
  process::Future<InverseOfferStatusMap> getInverseOfferStatuses();
  void transitionOfferedToAllocated(const mesos::SlaveID& id, const mesos::Resources& resources);
  void recoverResources(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& agentId,
                        const mesos::Resources& resources, const Option<mesos::Filters>& filters, bool isAllocated);
  void suppressOffers(const mesos::FrameworkID& id, const std::set<std::string>& roles);
  void reviveOffers(const mesos::FrameworkID& id, const std::set<std::string>& roles);
  void updateQuota(const std::string& role, const mesos::Quota& quota);
  void updateWeights(const std::vector<mesos::WeightInfo>& weights);
  void pause();
  void resume();

  // A fresh policy runtime took over (dispatched from the supervisor's thread).
  void freshRuntime();
  // The reply to the request in flight (dispatched from the runtime's thread).
  void replied(const PolicyHost::Reply& reply);
  // The cycle timer fired; `sequence` tells a current timer from a cancelled one.
  void cycleDue(uint64_t sequence);
  // Runs a continuation of the operator-call queue on this actor.
  void onActor(const std::function<void()>& continuation);

 protected:
  void initialize() override;
  void finalize() override;

 private:
  // One queued call; `done` (optional) sees its reply, or null and why there is none.
  using Done = std::function<void(const protocol::AllocatorReply* reply, const std::string& failure)>;
  struct Pending {
    protocol::AllocatorCall call;
    Done done;
  };

  void enqueue(protocol::AllocatorCall call, Done done = nullptr);
  void send();
  void resyncIfRestarted();
  void finish(Pending& pending, const protocol::AllocatorReply* reply, const std::string& failure);
  void deliver(const protocol::Allocation& allocation);
  void giveBack(const DecodedAllocation::Rejected& rejected);
  process::Future<protocol::OperatorCallResult> makeOperatorCall(const protocol::OperatorCall& call);
  void arm(double atMs);
  void armFallback();
  double nowMs() const;

  PolicyHost& host_;
  ModuleMetrics metrics_;
  AllocatorMirror mirror_;

  Option<protocol::AllocatorCall> initializeCall_;  // kept for a resync
  Duration interval_ = Seconds(1);
  OfferCallback offerCallback_;
  InverseOfferCallback inverseOfferCallback_;
  uint64_t generation_ = 0;  // the runtime generation the engine's state belongs to

  std::deque<Pending> queue_;
  std::vector<Pending> inFlight_;
  bool sending_ = false;
  bool allocateQueued_ = false;

  std::shared_ptr<OperatorClient> operatorClient_;  // null when the URL did not parse (logged)
  std::string operatorClientError_;
  OperatorCallQueue operatorCalls_;
  uint64_t sentGeneration_ = 0;  // the runtime generation the request in flight went to

  Option<double> nextCycleAt_;  // the latest next_cycle_at_ms among the replies being handled
  Option<process::Timer> timer_;
  uint64_t timerSequence_ = 0;
};

}  // namespace mesos_policy::adapter
