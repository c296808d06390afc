// The allocator adapter's reading of shared resource lists (Allocation.shared_resources, protocol 2):
// offers naming a list get its resources, converted once; a unique list stays in its offer; a
// reference to no list, an entry with both, and a list tagged with another role are rejected with the
// reason (the rest of the reply still goes through); a rejected entry carries the list's resources,
// so they can go back to the engine. Part of mesos_adapter_test: adapter_test.cc's main calls
// AllocationChecks with its Check.
#include <mesos/allocator/allocator.hpp>
#include <mesos/resources.hpp>
#include <mesos/scheduler/scheduler.hpp>
#include <stout/bytes.hpp>

#include <string>

#include "allocation.h"
#include "allocator_mirror.h"
#include "convert.h"

using namespace mesos_policy::adapter;
namespace protocol = mesos_policy::protocol;

using CheckFunction = void (*)(bool ok, const std::string& name, const std::string& detail);

namespace {

CheckFunction checkFunction = nullptr;

void check(bool ok, const std::string& name, const std::string& detail = "") { checkFunction(ok, name, detail); }

mesos::Resources Allocated(const std::string& text, const std::string& role) {
  mesos::Resources resources = CHECK_NOTERROR(mesos::Resources::parse(text));
  resources.allocate(role);
  return resources;
}

protocol::OfferEntry* AddEntry(protocol::Allocation& allocation, const std::string& framework,
                               const std::string& role, const std::string& agent) {
  protocol::OfferEntry* entry = allocation.add_offers();
  entry->set_framework_id(framework);
  entry->set_role(role);
  entry->set_agent_id(agent);
  return entry;
}

// Adds a shared list; returns its 1-based index.
uint32_t AddShared(protocol::Allocation& allocation, const mesos::Resources& resources) {
  ToProtocol(resources, allocation.add_shared_resources()->mutable_resources());
  return static_cast<uint32_t>(allocation.shared_resources_size());
}

const mesos::Resources* Offered(const DecodedAllocation& decoded, const std::string& framework,
                                const std::string& role, const std::string& agent) {
  auto byRole = decoded.offers.find(FrameworkIdOf(framework));
  if (byRole == decoded.offers.end()) return nullptr;
  auto byAgent = byRole->second.find(role);
  if (byAgent == byRole->second.end()) return nullptr;
  auto resources = byAgent->second.find(AgentIdOf(agent));
  return resources == byAgent->second.end() ? nullptr : &resources->second;
}

std::string Whys(const DecodedAllocation& decoded) {
  std::string text;
  for (const auto& rejected : decoded.rejected) text += "[" + rejected.entry.agent_id() + ": " + rejected.why + "] ";
  return text;
}

void SharedAndInline() {
  AllocatorMirror mirror;
  protocol::Allocation allocation;
  const mesos::Resources alike = Allocated("cpus:8;mem:2082;disk:3072;ports:[31001-31061]", "*");
  const uint32_t list = AddShared(allocation, alike);
  for (const char* agent : {"a1", "a2", "a3"}) AddEntry(allocation, "f1", "*", agent)->set_shared_resources(list);
  AddEntry(allocation, "f2", "*", "a1")->set_shared_resources(list);
  const mesos::Resources unique = Allocated("cpus:1;mem:64", "*");
  ToProtocol(unique, AddEntry(allocation, "f2", "*", "a4")->mutable_resources());
  DecodedAllocation decoded = DecodeAllocation(allocation, mirror);
  check(decoded.offerEntries == 5 && decoded.rejected.empty(), "every offer naming a shared list is offered",
        std::to_string(decoded.offerEntries) + " " + Whys(decoded));
  bool all = true;
  for (const char* agent : {"a1", "a2", "a3"}) {
    const mesos::Resources* offered = Offered(decoded, "f1", "*", agent);
    all = all && offered != nullptr && *offered == alike;
  }
  const mesos::Resources* f2a1 = Offered(decoded, "f2", "*", "a1");
  check(all && f2a1 != nullptr && *f2a1 == alike, "each gets the list's resources, allocated to the role");
  const mesos::Resources* inline_ = Offered(decoded, "f2", "*", "a4");
  check(inline_ != nullptr && *inline_ == unique, "an offer with its own list keeps it");
}

void BadReferences() {
  AllocatorMirror mirror;
  protocol::Allocation allocation;
  const mesos::Resources web = Allocated("cpus:2;mem:256", "web");
  const uint32_t list = AddShared(allocation, web);
  AddEntry(allocation, "f1", "web", "a1")->set_shared_resources(list);
  AddEntry(allocation, "f1", "web", "a2")->set_shared_resources(list + 1);   // no such list
  AddEntry(allocation, "f1", "web", "a3")->set_shared_resources(1000000);    // far out
  protocol::OfferEntry* both = AddEntry(allocation, "f1", "web", "a4");      // a list and its own resources
  both->set_shared_resources(list);
  ToProtocol(web, both->mutable_resources());
  AddEntry(allocation, "f2", "db", "a5")->set_shared_resources(list);        // the list is web's
  AddEntry(allocation, "f2", "web", "a6")->set_shared_resources(list);
  DecodedAllocation decoded = DecodeAllocation(allocation, mirror);
  check(decoded.offerEntries == 2 && Offered(decoded, "f1", "web", "a1") != nullptr &&
            Offered(decoded, "f2", "web", "a6") != nullptr,
        "good references in the same reply are offered", Whys(decoded));
  check(decoded.rejected.size() == 4, "the four bad entries are rejected", Whys(decoded));
  if (decoded.rejected.size() != 4) return;
  check(decoded.rejected[0].why.find("shared resource list 2, but the allocation holds 1") != std::string::npos &&
            decoded.rejected[1].why.find("list 1000000") != std::string::npos && !decoded.rejected[0].constraints,
        "a reference to no list says which and how many there are", decoded.rejected[0].why);
  check(decoded.rejected[2].why.find("resources of its own") != std::string::npos, "an entry with both is rejected",
        decoded.rejected[2].why);
  check(decoded.rejected[0].unknown && decoded.rejected[1].unknown && decoded.rejected[2].unknown &&
            !decoded.rejected[3].unknown,
        "what those three offered is unknown (nothing to give back); a wrong role tag is known");
  check(decoded.rejected[3].why.find("allocation role 'web', not the offer's role 'db'") != std::string::npos,
        "a shared list tagged with another role is rejected for that offer", decoded.rejected[3].why);
  Try<mesos::Resources> givenBack = FromProtocol(decoded.rejected[3].entry.resources());
  check(givenBack.isSome() && givenBack.get() == web && decoded.rejected[3].entry.shared_resources() == 0,
        "a rejected entry carries the shared list's resources, to give back");
}

// Protocol 3: an entry without framework_id or role is for the previous entry's.
void CarriedOver() {
  AllocatorMirror mirror;
  protocol::Allocation allocation;
  const mesos::Resources any = Allocated("cpus:1;mem:64", "*");
  const mesos::Resources web = Allocated("cpus:2;mem:256", "web");
  const uint32_t anyList = AddShared(allocation, any);
  const uint32_t webList = AddShared(allocation, web);
  AddEntry(allocation, "f1", "*", "a1")->set_shared_resources(anyList);
  AddEntry(allocation, "", "", "a2")->set_shared_resources(anyList);
  AddEntry(allocation, "f2", "web", "a3")->set_shared_resources(webList);
  AddEntry(allocation, "", "", "a4")->set_shared_resources(webList);
  AddEntry(allocation, "", "", "a5")->set_shared_resources(anyList);  // tagged '*', carried role 'web'
  DecodedAllocation decoded = DecodeAllocation(allocation, mirror);
  check(decoded.offerEntries == 4 && Offered(decoded, "f1", "*", "a2") != nullptr &&
            Offered(decoded, "f2", "web", "a4") != nullptr && *Offered(decoded, "f2", "web", "a4") == web,
        "an entry without framework and role is the previous entry's", Whys(decoded));
  check(decoded.rejected.size() == 1 && decoded.rejected[0].entry.framework_id() == "f2" &&
            decoded.rejected[0].entry.role() == "web" && decoded.rejected[0].why.find("not the offer's role 'web'") != std::string::npos,
        "a rejected entry is given back with the framework and role it was carried over", Whys(decoded));

  protocol::Allocation first;
  AddEntry(first, "", "", "a1")->set_shared_resources(AddShared(first, any));
  DecodedAllocation none = DecodeAllocation(first, mirror);
  check(none.offerEntries == 0 && none.rejected.size() == 1 && none.rejected[0].why.find("none to carry over") != std::string::npos,
        "a first entry without framework or role is rejected", Whys(none));
}

void ExcludedByConstraints() {
  AllocatorMirror mirror;
  mesos::SlaveInfo h1;
  h1.set_hostname("h1");
  mesos::SlaveInfo h2;
  h2.set_hostname("h2");
  const mesos::Resources total = CHECK_NOTERROR(mesos::Resources::parse("cpus:4;mem:1024"));
  mirror.addAgent(AgentIdOf("a1"), AgentRecord{h1, {}, None(), total, {}, true});
  mirror.addAgent(AgentIdOf("a2"), AgentRecord{h2, {}, None(), total, {}, true});
  mesos::scheduler::OfferConstraints constraints;
  auto* attribute = (*constraints.mutable_role_constraints())["web"].add_groups()->add_attribute_constraints();
  attribute->mutable_selector()->set_pseudoattribute_type(mesos::scheduler::AttributeConstraint::Selector::HOSTNAME);
  attribute->mutable_predicate()->mutable_text_equals()->set_value("h1");
  mesos::allocator::FrameworkOptions options;
  options.offerConstraintsFilter = CHECK_NOTERROR(mesos::allocator::OfferConstraintsFilter::create(
      mesos::allocator::OfferConstraintsFilter::Options{{Megabytes(1), 100}}, std::move(constraints)));
  mesos::FrameworkInfo framework;
  framework.set_name("kafka");
  framework.add_roles("web");
  mirror.addFramework(FrameworkIdOf("f1"), framework, true, std::move(options));

  protocol::Allocation allocation;
  const mesos::Resources web = Allocated("cpus:1;mem:128", "web");
  const uint32_t list = AddShared(allocation, web);
  AddEntry(allocation, "f1", "web", "a1")->set_shared_resources(list);
  AddEntry(allocation, "f1", "web", "a2")->set_shared_resources(list);
  DecodedAllocation decoded = DecodeAllocation(allocation, mirror);
  check(decoded.offerEntries == 1 && Offered(decoded, "f1", "web", "a1") != nullptr, "the agent the constraints allow is offered",
        Whys(decoded));
  const bool rejected = decoded.rejected.size() == 1 && decoded.rejected[0].constraints;
  check(rejected && FromProtocol(decoded.rejected[0].entry.resources()).get() == web,
        "the excluded one is set aside with the shared list's resources", Whys(decoded));
}

}  // namespace

void AllocationChecks(CheckFunction function) {
  checkFunction = function;
  SharedAndInline();
  BadReferences();
  CarriedOver();
  ExcludedByConstraints();
}
