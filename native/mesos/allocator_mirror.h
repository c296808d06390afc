// AllocatorMirror: the least state the allocator adapter keeps so that a fresh policy runtime (after
// the old one ran out of heap or exited) can be brought back to the master's view with one batch:
//
//   agents      info, capabilities, unavailability, activated, total (incl. reservations and
//               volumes applied by operations) and, per framework, what is offered or allocated
//   frameworks  info, active, suppressed roles, and the offer-constraints filter (see README)
//   roles       quotas (non-default) and weights; the whitelist; whether allocation is paused
//
// Not kept (lost on a restart; Mesos's own failover loses them too): offer filters from declines,
// the offered-vs-allocated split (all of it comes back as used), inverse-offer answers, and the
// policy's own memory. The mirror follows the master's calls and the offers the adapter makes, with
// Mesos's Resources arithmetic, like the built-in allocator's per-agent books.
#pragma once

#include <mesos/allocator/allocator.hpp>
#include <mesos/quota/quota.hpp>
#include <stout/hashmap.hpp>
#include <stout/hashset.hpp>
#include <stout/option.hpp>

#include <set>
#include <string>
#include <vector>

#include "bridge.pb.h"

namespace mesos_policy::adapter {

namespace protocol = ::mesos_policy::protocol;

struct AgentRecord {
  mesos::SlaveInfo info;
  std::vector<mesos::SlaveInfo::Capability> capabilities;
  Option<mesos::Unavailability> unavailability;
  mesos::Resources total;
  hashmap<mesos::FrameworkID, mesos::Resources> used;  // offered or allocated
  bool active = true;
};

struct FrameworkRecord {
  mesos::FrameworkInfo info;
  bool active = true;
  std::set<std::string> suppressedRoles;
  mesos::allocator::OfferConstraintsFilter constraints;
};

class AllocatorMirror {
 public:
  void addFramework(const mesos::FrameworkID& id, const mesos::FrameworkInfo& info, bool active,
                    mesos::allocator::FrameworkOptions&& options);
  void removeFramework(const mesos::FrameworkID& id);
  void setFrameworkActive(const mesos::FrameworkID& id, bool active);
  void updateFramework(const mesos::FrameworkID& id, const mesos::FrameworkInfo& info,
                       mesos::allocator::FrameworkOptions&& options);
  void addAgent(const mesos::SlaveID& id, AgentRecord record);
  void removeAgent(const mesos::SlaveID& id);
  void updateAgent(const mesos::SlaveID& id, const mesos::SlaveInfo& info, const Option<mesos::Resources>& total,
                   const Option<std::vector<mesos::SlaveInfo::Capability>>& capabilities);
  void addResourceProvider(const mesos::SlaveID& id, const mesos::Resources& total,
                           const hashmap<mesos::FrameworkID, mesos::Resources>& used);
  void setAgentActive(const mesos::SlaveID& id, bool active);
  void updateWhitelist(const Option<hashset<std::string>>& whitelist) { whitelist_ = whitelist; }
  void updateAllocation(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& agentId,
                        const mesos::Resources& offered, const std::vector<mesos::ResourceConversion>& conversions);
  void updateAvailable(const mesos::SlaveID& id, const std::vector<mesos::Offer::Operation>& operations);
  void updateUnavailability(const mesos::SlaveID& id, const Option<mesos::Unavailability>& unavailability);
  void offered(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& agentId, const mesos::Resources& resources);
  void recovered(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& agentId,
                 const mesos::Resources& resources);
  void suppress(const mesos::FrameworkID& id, const std::set<std::string>& roles);
  void revive(const mesos::FrameworkID& id, const std::set<std::string>& roles);
  void updateQuota(const std::string& role, const mesos::Quota& quota);
  void updateWeights(const std::vector<mesos::WeightInfo>& weights);
  void setPaused(bool paused) { paused_ = paused; }

  // Whether the framework's offer constraints exclude the agent for the role (unknown: no).
  bool excluded(const mesos::FrameworkID& frameworkId, const std::string& role, const mesos::SlaveID& agentId) const;

  // The calls that bring a fresh runtime, already sent Initialize, to this state: weights, quotas,
  // whitelist, agents (with their used resources), deactivations, frameworks, pause.
  std::vector<protocol::AllocatorCall> resyncCalls() const;

  size_t agentCount() const { return agents_.size(); }
  size_t frameworkCount() const { return frameworks_.size(); }

 private:
  static std::set<std::string> rolesOf(const mesos::FrameworkInfo& info);

  hashmap<mesos::SlaveID, AgentRecord> agents_;
  hashmap<mesos::FrameworkID, FrameworkRecord> frameworks_;
  hashmap<std::string, mesos::Quota> quotas_;
  hashmap<std::string, double> weights_;
  Option<hashset<std::string>> whitelist_;
  bool paused_ = false;
};

}  // namespace mesos_policy::adapter
