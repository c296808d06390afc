// Node's once-per-process initialisation (V8 and the platform), shared by every runtime in the
// process. V8 cannot be initialised twice, so it is never torn down: reloading a policy means a new
// environment on the same platform.
#pragma once

#include <string>
#include <vector>

namespace node {
class MultiIsolatePlatform;
}

namespace mesos_policy::bridge {

// Initialises Node on first use with `args` (Node/V8 options such as --v8-pool-size=2 or
// --max-old-space-size=256; later calls ignore theirs) and returns the platform, or nullptr with
// `*error` set. Thread-safe.
node::MultiIsolatePlatform* NodePlatform(const std::vector<std::string>& args, std::string* error);

}  // namespace mesos_policy::bridge
