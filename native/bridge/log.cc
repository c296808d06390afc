#include "log.h"

#include <cstdio>

namespace mesos_policy::bridge {

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "?";
}

void LogToStderr(LogLevel level, const std::string& message) {
  std::fprintf(stderr, "[mesos-policy %s] %s\n", LogLevelName(level), message.c_str());
}

}  // namespace mesos_policy::bridge
