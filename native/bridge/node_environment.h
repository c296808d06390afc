// One Node environment on its own isolate and event loop: what node::CommonEnvironmentSetup does,
// plus a heap budget. Node 18's CommonEnvironmentSetup creates its isolate with V8's default heap
// limits (or the process-wide --max-old-space-size); a per-runtime budget needs the isolate's
// ResourceConstraints, so the isolate is created here.
// Created, used and destroyed on one thread (the runtime's loop thread).
#pragma once

#include <node.h>
#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mesos_policy::bridge {

class NodeEnvironment {
  struct Key {};  // only Create() constructs

 public:
  // `heap_mb` zero: Node's defaults. Null with `*error` set when creation failed.
  static std::unique_ptr<NodeEnvironment> Create(node::MultiIsolatePlatform* platform,
                                                 const std::vector<std::string>& args, uint64_t flags,
                                                 size_t heap_mb, std::string* error);
  NodeEnvironment(Key, node::MultiIsolatePlatform* platform) : platform_(platform) {}
  ~NodeEnvironment();
  NodeEnvironment(const NodeEnvironment&) = delete;
  NodeEnvironment& operator=(const NodeEnvironment&) = delete;

  uv_loop_t* event_loop() { return &loop_; }
  v8::Isolate* isolate() const { return isolate_; }
  node::Environment* env() const { return env_; }
  v8::Local<v8::Context> context() const { return context_.Get(isolate_); }

 private:
  std::string Init(const std::vector<std::string>& args, uint64_t flags, size_t heap_mb);

  node::MultiIsolatePlatform* const platform_;
  uv_loop_t loop_{};
  bool loop_open_ = false;
  std::shared_ptr<node::ArrayBufferAllocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
  node::IsolateData* isolate_data_ = nullptr;
  v8::Global<v8::Context> context_;
  node::Environment* env_ = nullptr;
};

}  // namespace mesos_policy::bridge
