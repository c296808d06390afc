// bootstrap.js, embedded at build time (CMake generates bootstrap_source.cc).
#pragma once

namespace mesos_policy::bridge {

extern const char kBootstrapSource[];

}  // namespace mesos_policy::bridge
