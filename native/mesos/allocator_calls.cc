#include "allocator_calls.h"

#include "convert.h"

namespace mesos_policy::adapter::calls {
namespace {

using Quantities = google::protobuf::Map<std::string, protocol::Value::Scalar>;

template <typename Named>  // ResourceQuantities or ResourceLimits: (name, Value::Scalar) pairs
void CopyQuantities(const Named& from, Quantities* to) {
  for (const auto& [name, scalar] : from) (*to)[name].set_value(scalar.value());
}

void CopyUsed(const hashmap<SlaveID, Resources>& used,
              google::protobuf::RepeatedPtrField<protocol::UsedResources>* out) {
  for (const auto& [id, resources] : used) {
    protocol::UsedResources* entry = out->Add();
    entry->set_id(id.value());
    ToProtocol(resources, entry->mutable_resources());
  }
}

void CopyUsed(const hashmap<FrameworkID, Resources>& used,
              google::protobuf::RepeatedPtrField<protocol::UsedResources>* out) {
  for (const auto& [id, resources] : used) {
    protocol::UsedResources* entry = out->Add();
    entry->set_id(id.value());
    ToProtocol(resources, entry->mutable_resources());
  }
}

void CopyCapabilities(const std::vector<mesos::SlaveInfo::Capability>& capabilities,
                      google::protobuf::RepeatedPtrField<protocol::AgentInfo::Capability>* out) {
  for (const auto& capability : capabilities) {
    *out->Add() = adapter::ToProtocol<protocol::AgentInfo::Capability>(capability);
  }
}

double Milliseconds(const Duration& duration) { return duration.ns() / 1e6; }

}  // namespace

protocol::AllocatorCall Initialize(const mesos::allocator::Options& options) {
  protocol::AllocatorCall call;
  protocol::Initialize* args = call.mutable_initialize();
  args->set_allocation_interval_ms(Milliseconds(options.allocationInterval));
  if (options.fairnessExcludeResourceNames.isSome()) {
    for (const std::string& name : options.fairnessExcludeResourceNames.get()) {
      args->add_fairness_exclude_resource_names(name);
    }
  }
  args->set_filter_gpu_resources(options.filterGpuResources);
  if (options.domain.isSome()) *args->mutable_domain() = ToProtocol<protocol::DomainInfo>(options.domain.get());
  if (options.minAllocatableResources.isSome()) {
    for (const mesos::ResourceQuantities& alternative : options.minAllocatableResources.get()) {
      CopyQuantities(alternative, args->add_min_allocatable_resources()->mutable_quantities());
    }
  }
  args->set_recovery_timeout_ms(Milliseconds(options.recoveryTimeout));
  args->set_agent_recovery_factor(options.agentRecoveryFactor);
  return call;
}

protocol::AllocatorCall Recover(int expectedAgentCount, const hashmap<std::string, mesos::Quota>& quotas) {
  protocol::AllocatorCall call;
  protocol::Recover* args = call.mutable_recover();
  args->set_expected_agent_count(expectedAgentCount < 0 ? 0 : static_cast<uint32_t>(expectedAgentCount));
  for (const auto& [role, quota] : quotas) *args->add_quotas() = UpdateQuota(role, quota).update_quota().quota();
  return call;
}

protocol::AllocatorCall AddFramework(const FrameworkID& id, const mesos::FrameworkInfo& info,
                                     const hashmap<SlaveID, Resources>& used, bool active,
                                     const std::set<std::string>& suppressedRoles) {
  protocol::AllocatorCall call;
  protocol::AddFramework* args = call.mutable_add_framework();
  args->set_framework_id(id.value());
  *args->mutable_framework_info() = ToProtocol(info);
  CopyUsed(used, args->mutable_used());
  args->set_active(active);
  for (const std::string& role : suppressedRoles) args->mutable_options()->add_suppressed_roles(role);
  return call;
}

protocol::AllocatorCall RemoveFramework(const FrameworkID& id) {
  protocol::AllocatorCall call;
  call.mutable_remove_framework()->set_framework_id(id.value());
  return call;
}

protocol::AllocatorCall ActivateFramework(const FrameworkID& id) {
  protocol::AllocatorCall call;
  call.mutable_activate_framework()->set_framework_id(id.value());
  return call;
}

protocol::AllocatorCall DeactivateFramework(const FrameworkID& id) {
  protocol::AllocatorCall call;
  call.mutable_deactivate_framework()->set_framework_id(id.value());
  return call;
}

protocol::AllocatorCall UpdateFramework(const FrameworkID& id, const mesos::FrameworkInfo& info,
                                        const std::set<std::string>& suppressedRoles) {
  protocol::AllocatorCall call;
  protocol::UpdateFramework* args = call.mutable_update_framework();
  args->set_framework_id(id.value());
  *args->mutable_framework_info() = ToProtocol(info);
  protocol::FrameworkOptions* options = args->mutable_options();  // present: the options are replaced
  for (const std::string& role : suppressedRoles) options->add_suppressed_roles(role);
  return call;
}

protocol::AllocatorCall AddAgent(const SlaveID& id, const mesos::SlaveInfo& info,
                                 const std::vector<mesos::SlaveInfo::Capability>& capabilities,
                                 const Option<mesos::Unavailability>& unavailability, const Resources& total,
                                 const hashmap<FrameworkID, Resources>& used) {
  protocol::AllocatorCall call;
  protocol::AddAgent* args = call.mutable_add_agent();
  args->set_agent_id(id.value());
  *args->mutable_agent_info() = ToProtocol(info);
  CopyCapabilities(capabilities, args->mutable_capabilities());
  if (unavailability.isSome()) {
    *args->mutable_unavailability() = ToProtocol<protocol::Unavailability>(unavailability.get());
  }
  ToProtocol(total, args->mutable_total());
  CopyUsed(used, args->mutable_used());
  return call;
}

protocol::AllocatorCall RemoveAgent(const SlaveID& id) {
  protocol::AllocatorCall call;
  call.mutable_remove_agent()->set_agent_id(id.value());
  return call;
}

protocol::AllocatorCall UpdateAgent(const SlaveID& id, const mesos::SlaveInfo& info, const Option<Resources>& total,
                                    const Option<std::vector<mesos::SlaveInfo::Capability>>& capabilities) {
  protocol::AllocatorCall call;
  protocol::UpdateAgent* args = call.mutable_update_agent();
  args->set_agent_id(id.value());
  *args->mutable_agent_info() = ToProtocol(info);
  args->set_has_total(total.isSome());
  if (total.isSome()) ToProtocol(total.get(), args->mutable_total());
  args->set_has_capabilities(capabilities.isSome());
  if (capabilities.isSome()) CopyCapabilities(capabilities.get(), args->mutable_capabilities());
  return call;
}

protocol::AllocatorCall AddResourceProvider(const SlaveID& id, const Resources& total,
                                            const hashmap<FrameworkID, Resources>& used) {
  protocol::AllocatorCall call;
  protocol::AddResourceProvider* args = call.mutable_add_resource_provider();
  args->set_agent_id(id.value());
  ToProtocol(total, args->mutable_total());
  CopyUsed(used, args->mutable_used());
  return call;
}

protocol::AllocatorCall ActivateAgent(const SlaveID& id) {
  protocol::AllocatorCall call;
  call.mutable_activate_agent()->set_agent_id(id.value());
  return call;
}

protocol::AllocatorCall DeactivateAgent(const SlaveID& id) {
  protocol::AllocatorCall call;
  call.mutable_deactivate_agent()->set_agent_id(id.value());
  return call;
}

protocol::AllocatorCall UpdateWhitelist(const Option<hashset<std::string>>& whitelist) {
  protocol::AllocatorCall call;
  protocol::UpdateWhitelist* args = call.mutable_update_whitelist();
  args->set_has_whitelist(whitelist.isSome());
  if (whitelist.isSome()) {
    for (const std::string& hostname : whitelist.get()) args->add_hostnames(hostname);
  }
  return call;
}

protocol::AllocatorCall RequestResources(const FrameworkID& id) {
  protocol::AllocatorCall call;
  call.mutable_request_resources()->set_framework_id(id.value());
  return call;
}

protocol::AllocatorCall UpdateAllocation(const FrameworkID& frameworkId, const SlaveID& agentId,
                                         const Resources& offered,
                                         const std::vector<mesos::ResourceConversion>& conversions) {
  protocol::AllocatorCall call;
  protocol::UpdateAllocation* args = call.mutable_update_allocation();
  args->set_framework_id(frameworkId.value());
  args->set_agent_id(agentId.value());
  ToProtocol(offered, args->mutable_offered_resources());
  for (const mesos::ResourceConversion& conversion : conversions) {
    protocol::ResourceConversion* entry = args->add_conversions();
    ToProtocol(conversion.consumed, entry->mutable_consumed());
    ToProtocol(conversion.converted, entry->mutable_converted());
  }
  return call;
}

protocol::AllocatorCall UpdateAvailable(const SlaveID& id, const std::vector<mesos::Offer::Operation>& operations) {
  protocol::AllocatorCall call;
  protocol::UpdateAvailable* args = call.mutable_update_available();
  args->set_agent_id(id.value());
  for (const auto& operation : operations) *args->add_operations() = ToProtocol<protocol::Offer::Operation>(operation);
  return call;
}

protocol::AllocatorCall UpdateUnavailability(const SlaveID& id, const Option<mesos::Unavailability>& unavailability) {
  protocol::AllocatorCall call;
  protocol::UpdateUnavailability* args = call.mutable_update_unavailability();
  args->set_agent_id(id.value());
  if (unavailability.isSome()) {
    *args->mutable_unavailability() = ToProtocol<protocol::Unavailability>(unavailability.get());
  }
  return call;
}

protocol::AllocatorCall UpdateInverseOffer(const SlaveID& agentId, const FrameworkID& frameworkId,
                                           const Option<mesos::allocator::InverseOfferStatus>& status,
                                           const Option<mesos::Filters>& filters) {
  protocol::AllocatorCall call;
  protocol::UpdateInverseOffer* args = call.mutable_update_inverse_offer();
  args->set_agent_id(agentId.value());
  args->set_framework_id(frameworkId.value());
  if (status.isSome()) *args->mutable_status() = ToProtocol<protocol::InverseOfferStatus>(status.get());
  if (filters.isSome()) *args->mutable_filters() = ToProtocol<protocol::Filters>(filters.get());
  return call;
}

protocol::AllocatorCall GetInverseOfferStatuses() {
  protocol::AllocatorCall call;
  call.mutable_get_inverse_offer_statuses();
  return call;
}

protocol::AllocatorCall TransitionOfferedToAllocated(const SlaveID& id, const Resources& resources) {
  protocol::AllocatorCall call;
  protocol::TransitionOfferedToAllocated* args = call.mutable_transition_offered_to_allocated();
  args->set_agent_id(id.value());
  ToProtocol(resources, args->mutable_resources());
  return call;
}

protocol::AllocatorCall RecoverResources(const FrameworkID& frameworkId, const SlaveID& agentId,
                                         const Resources& resources, const Option<mesos::Filters>& filters,
                                         bool isAllocated) {
  protocol::AllocatorCall call;
  protocol::RecoverResources* args = call.mutable_recover_resources();
  args->set_framework_id(frameworkId.value());
  args->set_agent_id(agentId.value());
  ToProtocol(resources, args->mutable_resources());
  if (filters.isSome()) *args->mutable_filters() = ToProtocol<protocol::Filters>(filters.get());
  args->set_is_allocated(isAllocated);
  return call;
}

protocol::AllocatorCall SuppressOffers(const FrameworkID& id, const std::set<std::string>& roles) {
  protocol::AllocatorCall call;
  protocol::SuppressOffers* args = call.mutable_suppress_offers();
  args->set_framework_id(id.value());
  for (const std::string& role : roles) args->add_roles(role);
  return call;
}

protocol::AllocatorCall ReviveOffers(const FrameworkID& id, const std::set<std::string>& roles) {
  protocol::AllocatorCall call;
  protocol::ReviveOffers* args = call.mutable_revive_offers();
  args->set_framework_id(id.value());
  for (const std::string& role : roles) args->add_roles(role);
  return call;
}

protocol::AllocatorCall UpdateQuota(const std::string& role, const mesos::Quota& quota) {
  protocol::AllocatorCall call;
  protocol::QuotaConfig* config = call.mutable_update_quota()->mutable_quota();
  config->set_role(role);
  CopyQuantities(quota.guarantees, config->mutable_guarantees());
  CopyQuantities(quota.limits, config->mutable_limits());
  return call;
}

protocol::AllocatorCall UpdateWeights(const std::vector<mesos::WeightInfo>& weights) {
  protocol::AllocatorCall call;
  protocol::UpdateWeights* args = call.mutable_update_weights();
  for (const mesos::WeightInfo& weight : weights) *args->add_weights() = ToProtocol<protocol::WeightInfo>(weight);
  return call;
}

protocol::AllocatorCall Pause() {
  protocol::AllocatorCall call;
  call.mutable_pause();
  return call;
}

protocol::AllocatorCall Resume() {
  protocol::AllocatorCall call;
  call.mutable_resume();
  return call;
}

protocol::AllocatorCall Allocate() {
  protocol::AllocatorCall call;
  call.mutable_allocate();
  return call;
}

std::string Name(const protocol::AllocatorCall& call) {
  const auto* field = protocol::AllocatorCall::descriptor()->FindFieldByNumber(call.call_case());
  return field == nullptr ? "empty" : field->name();
}

}  // namespace mesos_policy::adapter::calls
