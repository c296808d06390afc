// The engine's Allocation, regrouped for the master's callbacks: offers as framework → role → agent
// → Resources (every resource tagged with allocation_info.role, as Mesos requires) and inverse offers
// as framework → agent → UnavailableResources. An entry that cannot be handed to Mesos (no ids, a
// resource of another role, resources that do not validate, a shared list the allocation does not
// hold, or an agent the framework's offer constraints exclude) is kept aside with the reason, so its
// resources can go back to the engine.
//
// Offers that carry the same resources name one Allocation.shared_resources list (protocol 2): each
// such list is checked and converted to mesos::Resources once, and its offers get copies of it.
#pragma once

#include <mesos/allocator/allocator.hpp>
#include <mesos/maintenance/maintenance.hpp>
#include <stout/hashmap.hpp>

#include <string>
#include <vector>

#include "allocator_mirror.h"
#include "bridge.pb.h"

namespace mesos_policy::adapter {

using OfferMap = hashmap<std::string, hashmap<mesos::SlaveID, mesos::Resources>>;
using InverseOfferMap = hashmap<mesos::SlaveID, mesos::UnavailableResources>;

struct DecodedAllocation {
  hashmap<mesos::FrameworkID, OfferMap> offers;
  hashmap<mesos::FrameworkID, InverseOfferMap> inverseOffers;
  size_t offerEntries = 0;  // (framework, role, agent) entries accepted

  struct Rejected {
    protocol::OfferEntry entry;  // with the shared list it names copied into `resources`
    std::string why;
    bool constraints = false;  // excluded by offer constraints (the entry itself is well-formed)
    // What was offered is unknown (a shared list the allocation does not hold, or both a list and
    // resources of its own): nothing can be given back; the engine's view needs a resync.
    bool unknown = false;
  };
  std::vector<Rejected> rejected;
  std::vector<std::string> inverseOfferErrors;
};

DecodedAllocation DecodeAllocation(const protocol::Allocation& allocation, const AllocatorMirror& mirror);

// Statuses from GetInverseOfferStatuses, keyed as the master wants them; entries that do not
// convert are skipped with a logged warning.
hashmap<mesos::SlaveID, hashmap<mesos::FrameworkID, mesos::allocator::InverseOfferStatus>> DecodeInverseOfferStatuses(
    const protocol::InverseOfferStatuses& statuses);

}  // namespace mesos_policy::adapter
