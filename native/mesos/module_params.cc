#include "module_params.h"

#include <mesos/mesos.pb.h>
#include <stout/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
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

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The whitespace-separated words of `text`.
std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (!IsBlank(c)) {
      word += c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// A URL the operator calls can go to: http or https, a host, a path (Mesos's is /api/v1).
bool LooksLikeHttpUrl(const std::string& url) {
  for (const std::string scheme : {"http://", "https://"}) {
    if (url.compare(0, scheme.size(), scheme) != 0) continue;
    const std::string rest = url.substr(scheme.size());
    const size_t slash = rest.find('/');
    return !rest.empty() && slash != 0 && slash != std::string::npos && rest.find_first_of(" \t\r\n") == std::string::npos;
  }
  return false;
}

// Cross-parameter rules of the operator-API credentials, after every parameter was read.
std::string CheckOperatorCredentials(const std::set<std::string>& seen, ModuleConfig* config,
                                     const std::string& principal, const std::string& secret) {
  const bool hasPrincipal = seen.count("operator_principal") > 0;
  const bool hasSecret = seen.count("operator_secret") > 0;
  if (seen.count("operator_credential") > 0 && (hasPrincipal || hasSecret)) {
    return "parameter 'operator_credential' cannot be combined with 'operator_principal'/'operator_secret': give one form";
  }
  if (hasSecret && !hasPrincipal) return "parameter 'operator_secret' needs 'operator_principal'";
  if (hasPrincipal) config->operator_credential = OperatorCredential{principal, secret};
  return "";
}

}  // namespace

CredentialOutcome ParseCredential(const std::string& text) {
  size_t first = 0;
  while (first < text.size() && IsBlank(text[first])) first++;
  if (first == text.size()) return {std::nullopt, "it is empty"};
  if (text[first] == '{') {
    Try<JSON::Object> json = JSON::parse<JSON::Object>(text);
    if (json.isError()) return {std::nullopt, "it is not valid JSON: " + json.error()};
    Result<JSON::String> principal = json->at<JSON::String>("principal");
    if (!principal.isSome() || principal->value.empty()) {
      const bool list = json->values.count("credentials") > 0;  // the master's --credentials form
      return {std::nullopt, list ? "it holds a \"credentials\" list; give one {\"principal\", \"secret\"} object"
                                 : "its JSON has no \"principal\" string"};
    }
    Result<JSON::String> secret = json->at<JSON::String>("secret");
    if (secret.isError()) return {std::nullopt, "its \"secret\" is not a string"};
    return {OperatorCredential{principal->value, secret.isSome() ? secret->value : ""}, ""};
  }
  // The older text form: the first non-empty line is "principal secret".
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> words = Words(line);
    if (words.empty()) continue;
    if (words.size() != 2) return {std::nullopt, "its first line is not 'principal secret'"};
    return {OperatorCredential{words[0], words[1]}, ""};
  }
  return {std::nullopt, "it is empty"};
}

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
  std::string operatorPrincipal;
  std::string operatorSecret;
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
    } else if (key == "spin_wait_us") {
      const auto max = static_cast<unsigned long long>(bridge::RuntimeOptions::kMaxSpinWait.count());
      auto us = value == "0" ? std::optional<unsigned long long>(0) : ParsePositive(value, max);
      if (!us) {
        return fail("parameter 'spin_wait_us' must be 0 (no spinning) or a number of microseconds up to " +
                    std::to_string(max) + ", not " + Quoted(value));
      }
      config.spin_wait = std::chrono::microseconds(*us);
    } else if (key == "operator_api_url" && kind == ModuleKind::kAllocator) {
      if (!LooksLikeHttpUrl(value)) {
        return fail("parameter 'operator_api_url' must be an http:// or https:// URL with a path (Mesos's: http://host:5050/api/v1), not " + Quoted(value));
      }
      config.operator_api_url = value;
    } else if (key == "operator_principal" && kind == ModuleKind::kAllocator) {
      if (value.empty() || Words(value).size() != 1 || value.find(':') != std::string::npos) {
        return fail("parameter 'operator_principal' must be one word without ':' (HTTP Basic), not " + Quoted(value));
      }
      operatorPrincipal = value;
    } else if (key == "operator_secret" && kind == ModuleKind::kAllocator) {
      operatorSecret = value;
    } else if (key == "operator_credential" && kind == ModuleKind::kAllocator) {
      std::ifstream file(value);
      if (value.empty() || !file) {
        return fail("parameter 'operator_credential': cannot read the credential file " + Quoted(value));
      }
      const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
      if (file.bad()) return fail("parameter 'operator_credential': cannot read the credential file " + Quoted(value));
      CredentialOutcome credential = ParseCredential(text);
      if (!credential.credential) {
        return fail("parameter 'operator_credential': " + Quoted(value) + " is not a Mesos credential file: " + credential.error);
      }
      if (credential.credential->principal.find(':') != std::string::npos) {
        return fail("parameter 'operator_credential': the principal in " + Quoted(value) + " contains ':', which HTTP Basic cannot carry");
      }
      config.operator_credential = credential.credential;
    } else if (key == "operator_timeout_ms" && kind == ModuleKind::kAllocator) {
      auto ms = ParsePositive(value, kMaxMs);
      if (!ms) return fail("parameter 'operator_timeout_ms' must be a positive number of milliseconds, not " + Quoted(value));
      config.operator_timeout = std::chrono::milliseconds(*ms);
    } else {
      return fail("unknown parameter " + Quoted(key) + " (known: policy, heap_mb, call_timeout_ms, on_error, log_level, reload_check_ms, spin_wait_us" +
                  (kind == ModuleKind::kIsolator    ? ", watch_interval_ms, work_dir)"
                   : kind == ModuleKind::kAllocator ? ", operator_api_url, operator_principal, operator_secret, "
                                                      "operator_credential, operator_timeout_ms)"
                                                    : ")"));
    }
  }
  if (config.policy.empty()) return fail("parameter 'policy' is missing: give the path of a policy bundle");
  std::string credentials = CheckOperatorCredentials(seen, &config, operatorPrincipal, operatorSecret);
  if (!credentials.empty()) return fail(credentials);
  return ParseOutcome{std::move(config), {}};
}

ParameterList FromMesos(const mesos::Parameters& parameters) {
  ParameterList list;
  for (const mesos::Parameter& parameter : parameters.parameter()) list.emplace_back(parameter.key(), parameter.value());
  return list;
}

}  // namespace mesos_policy::adapter
