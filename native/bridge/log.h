// Where the runtime's own messages and the policy's console output go: the host's logger.
#pragma once

#include <functional>
#include <string>

namespace mesos_policy::bridge {

// Numeric values are shared with bootstrap.js.
enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// Called on the runtime's loop thread; must be thread-safe with respect to the host's other logging
// and must not call back into the runtime.
using LogFn = std::function<void(LogLevel, const std::string&)>;

const char* LogLevelName(LogLevel level);

// Writes "[mesos-policy LEVEL] message" to stderr: the default when the host gives no logger.
void LogToStderr(LogLevel level, const std::string& message);

}  // namespace mesos_policy::bridge
