#include "allocation.h"

#include <glog/logging.h>

#include <string>
#include <vector>

#include "convert.h"

namespace mesos_policy::adapter {
namespace {

using ResourceList = google::protobuf::RepeatedPtrField<protocol::Resource>;

// Why resources offered to `role` cannot be, or "": every one must carry the offer's role.
std::string WrongRole(const ResourceList& resources, const std::string& role) {
  for (const protocol::Resource& resource : resources) {
    if (resource.allocation_info().role() != role) {
      return "resource '" + resource.name() + "' carries allocation role '" + resource.allocation_info().role() +
             "', not the offer's role '" + role + "'";
    }
  }
  return {};
}

// One Allocation.shared_resources list, checked and converted when an offer first names it.
struct SharedList {
  const ResourceList* resources = nullptr;
  bool checked = false;
  std::string role;        // of its first resource: the offers naming it must be to that role
  std::string wrongRole;   // why not every resource carries `role`, or ""
  Try<mesos::Resources> converted = mesos::Resources();
};

class SharedLists {
 public:
  explicit SharedLists(const protocol::Allocation& allocation) : lists_(allocation.shared_resources_size()) {
    for (int i = 0; i < allocation.shared_resources_size(); i++) lists_[i].resources = &allocation.shared_resources(i).resources();
  }

  // The list `entry` names (1-based), or nullptr with `why` set when there is no such list.
  SharedList* named(const protocol::OfferEntry& entry, std::string* why) {
    const uint32_t index = entry.shared_resources();
    if (index > lists_.size()) {
      *why = "the offer names shared resource list " + std::to_string(index) + ", but the allocation holds " +
             std::to_string(lists_.size());
      return nullptr;
    }
    SharedList& list = lists_[index - 1];
    if (!list.checked) {
      list.checked = true;
      if (!list.resources->empty()) list.role = list.resources->Get(0).allocation_info().role();
      list.wrongRole = WrongRole(*list.resources, list.role);
      if (list.wrongRole.empty()) list.converted = FromProtocol(*list.resources);
    }
    return &list;
  }

 private:
  std::vector<SharedList> lists_;
};

}  // namespace

DecodedAllocation DecodeAllocation(const protocol::Allocation& allocation, const AllocatorMirror& mirror) {
  DecodedAllocation out;
  SharedLists shared(allocation);
  // Protocol 3: an entry without framework_id or role is for the previous entry's.
  std::string entryFramework;
  std::string entryRole;
  // The entry as the engine offered it (its framework and role filled in, a shared list copied in),
  // for giving it back.
  auto reject = [&](const protocol::OfferEntry& entry, const SharedList* list, std::string why, bool constraints,
                    bool unknown = false) {
    out.rejected.push_back({entry, std::move(why), constraints, unknown});
    protocol::OfferEntry& copy = out.rejected.back().entry;
    copy.set_framework_id(entryFramework);
    copy.set_role(entryRole);
    if (list != nullptr) {
      *copy.mutable_resources() = *list->resources;
      copy.clear_shared_resources();
    }
  };
  mesos::FrameworkID frameworkId;
  std::string role;
  hashmap<mesos::SlaveID, mesos::Resources>* byAgent = nullptr;  // out.offers[frameworkId][role]
  for (const protocol::OfferEntry& entry : allocation.offers()) {
    if (!entry.framework_id().empty()) entryFramework = entry.framework_id();
    if (!entry.role().empty()) entryRole = entry.role();
    if (entryFramework.empty() || entry.agent_id().empty() || entryRole.empty()) {
      reject(entry, nullptr, "an offer without framework, agent or role (none to carry over from the entry before)", false);
      continue;
    }
    const SharedList* list = nullptr;
    Try<mesos::Resources> own = mesos::Resources();
    if (entry.shared_resources() != 0) {
      std::string why;
      list = shared.named(entry, &why);
      if (list == nullptr) {
        reject(entry, nullptr, why, false, true);
        continue;
      }
      if (!entry.resources().empty()) {
        reject(entry, nullptr, "the offer names a shared resource list and lists resources of its own", false, true);
        continue;
      }
      if (std::string why = list->role == entryRole ? list->wrongRole : WrongRole(*list->resources, entryRole);
          !why.empty()) {
        reject(entry, list, why, false);
        continue;
      }
    } else {
      if (std::string why = WrongRole(entry.resources(), entryRole); !why.empty()) {
        reject(entry, nullptr, why, false);
        continue;
      }
      own = FromProtocol(entry.resources());
    }
    const Try<mesos::Resources>& resources = list != nullptr ? list->converted : own;
    if (resources.isError()) {
      reject(entry, list, resources.error(), false);
      continue;
    }
    // The engine lists a framework's entries together, role by role: its id and map are found once.
    if (byAgent == nullptr || entryFramework != frameworkId.value() || entryRole != role) {
      frameworkId = FrameworkIdOf(entryFramework);
      role = entryRole;
      byAgent = nullptr;
    }
    const mesos::SlaveID agentId = AgentIdOf(entry.agent_id());
    if (mirror.excluded(frameworkId, role, agentId)) {
      reject(entry, list, "the framework's offer constraints exclude this agent for the role", true);
      continue;
    }
    if (resources->empty()) continue;
    if (byAgent == nullptr) byAgent = &out.offers[frameworkId][role];
    // A copy of a shared list shares its resources (mesos::Resources holds them by shared pointer);
    // adding to an empty slot would re-add them one by one.
    mesos::Resources& offered = (*byAgent)[agentId];
    if (offered.empty()) {
      offered = resources.get();
    } else {
      offered += resources.get();
    }
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
