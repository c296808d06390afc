#include "node_environment.h"

#include "log.h"

namespace node {
// Exported by libnode.so.108 and used by its NewIsolate(allocator, loop, platform), but declared only
// in Node's internal headers: the one variant that takes CreateParams (hence ResourceConstraints).
// It applies Node's own isolate settings and keeps the constraints it is given.
v8::Isolate* NewIsolate(v8::Isolate::CreateParams* params, uv_loop_t* event_loop,
                        MultiIsolatePlatform* platform, bool has_snapshot_data);
}  // namespace node

namespace mesos_policy::bridge {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

}  // namespace

std::unique_ptr<NodeEnvironment> NodeEnvironment::Create(node::MultiIsolatePlatform* platform,
                                                         const std::vector<std::string>& args,
                                                         uint64_t flags, size_t heap_mb, std::string* error) {
  auto created = std::make_unique<NodeEnvironment>(Key{}, platform);
  *error = created->Init(args, flags, heap_mb);
  if (!error->empty()) return nullptr;
  return created;
}

std::string NodeEnvironment::Init(const std::vector<std::string>& args, uint64_t flags, size_t heap_mb) {
  int failed = uv_loop_init(&loop_);
  if (failed != 0) return std::string("initialising the event loop failed: ") + uv_strerror(failed);
  loop_open_ = true;

  allocator_ = node::ArrayBufferAllocator::Create();
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator_shared = allocator_;
  // Young and old generation sized from the budget, as --max-old-space-size would for the process.
  if (heap_mb != 0) params.constraints.ConfigureDefaultsFromHeapSize(0, heap_mb * kMiB);
  isolate_ = node::NewIsolate(&params, &loop_, platform_, false);
  if (isolate_ == nullptr) return "creating the V8 isolate failed";

  v8::Locker locker(isolate_);
  v8::Isolate::Scope isolate_scope(isolate_);
  isolate_data_ = node::CreateIsolateData(isolate_, &loop_, platform_, allocator_.get());
  v8::HandleScope handle_scope(isolate_);
  v8::Local<v8::Context> context = node::NewContext(isolate_);
  if (context.IsEmpty()) return "creating the V8 context failed";
  context_.Reset(isolate_, context);
  v8::Context::Scope context_scope(context);
  env_ = node::CreateEnvironment(isolate_data_, context, args, std::vector<std::string>{},
                                 static_cast<node::EnvironmentFlags::Flags>(flags));
  if (env_ == nullptr) return "creating the Node environment failed";
  return {};
}

// The order of node::CommonEnvironmentSetup's destructor: environment, isolate data, then the
// isolate once the platform has let go of it, then the loop.
NodeEnvironment::~NodeEnvironment() {
  if (isolate_ != nullptr) {
    {
      v8::Locker locker(isolate_);
      v8::Isolate::Scope isolate_scope(isolate_);
      context_.Reset();
      if (env_ != nullptr) node::FreeEnvironment(env_);
      if (isolate_data_ != nullptr) node::FreeIsolateData(isolate_data_);
    }
    bool platform_finished = false;
    platform_->AddIsolateFinishedCallback(
        isolate_, [](void* data) { *static_cast<bool*>(data) = true; }, &platform_finished);
    platform_->UnregisterIsolate(isolate_);
    isolate_->Dispose();
    while (!platform_finished) uv_run(&loop_, UV_RUN_ONCE);
  }
  if (loop_open_ && uv_loop_close(&loop_) != 0) {
    // A handle left open: a bug in the runtime's teardown.
    LogToStderr(LogLevel::kError, "the policy runtime's event loop still had open handles at shutdown");
  }
}

}  // namespace mesos_policy::bridge
