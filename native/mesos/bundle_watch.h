// BundleWatch: notices that the policy bundle file was replaced, for reload_check_ms. A change is
// acted on only once two checks in a row see the same new file (mtime, size, inode), so a bundle
// still being written is not loaded half-way; writing a temporary file and renaming it over the
// bundle is still the safe way to deploy. A check that cannot stat the file (mid-rename) waits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mesos_policy::adapter {

struct FileSignature {
  int64_t mtime_ns = 0;
  int64_t size = 0;
  uint64_t inode = 0;
  bool operator==(const FileSignature& other) const {
    return mtime_ns == other.mtime_ns && size == other.size && inode == other.inode;
  }
  bool operator!=(const FileSignature& other) const { return !(*this == other); }
};

// Nothing when the file cannot be stat'ed.
std::optional<FileSignature> SignatureOf(const std::string& path);

class BundleWatch {
 public:
  // Remembers the file as it is now: the version the module started with.
  explicit BundleWatch(std::string path);

  // One check: true when the file changed and stayed the same since the previous check. The new
  // version counts as seen from then on, whether its reload works or not (a broken bundle is not
  // retried until it changes again).
  bool Check();

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::optional<FileSignature> loaded_;
  std::optional<FileSignature> pending_;
};

}  // namespace mesos_policy::adapter
