#include "allocator.h"

#include <process/dispatch.hpp>
#include <process/process.hpp>

namespace mesos_policy::adapter {

using process::dispatch;

PolicyAllocator::PolicyAllocator(std::unique_ptr<PolicyHost> host)
    : host_(std::move(host)), process_(std::make_unique<AllocatorProcess>(*host_)) {
  process::spawn(process_.get());
}

PolicyAllocator::~PolicyAllocator() {
  // The actor first (its pending replies are dropped), then the runtime it calls.
  process::terminate(process_.get());
  process::wait(process_.get());
  process_.reset();
  host_.reset();
}

void PolicyAllocator::initialize(
    const mesos::allocator::Options& options,
    const lambda::function<void(const mesos::FrameworkID&,
                                const hashmap<std::string, hashmap<mesos::SlaveID, mesos::Resources>>&)>& offerCallback,
    const lambda::function<void(const mesos::FrameworkID&, const hashmap<mesos::SlaveID, mesos::UnavailableResources>&)>&
        inverseOfferCallback) {
  dispatch(process_.get(), &AllocatorProcess::setup, options, offerCallback, inverseOfferCallback);
}

void PolicyAllocator::recover(const int expectedAgentCount, const hashmap<std::string, mesos::Quota>& quotas) {
  dispatch(process_.get(), &AllocatorProcess::recover, expectedAgentCount, quotas);
}

void PolicyAllocator::addFramework(const mesos::FrameworkID& frameworkId, const mesos::FrameworkInfo& frameworkInfo,
                                   const hashmap<mesos::SlaveID, mesos::Resources>& used, bool active,
                                   mesos::allocator::FrameworkOptions&& options) {
  dispatch(process_.get(), &AllocatorProcess::addFramework, frameworkId, frameworkInfo, used, active,
           std::move(options));
}

void PolicyAllocator::removeFramework(const mesos::FrameworkID& frameworkId) {
  dispatch(process_.get(), &AllocatorProcess::removeFramework, frameworkId);
}

void PolicyAllocator::activateFramework(const mesos::FrameworkID& frameworkId) {
  dispatch(process_.get(), &AllocatorProcess::activateFramework, frameworkId);
}

void PolicyAllocator::deactivateFramework(const mesos::FrameworkID& frameworkId) {
  dispatch(process_.get(), &AllocatorProcess::deactivateFramework, frameworkId);
}

void PolicyAllocator::updateFramework(const mesos::FrameworkID& frameworkId, const mesos::FrameworkInfo& frameworkInfo,
                                      mesos::allocator::FrameworkOptions&& options) {
  dispatch(process_.get(), &AllocatorProcess::updateFramework, frameworkId, frameworkInfo, std::move(options));
}

void PolicyAllocator::addSlave(const mesos::SlaveID& slaveId, const mesos::SlaveInfo& slaveInfo,
                               const std::vector<mesos::SlaveInfo::Capability>& capabilities,
                               const Option<mesos::Unavailability>& unavailability, const mesos::Resources& total,
                               const hashmap<mesos::FrameworkID, mesos::Resources>& used) {
  dispatch(process_.get(), &AllocatorProcess::addSlave, slaveId, slaveInfo, capabilities, unavailability, total, used);
}

void PolicyAllocator::removeSlave(const mesos::SlaveID& slaveId) {
  dispatch(process_.get(), &AllocatorProcess::removeSlave, slaveId);
}

void PolicyAllocator::updateSlave(const mesos::SlaveID& slaveId, const mesos::SlaveInfo& slaveInfo,
                                  const Option<mesos::Resources>& total,
                                  const Option<std::vector<mesos::SlaveInfo::Capability>>& capabilities) {
  dispatch(process_.get(), &AllocatorProcess::updateSlave, slaveId, slaveInfo, total, capabilities);
}

void PolicyAllocator::addResourceProvider(const mesos::SlaveID& slaveId, const mesos::Resources& total,
                                          const hashmap<mesos::FrameworkID, mesos::Resources>& used) {
  dispatch(process_.get(), &AllocatorProcess::addResourceProvider, slaveId, total, used);
}

void PolicyAllocator::activateSlave(const mesos::SlaveID& slaveId) {
  dispatch(process_.get(), &AllocatorProcess::activateSlave, slaveId);
}

void PolicyAllocator::deactivateSlave(const mesos::SlaveID& slaveId) {
  dispatch(process_.get(), &AllocatorProcess::deactivateSlave, slaveId);
}

void PolicyAllocator::updateWhitelist(const Option<hashset<std::string>>& whitelist) {
  dispatch(process_.get(), &AllocatorProcess::updateWhitelist, whitelist);
}

void PolicyAllocator::requestResources(const mesos::FrameworkID& frameworkId,
                                       const std::vector<mesos::Request>& requests) {
  dispatch(process_.get(), &AllocatorProcess::requestResources, frameworkId, requests);
}

void PolicyAllocator::updateAllocation(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& slaveId,
                                       const mesos::Resources& offeredResources,
                                       const std::vector<mesos::ResourceConversion>& conversions) {
  dispatch(process_.get(), &AllocatorProcess::updateAllocation, frameworkId, slaveId, offeredResources, conversions);
}

process::Future<Nothing> PolicyAllocator::updateAvailable(const mesos::SlaveID& slaveId,
                                                          const std::vector<mesos::Offer::Operation>& operations) {
  return dispatch(process_.get(), &AllocatorProcess::updateAvailable, slaveId, operations);
}

void PolicyAllocator::updateUnavailability(const mesos::SlaveID& slaveId,
                                           const Option<mesos::Unavailability>& unavailability) {
  dispatch(process_.get(), &AllocatorProcess::updateUnavailability, slaveId, unavailability);
}

void PolicyAllocator::updateInverseOffer(const mesos::SlaveID& slaveId, const mesos::FrameworkID& frameworkId,
                                         const Option<mesos::UnavailableResources>& unavailableResources,
                                         const Option<mesos::allocator::InverseOfferStatus>& status,
                                         const Option<mesos::Filters>& filters) {
  dispatch(process_.get(), &AllocatorProcess::updateInverseOffer, slaveId, frameworkId, unavailableResources, status,
           filters);
}

process::Future<InverseOfferStatusMap> PolicyAllocator::getInverseOfferStatuses() {
  return dispatch(process_.get(), &AllocatorProcess::getInverseOfferStatuses);
}

void PolicyAllocator::transitionOfferedToAllocated(const mesos::SlaveID& slaveId, const mesos::Resources& resources) {
  dispatch(process_.get(), &AllocatorProcess::transitionOfferedToAllocated, slaveId, resources);
}

void PolicyAllocator::recoverResources(const mesos::FrameworkID& frameworkId, const mesos::SlaveID& slaveId,
                                       const mesos::Resources& resources, const Option<mesos::Filters>& filters,
                                       bool isAllocated) {
  dispatch(process_.get(), &AllocatorProcess::recoverResources, frameworkId, slaveId, resources, filters, isAllocated);
}

void PolicyAllocator::suppressOffers(const mesos::FrameworkID& frameworkId, const std::set<std::string>& roles) {
  dispatch(process_.get(), &AllocatorProcess::suppressOffers, frameworkId, roles);
}

void PolicyAllocator::reviveOffers(const mesos::FrameworkID& frameworkId, const std::set<std::string>& roles) {
  dispatch(process_.get(), &AllocatorProcess::reviveOffers, frameworkId, roles);
}

void PolicyAllocator::updateQuota(const std::string& role, const mesos::Quota& quota) {
  dispatch(process_.get(), &AllocatorProcess::updateQuota, role, quota);
}

void PolicyAllocator::updateWeights(const std::vector<mesos::WeightInfo>& weightInfos) {
  dispatch(process_.get(), &AllocatorProcess::updateWeights, weightInfos);
}

void PolicyAllocator::pause() { dispatch(process_.get(), &AllocatorProcess::pause); }

void PolicyAllocator::resume() { dispatch(process_.get(), &AllocatorProcess::resume); }

}  // namespace mesos_policy::adapter
