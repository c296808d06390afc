// The machine's own floor for a hook-shaped round trip: what this host adds to the tail of a call
// when neither the bridge nor V8 is involved (bench/native/bridge_latency.cc reports it beside the
// hook call's figures, so that a run on a noisy VM can be told from a slower bridge).
#pragma once

#include <vector>

namespace mesos_policy::bench {

// Two plain threads hand a job back and forth `calls` times, both spinning all along (never
// sleeping, so no wake-up is ever needed): the calling thread works `caller_us` before each hand-off
// and the other `server_us` before answering, as a host thread builds a hook call and the policy
// loop serves it. The work is a fixed amount of arithmetic, calibrated once, so a thread that loses
// its CPU (to the hypervisor, a kernel thread, another process) takes longer, as a real call would.
// Returns each round trip in µs.
std::vector<double> HandOffRoundTrips(double caller_us, double server_us, int calls);

}  // namespace mesos_policy::bench
