#include "bundle_watch.h"

#include <sys/stat.h>

#include <utility>

namespace mesos_policy::adapter {

std::optional<FileSignature> SignatureOf(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return std::nullopt;
  FileSignature signature;
  signature.mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
  signature.size = static_cast<int64_t>(info.st_size);
  signature.inode = static_cast<uint64_t>(info.st_ino);
  return signature;
}

BundleWatch::BundleWatch(std::string path) : path_(std::move(path)), loaded_(SignatureOf(path_)) {}

bool BundleWatch::Check() {
  std::optional<FileSignature> now = SignatureOf(path_);
  if (!now || now == loaded_) {
    pending_.reset();
    return false;
  }
  if (now != pending_) {
    pending_ = now;  // changed: wait one more check for it to settle
    return false;
  }
  loaded_ = now;
  pending_.reset();
  return true;
}

}  // namespace mesos_policy::adapter
