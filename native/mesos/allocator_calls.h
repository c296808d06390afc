// One protocol::AllocatorCall per mesos::allocator::Allocator method: the method's arguments, as
// Mesos passes them, in the bridge's form. Pure functions; the allocator actor and the resync use them.
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

namespace mesos_policy::adapter::calls {

namespace protocol = ::mesos_policy::protocol;
using mesos::FrameworkID;
using mesos::Resources;
using mesos::SlaveID;

protocol::AllocatorCall Initialize(const mesos::allocator::Options& options);
protocol::AllocatorCall Recover(int expectedAgentCount, const hashmap<std::string, mesos::Quota>& quotas);
// Offer constraints are not passed: Mesos gives the allocator only a compiled filter (see README).
protocol::AllocatorCall AddFramework(const FrameworkID& id, const mesos::FrameworkInfo& info,
                                     const hashmap<SlaveID, Resources>& used, bool active,
                                     const std::set<std::string>& suppressedRoles);
protocol::AllocatorCall RemoveFramework(const FrameworkID& id);
protocol::AllocatorCall ActivateFramework(const FrameworkID& id);
protocol::AllocatorCall DeactivateFramework(const FrameworkID& id);
protocol::AllocatorCall UpdateFramework(const FrameworkID& id, const mesos::FrameworkInfo& info,
                                        const std::set<std::string>& suppressedRoles);
protocol::AllocatorCall AddAgent(const SlaveID& id, const mesos::SlaveInfo& info,
                                 const std::vector<mesos::SlaveInfo::Capability>& capabilities,
                                 const Option<mesos::Unavailability>& unavailability, const Resources& total,
                                 const hashmap<FrameworkID, Resources>& used);
protocol::AllocatorCall RemoveAgent(const SlaveID& id);
protocol::AllocatorCall UpdateAgent(const SlaveID& id, const mesos::SlaveInfo& info, const Option<Resources>& total,
                                    const Option<std::vector<mesos::SlaveInfo::Capability>>& capabilities);
protocol::AllocatorCall AddResourceProvider(const SlaveID& id, const Resources& total,
                                            const hashmap<FrameworkID, Resources>& used);
protocol::AllocatorCall ActivateAgent(const SlaveID& id);
protocol::AllocatorCall DeactivateAgent(const SlaveID& id);
protocol::AllocatorCall UpdateWhitelist(const Option<hashset<std::string>>& whitelist);
protocol::AllocatorCall RequestResources(const FrameworkID& id);
protocol::AllocatorCall UpdateAllocation(const FrameworkID& frameworkId, const SlaveID& agentId,
                                         const Resources& offered,
                                         const std::vector<mesos::ResourceConversion>& conversions);
protocol::AllocatorCall UpdateAvailable(const SlaveID& id, const std::vector<mesos::Offer::Operation>& operations);
protocol::AllocatorCall UpdateUnavailability(const SlaveID& id, const Option<mesos::Unavailability>& unavailability);
protocol::AllocatorCall UpdateInverseOffer(const SlaveID& agentId, const FrameworkID& frameworkId,
                                           const Option<mesos::allocator::InverseOfferStatus>& status,
                                           const Option<mesos::Filters>& filters);
protocol::AllocatorCall GetInverseOfferStatuses();
protocol::AllocatorCall TransitionOfferedToAllocated(const SlaveID& id, const Resources& resources);
protocol::AllocatorCall RecoverResources(const FrameworkID& frameworkId, const SlaveID& agentId,
                                         const Resources& resources, const Option<mesos::Filters>& filters,
                                         bool isAllocated);
protocol::AllocatorCall SuppressOffers(const FrameworkID& id, const std::set<std::string>& roles);
protocol::AllocatorCall ReviveOffers(const FrameworkID& id, const std::set<std::string>& roles);
protocol::AllocatorCall UpdateQuota(const std::string& role, const mesos::Quota& quota);
protocol::AllocatorCall UpdateWeights(const std::vector<mesos::WeightInfo>& weights);
protocol::AllocatorCall Pause();
protocol::AllocatorCall Resume();
protocol::AllocatorCall Allocate();

// The call's name as the protocol spells it ("add_agent", "allocate", ...), for logs.
std::string Name(const protocol::AllocatorCall& call);

}  // namespace mesos_policy::adapter::calls
