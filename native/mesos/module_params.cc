#include "module_params.h"

#include <mesos/mesos.pb.h>

#include <filesystem>
#include <set>
#include <system_error>

namespace mesos_policy::adapter {
namespace {

// Hooks run synchronously on the master's or agent's actor: keep them short by default. The
// allocator and isolator calls are asynchronous; a cycle over a large cluster takes longer.
std::chrono::milliseconds DefaultTimeout(ModuleKind kind) {
  switch (kind) {
    case ModuleKind::kHook: return std::chrono::milliseconds(1000);
    case ModuleKind::kAllocator: return std::chrono::milliseconds(5000);
    case ModuleKind::kIsolator: return std::chrono::milliseconds(5000);
  }
  return std::chrono::milliseconds(1000);
}

// A decimal integer in [1, max], nothing else (no sign, spaces or suffix).
std::optional<unsigned long long> ParsePositive(const std::string& text, unsigned long long max) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  unsigned long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > max) return std::nullopt;
  return value;
}

std::string Quoted(const std::string& text) { return "'" + text + "'"; }

}  // namespace

const char* ModuleKindName(ModuleKind kind) {
  switch (kind) {
    case ModuleKind::kAllocator: return "allocator";
    case ModuleKind::kHook: return "hook";
    case ModuleKind::kIsolator: return "isolator";
  }
  return "?";
}

ParseOutcome ParseModuleParameters(ModuleKind kind, const ParameterList& parameters) {
  constexpr unsigned long long kMaxHeapMb = 1ull << 20;          // 1 TiB
  constexpr unsigned long long kMaxMs = 24ull * 3600 * 1000;     // a day
  ModuleConfig config;
  config.kind = kind;
  config.call_timeout = DefaultTimeout(kind);
  std::set<std::string> seen;
  auto fail = [](std::string why) { return ParseOutcome{std::nullopt, std::move(why)}; };

  for (const auto& [key, value] : parameters) {
    if (!seen.insert(key).second) return fail("parameter " + Quoted(key) + " is given twice");
    if (key == "policy") {
      if (value.empty()) return fail("parameter 'policy' is empty: give the path of a policy bundle");
      std::error_code ec;
      std::filesystem::path path = std::filesystem::absolute(value, ec);
      if (ec || !std::filesystem::is_regular_file(path, ec)) {
        return fail("parameter 'policy': the policy bundle " + value + " does not exist or is not a file");
      }
      config.policy = path.lexically_normal().string();
    } else if (key == "heap_mb") {
      auto mb = ParsePositive(value, kMaxHeapMb);
      if (!mb) return fail("parameter 'heap_mb' must be a positive number of MiB, not " + Quoted(value));
      config.heap_mb = static_cast<size_t>(*mb);
    } else if (key == "call_timeout_ms") {
      auto ms = ParsePositive(value, kMaxMs);
      if (!ms) return fail("parameter 'call_timeout_ms' must be a positive number of milliseconds, not " + Quoted(value));
      config.call_timeout = std::chrono::milliseconds(*ms);
    } else if (key == "on_error") {
      if (value == "default") {
        config.on_error = OnError::kDefault;
      } else if (value == "fail") {
        config.on_error = OnError::kFail;
      } else {
        return fail("parameter 'on_error' must be 'default' or 'fail', not " + Quoted(value));
      }
    } else if (key == "log_level") {
      if (value == "debug") {
        config.log_level = bridge::LogLevel::kDebug;
      } else if (value == "info") {
        config.log_level = bridge::LogLevel::kInfo;
      } else if (value == "warning") {
        config.log_level = bridge::LogLevel::kWarning;
      } else if (value == "error") {
        config.log_level = bridge::LogLevel::kError;
      } else {
        return fail("parameter 'log_level' must be one of debug, info, warning, error, not " + Quoted(value));
      }
    } else if (key == "watch_interval_ms" && kind == ModuleKind::kIsolator) {
      auto ms = ParsePositive(value, kMaxMs);
      if (!ms) return fail("parameter 'watch_interval_ms' must be a positive number of milliseconds, not " + Quoted(value));
      config.watch_interval = std::chrono::milliseconds(*ms);
    } else if (key == "work_dir" && kind == ModuleKind::kIsolator) {
      std::error_code ec;
      std::filesystem::path path(value);
      if (value.empty() || !path.is_absolute() || !std::filesystem::is_directory(path, ec)) {
        return fail("parameter 'work_dir' must be the agent's --work_dir, an absolute path of a directory, not " + Quoted(value));
      }
      config.work_dir = path.lexically_normal().string();
      if (config.work_dir.size() > 1 && config.work_dir.back() == '/') config.work_dir.pop_back();
    } else if (key == "reload_check_ms") {
      // 0 turns the watch off explicitly (the default), so a manifest can say so.
      auto ms = value == "0" ? std::optional<unsigned long long>(0) : ParsePositive(value, kMaxMs);
      if (!ms) return fail("parameter 'reload_check_ms' must be 0 (off) or a positive number of milliseconds, not " + Quoted(value));
      config.reload_check = std::chrono::milliseconds(*ms);
    } else {
      return fail("unknown parameter " + Quoted(key) + " (known: policy, heap_mb, call_timeout_ms, on_error, log_level, reload_check_ms" +
                  (kind == ModuleKind::kIsolator ? ", watch_interval_ms, work_dir)" : ")"));
    }
  }
  if (config.policy.empty()) return fail("parameter 'policy' is missing: give the path of a policy bundle");
  return ParseOutcome{std::move(config), {}};
}

ParameterList FromMesos(const mesos::Parameters& parameters) {
  ParameterList list;
  for (const mesos::Parameter& parameter : parameters.parameter()) list.emplace_back(parameter.key(), parameter.value());
  return list;
}

}  // namespace mesos_policy::adapter
