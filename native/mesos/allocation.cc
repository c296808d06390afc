#include "allocation.h"

#include <glog/logging.h>

#include "convert.h"

namespace mesos_policy::adapter {
namespace {

// Why the entry cannot be offered as it is, or "".
std::string Malformed(const protocol::OfferEntry& entry) {
  if (entry.framework_id().empty() || entry.agent_id().empty() || entry.role().empty()) {
    return "an offer without framework, agent or role";
  }
  for (const protocol::Resource& resource : entry.resources()) {
    if (resource.allocation_info().role() != entry.role()) {
      return "resource '" + resource.name() + "' carries allocation role '" + resource.allocation_info().role() +
             "', not the offer's role '" + entry.role() + "'";
    }
  }
  return {};
}

}  // namespace

DecodedAllocation DecodeAllocation(const protocol::Allocation& allocation, const AllocatorMirror& mirror) {
  DecodedAllocation out;
  for (const protocol::OfferEntry& entry : allocation.offers()) {
    if (std::string why = Malformed(entry); !why.empty()) {
      out.rejected.push_back({entry, why, false});
      continue;
    }
    Try<mesos::Resources> resources = FromProtocol(entry.resources());
    if (resources.isError()) {
      out.rejected.push_back({entry, resources.error(), false});
      continue;
    }
    const mesos::FrameworkID frameworkId = FrameworkIdOf(entry.framework_id());
    const mesos::SlaveID agentId = AgentIdOf(entry.agent_id());
    if (mirror.excluded(frameworkId, entry.role(), agentId)) {
      out.rejected.push_back({entry, "the framework's offer constraints exclude this agent for the role", true});
      continue;
    }
    if (resources->empty()) continue;
    out.offers[frameworkId][entry.role()][agentId] += resources.get();
    out.offerEntries++;
  }
  for (const protocol::InverseOfferEntry& entry : allocation.inverse_offers()) {
    Try<mesos::Unavailability> unavailability = WireCopy<mesos::Unavailability>(entry.unavailability());
    if (entry.framework_id().empty() || entry.agent_id().empty() || unavailability.isError()) {
      out.inverseOfferErrors.push_back("inverse offer to framework '" + entry.framework_id() + "' on agent '" +
                                       entry.agent_id() + "': " +
                                       (unavailability.isError() ? unavailability.error() : "no framework or agent"));
      continue;
    }
    // Mesos's own allocator sends inverse offers with empty resources (the whole agent).
    out.inverseOffers[FrameworkIdOf(entry.framework_id())][AgentIdOf(entry.agent_id())] =
        mesos::UnavailableResources{mesos::Resources(), unavailability.get()};
  }
  return out;
}

hashmap<mesos::SlaveID, hashmap<mesos::FrameworkID, mesos::allocator::InverseOfferStatus>> DecodeInverseOfferStatuses(
    const protocol::InverseOfferStatuses& statuses) {
  hashmap<mesos::SlaveID, hashmap<mesos::FrameworkID, mesos::allocator::InverseOfferStatus>> out;
  for (const auto& agent : statuses.agents()) {
    for (const auto& status : agent.statuses()) {
      Try<mesos::allocator::InverseOfferStatus> copy = WireCopy<mesos::allocator::InverseOfferStatus>(status);
      if (copy.isError()) {
        LOG(WARNING) << "mesos-policy allocator: skipping an inverse offer status on agent " << agent.agent_id() << ": "
                     << copy.error();
        continue;
      }
      out[AgentIdOf(agent.agent_id())][copy->framework_id()] = copy.get();
    }
  }
  return out;
}

}  // namespace mesos_policy::adapter
