// PolicyAllocator: mesos::allocator::Allocator backed by the policy's allocation engine. Like
// Mesos's MesosAllocator<Process>, every method only dispatches to the actor (AllocatorProcess),
// so the master's actor never waits for the policy; see allocator_process.h for what the actor does.
#pragma once

#include <mesos/allocator/allocator.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "allocator_process.h"
#include "policy_host.h"

namespace mesos_policy::adapter {

class PolicyAllocator : public mesos::allocator::Allocator {
 public:
  explicit PolicyAllocator(std::unique_ptr<PolicyHost> host);
  ~PolicyAllocator() override;
  PolicyAllocator(const PolicyAllocator&) = delete;
  PolicyAllocator& operator=(const PolicyAllocator&) = delete;

  void initialize(const mesos::allocator::Options& options,
                  const lambda::function<void(const mesos::FrameworkID&,
                                              const hashmap<std::string, hashmap<mesos::SlaveID, mesos::Resources>>&)>&
                      offerCallback,
                  const lambda::function<void(const mesos::FrameworkID&,
                                              const hashmap<mesos::SlaveID, mesos::UnavailableResources>&)>&
                      inverseOfferCallback) override;
  void recover(const int expectedAgentCount, const hashmap<std::string, mesos::Quota>& quotas) override;
  void addFramework(const mesos::FrameworkID& frameworkId, const mesos::FrameworkInfo& frameworkInfo,
                    const hashmap<mesos::SlaveID, mesos::Resources>& used, bool active,
                    mesos::allocator::FrameworkOptions&& options) override;
  void removeFramework(const mesos::FrameworkID& frameworkId) override;
  void activateFramework(const mesos::FrameworkID& frameworkId) override;
  void deactivateFramework(const mesos::FrameworkID& frameworkId) override;
  void updateFramework(const mesos::FrameworkID& frameworkId, const mesos::FrameworkInfo& frameworkInfo,
                       mesos::allocator::FrameworkOptions&& options) override;
  void addSlave(const mesos::SlaveID& slaveId, const mesos::SlaveInfo& slaveInfo,
                const std::vector<mesos::SlaveInfo::Capability>& capabilities,
                const Option<mesos::Unavailability>& unavailability, const mesos::Resources& total,
                const hashmap<mesos::FrameworkID, mesos::Resources>& used) override;
  void removeSlave(const mesos::SlaveID& slaveId) override;
  void updateSlave(const mesos::SlaveID& slaveId, const mesos::SlaveInfo& slaveInfo,
                   const Option<mesos::Resources>& total = None(),
                   const Option<std::vector<mesos::SlaveInfo::Capability>>& capabilities = None()) override;
  void addResourceProvider(const mesos::SlaveID& slaveId, const mesos::Resources& total,
                           const hashmap<mesos::FrameworkID, mesos::Resources>& used) override;
  void activateSlave(const mesos::SlaveID& slaveId) override;
  void deactivateSlave(const mesos::SlaveID& slaveId) override;
  void updateWhitelist(const Option<hashset<std::string>>& whitelist) override;
  void requestResources(const mesos::FrameworkID& frameworkId, const std::vector<mesos::Request>& requests) override;
  void updateAllocation(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& slaveId,
                        const mesos::Resources& offeredResources,
                        const std::vector<mesos::ResourceConversion>& conversions) override;
  process::Future<Nothing> updateAvailable(const mesos::SlaveID& slaveId,
                                           const std::vector<mesos::Offer::Operation>& operations) override;
  void updateUnavailability(const mesos::SlaveID& slaveId, const Option<mesos::Unavailability>& unavailability) override;
  void updateInverseOffer(const mesos::SlaveID& slaveId, const mesos::FrameworkID& frameworkId,
                          const Option<mesos::UnavailableResources>& unavailableResources,
                          const Option<mesos::allocator::InverseOfferStatus>& status,
                          const Option<mesos::Filters>& filters = None()) override;
  process::Future<InverseOfferStatusMap> getInverseOfferStatuses() override;
  void transitionOfferedToAllocated(const mesos::SlaveID& slaveId, const mesos::Resources& resources) override;
  void recoverResources(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& slaveId,
                        const mesos::Resources& resources, const Option<mesos::Filters>& filters,
                        bool isAllocated) override;
  void suppressOffers(const mesos::FrameworkID& frameworkId, const std::set<std::string>& roles) override;
  void reviveOffers(const mesos::FrameworkID& frameworkId, const std::set<std::string>& roles) override;
  void updateQuota(const std::string& role, const mesos::Quota& quota) override;
  void updateWeights(const std::vector<mesos::WeightInfo>& weightInfos) override;
  void pause() override;
  void resume() override;

 private:
  std::unique_ptr<PolicyHost> host_;          // outlives the actor, which uses it
  std::unique_ptr<AllocatorProcess> process_;
};

}  // namespace mesos_policy::adapter
