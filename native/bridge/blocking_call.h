// The caller's side of a call, shared by PolicyRuntime and the addon's test host: queue a request,
// wait for its answer until the deadline, and describe a deadline that passed.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "request.h"
#include "request_queue.h"

namespace mesos_policy::bridge {

// Asked, at a blocking caller's deadline, to stop the request's JavaScript if it is what runs;
// returns whether it did. Empty where nothing can be interrupted (the addon's test host).
using Interrupt = std::function<bool(const Request*)>;

// What a caller whose deadline passed is told, given the state its request was left in.
std::string DeadlineMessage(const std::string& method, std::chrono::milliseconds deadline,
                            Request::State left, bool interrupted);

// A blocking caller whose spin_wait ran out while the loop was already running its request spins on
// for this many spin_waits more (a hook whose JavaScript was slowed, by a scavenge or a vCPU
// preempted, answers soon after; bench: hook p99).
constexpr int kSpinWhileRunning = 2;

// Queues `request` (a blocking one) and waits for its answer until `deadline` from now, spinning
// first for the queue's spin_wait when a spin slot is free, longer once the loop runs it
// (kSpinWhileRunning).
// `not_serving` gives the message when the queue is closed.
Result BlockingCall(RequestQueue& queue, const std::shared_ptr<Request>& request,
                    std::chrono::milliseconds deadline, const Interrupt& interrupt,
                    const std::function<std::string()>& not_serving);

}  // namespace mesos_policy::bridge
