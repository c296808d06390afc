#include "allocator_mirror.h"

#include <glog/logging.h>

#include "allocator_calls.h"

namespace mesos_policy::adapter {

std::set<std::string> AllocatorMirror::rolesOf(const mesos::FrameworkInfo& info) {
  std::set<std::string> roles(info.roles().begin(), info.roles().end());
  if (roles.empty() && info.has_role()) roles.insert(info.role());  // a pre-MULTI_ROLE framework
  return roles;
}

void AllocatorMirror::addFramework(const mesos::FrameworkID& id, const mesos::FrameworkInfo& info, bool active,
                                   mesos::allocator::FrameworkOptions&& options) {
  // `used` is not recorded here: as in Mesos's allocator, resources on known agents are already in
  // the agent's books (addSlave brought them), and unknown agents bring them when they are added.
  FrameworkRecord record;
  record.info = info;
  record.active = active;
  record.suppressedRoles = std::move(options.suppressedRoles);
  record.constraints = std::move(options.offerConstraintsFilter);
  frameworks_[id] = std::move(record);
}

void AllocatorMirror::removeFramework(const mesos::FrameworkID& id) {
  frameworks_.erase(id);
  for (auto& [agentId, agent] : agents_) agent.used.erase(id);
}

void AllocatorMirror::setFrameworkActive(const mesos::FrameworkID& id, bool active) {
  if (frameworks_.contains(id)) frameworks_.at(id).active = active;
}

void AllocatorMirror::updateFramework(const mesos::FrameworkID& id, const mesos::FrameworkInfo& info,
                                      mesos::allocator::FrameworkOptions&& options) {
  if (!frameworks_.contains(id)) return;
  FrameworkRecord& record = frameworks_.at(id);
  record.info = info;
  record.suppressedRoles = std::move(options.suppressedRoles);
  record.constraints = std::move(options.offerConstraintsFilter);
}

void AllocatorMirror::addAgent(const mesos::SlaveID& id, AgentRecord record) { agents_[id] = std::move(record); }

void AllocatorMirror::removeAgent(const mesos::SlaveID& id) { agents_.erase(id); }

void AllocatorMirror::updateAgent(const mesos::SlaveID& id, const mesos::SlaveInfo& info,
                                  const Option<mesos::Resources>& total,
                                  const Option<std::vector<mesos::SlaveInfo::Capability>>& capabilities) {
  if (!agents_.contains(id)) return;
  AgentRecord& agent = agents_.at(id);
  agent.info = info;
  if (total.isSome()) agent.total = total.get();
  if (capabilities.isSome()) agent.capabilities = capabilities.get();
}

void AllocatorMirror::addResourceProvider(const mesos::SlaveID& id, const mesos::Resources& total,
                                          const hashmap<mesos::FrameworkID, mesos::Resources>& used) {
  if (!agents_.contains(id)) return;
  AgentRecord& agent = agents_.at(id);
  agent.total += total;
  for (const auto& [frameworkId, resources] : used) agent.used[frameworkId] += resources;
}

void AllocatorMirror::setAgentActive(const mesos::SlaveID& id, bool active) {
  if (agents_.contains(id)) agents_.at(id).active = active;
}

void AllocatorMirror::updateAllocation(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& agentId,
                                       const mesos::Resources& offered,
                                       const std::vector<mesos::ResourceConversion>& conversions) {
  if (!agents_.contains(agentId)) return;
  AgentRecord& agent = agents_.at(agentId);
  Try<mesos::Resources> updated = offered.apply(conversions);
  Try<mesos::Resources> total = agent.total.apply(conversions);
  if (updated.isError() || total.isError()) {
    // The engine decides whether it applies; the mirror only loses precision for a later resync.
    LOG(WARNING) << "mesos-policy allocator: the resync mirror could not apply an updateAllocation on agent "
                 << agentId << ": " << (updated.isError() ? updated.error() : total.error());
    return;
  }
  mesos::Resources& used = agent.used[frameworkId];
  used -= offered;
  used += updated.get();
  agent.total = total.get();
}

void AllocatorMirror::updateAvailable(const mesos::SlaveID& id, const std::vector<mesos::Offer::Operation>& operations) {
  if (!agents_.contains(id)) return;
  AgentRecord& agent = agents_.at(id);
  mesos::Resources total = agent.total;
  for (const mesos::Offer::Operation& operation : operations) {
    Try<mesos::Resources> applied = total.apply(operation);
    if (applied.isError()) return;  // not applicable: the engine rejects it too, nothing changes
    total = applied.get();
  }
  agent.total = total;
}

void AllocatorMirror::updateUnavailability(const mesos::SlaveID& id, const Option<mesos::Unavailability>& unavailability) {
  if (agents_.contains(id)) agents_.at(id).unavailability = unavailability;
}

void AllocatorMirror::offered(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& agentId,
                              const mesos::Resources& resources) {
  if (!agents_.contains(agentId)) return;
  mesos::Resources& used = agents_.at(agentId).used[frameworkId];
  // Most offers go to a framework holding nothing there: a copy, not a merge.
  if (used.empty()) {
    used = resources;
  } else {
    used += resources;
  }
}

void AllocatorMirror::recovered(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& agentId,
                                const mesos::Resources& resources) {
  if (!agents_.contains(agentId)) return;
  auto& used = agents_.at(agentId).used;
  if (!used.contains(frameworkId)) return;
  used.at(frameworkId) -= resources;
  if (used.at(frameworkId).empty()) used.erase(frameworkId);
}

void AllocatorMirror::suppress(const mesos::FrameworkID& id, const std::set<std::string>& roles) {
  if (!frameworks_.contains(id)) return;
  FrameworkRecord& record = frameworks_.at(id);
  const std::set<std::string> which = roles.empty() ? rolesOf(record.info) : roles;
  record.suppressedRoles.insert(which.begin(), which.end());
}

void AllocatorMirror::revive(const mesos::FrameworkID& id, const std::set<std::string>& roles) {
  if (!frameworks_.contains(id)) return;
  FrameworkRecord& record = frameworks_.at(id);
  if (roles.empty()) {
    record.suppressedRoles.clear();
  } else {
    for (const std::string& role : roles) record.suppressedRoles.erase(role);
  }
}

void AllocatorMirror::updateQuota(const std::string& role, const mesos::Quota& quota) {
  if (quota == mesos::Quota()) {
    quotas_.erase(role);  // DEFAULT_QUOTA: no guarantees, no limits
  } else {
    quotas_[role] = quota;
  }
}

void AllocatorMirror::updateWeights(const std::vector<mesos::WeightInfo>& weights) {
  for (const mesos::WeightInfo& weight : weights) weights_[weight.role()] = weight.weight();
}

bool AllocatorMirror::excluded(const mesos::FrameworkID& frameworkId, const std::string& role,
                               const mesos::SlaveID& agentId) const {
  if (!frameworks_.contains(frameworkId) || !agents_.contains(agentId)) return false;
  return frameworks_.at(frameworkId).constraints.isAgentExcluded(role, agents_.at(agentId).info);
}

std::vector<protocol::AllocatorCall> AllocatorMirror::resyncCalls() const {
  std::vector<protocol::AllocatorCall> out;
  if (!weights_.empty()) {
    std::vector<mesos::WeightInfo> weights;
    for (const auto& [role, weight] : weights_) {
      mesos::WeightInfo info;
      info.set_role(role);
      info.set_weight(weight);
      weights.push_back(info);
    }
    out.push_back(calls::UpdateWeights(weights));
  }
  for (const auto& [role, quota] : quotas_) out.push_back(calls::UpdateQuota(role, quota));
  if (whitelist_.isSome()) out.push_back(calls::UpdateWhitelist(whitelist_));
  // Agents first, with what every framework uses on them; then the frameworks with nothing more
  // (the order Mesos itself uses after a master failover).
  for (const auto& [id, agent] : agents_) {
    out.push_back(calls::AddAgent(id, agent.info, agent.capabilities, agent.unavailability, agent.total, agent.used));
    if (!agent.active) out.push_back(calls::DeactivateAgent(id));
  }
  for (const auto& [id, framework] : frameworks_) {
    out.push_back(calls::AddFramework(id, framework.info, {}, framework.active, framework.suppressedRoles));
  }
  if (paused_) out.push_back(calls::Pause());
  return out;
}

}  // namespace mesos_policy::adapter
