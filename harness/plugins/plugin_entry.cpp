#include "harness/plugins/plugin_entry.hpp"

#include <deque>
#include <map>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "harness/plugins/plugin_queue.hpp"
#include "harness/run/point_runner.hpp"
#include "harness/workloads/engine.hpp"
#include "harness/workloads/pingpong.hpp"

namespace qb {

namespace {

struct Bound {
  const qbench_queue_ops* ops;
  QueueTraits traits;
};

// name -> the plugin queue of that name; the runners find theirs by the
// point's queue name, since a table row's runner is a plain function.
std::map<std::string, Bound, std::less<>>& bindings() {
  static std::map<std::string, Bound, std::less<>> map;
  return map;
}

// Not `bind`: with a std::string argument, ADL prefers std::bind<Item>, which
// builds a bind object and binds nothing.
template <class Item>
void bind_queue(std::string_view name) {
  const auto it = bindings().find(name);
  if (it == bindings().end()) throw std::logic_error("no plugin queue named " + std::string(name));
  PluginQueue<Item>::bind(it->second.ops, it->second.traits);
}

template <int kBytes>
RepResult run_plugin(const PointParams& params, const std::vector<int>& cpus, const Clock& clock) {
  bind_queue<Payload<kBytes>>(params.queue);
  return run_repetition<PluginQueue<Payload<kBytes>>>(params, cpus, clock);
}

RepResult run_plugin_workload(const PointParams& params, const std::vector<int>& cpus, const Clock& clock) {
  bind_queue<Payload<8>>(params.queue);
  return run_workload<PluginQueue<Payload<8>>>(params, cpus, clock);
}

nlohmann::json run_plugin_pingpong(const PingpongParams& params, const Clock& clock) {
  bind_queue<Payload<8>>(params.queue);
  return run_pingpong<PluginQueue<Payload<8>>>(params, clock);
}

// What `qbench check` calls: the plugin's own functions, with the item size
// the context names.
struct ErasedContext {
  const qbench_queue_ops* ops;
  std::size_t item_bytes;
};

struct ErasedHandle {
  const qbench_queue_ops* ops;
  void* queue;
};

// Every context handed out; a deque, so that none moves, and each lives as
// long as the plugin: until the process ends.
std::deque<ErasedContext>& contexts() {
  static std::deque<ErasedContext> list;
  return list;
}

ErasedQueueOps erased_plugin(const qbench_queue_ops* ops, std::size_t item_bytes) {
  ErasedQueueOps erased;
  erased.context = &contexts().emplace_back(ErasedContext{ops, item_bytes});
  erased.create = [](const void* context, std::size_t capacity, std::string* error) -> void* {
    const auto* c = static_cast<const ErasedContext*>(context);
    char text[512] = "";
    void* q = c->ops->create(capacity, c->item_bytes, text, sizeof text);
    text[sizeof text - 1] = '\0';
    if (q == nullptr) {
      *error = text[0] != '\0' ? text : "the plugin's create returned NULL and gave no reason";
      return nullptr;
    }
    return new ErasedHandle{c->ops, q};
  };
  erased.destroy = [](void* handle) {
    const std::unique_ptr<ErasedHandle> h(static_cast<ErasedHandle*>(handle));
    h->ops->destroy(h->queue);
  };
  erased.try_push = [](void* handle, const void* item) {
    const auto* h = static_cast<const ErasedHandle*>(handle);
    return h->ops->try_push(h->queue, item) != 0;
  };
  erased.try_pop = [](void* handle, void* item) {
    const auto* h = static_cast<const ErasedHandle*>(handle);
    return h->ops->try_pop(h->queue, item) != 0;
  };
  return erased;
}

}  // namespace

QueueEntry plugin_entry(const qbench_queue_ops* ops, const QueueTraits& traits, std::string origin) {
  bindings().insert_or_assign(std::string(traits.name), Bound{ops, traits});
  const bool takes_8 = (ops->item_sizes & QBENCH_ITEM_8) != 0;
  const bool takes_64 = (ops->item_sizes & QBENCH_ITEM_64) != 0;
  const bool takes_256 = (ops->item_sizes & QBENCH_ITEM_256) != 0;
  QueueEntry entry{
      .traits = traits,
      .runs = {takes_8 ? &run_plugin<8> : nullptr, takes_64 ? &run_plugin<64> : nullptr,
               takes_256 ? &run_plugin<256> : nullptr},
      .check_capacity =
          [ops](std::size_t capacity) {
            char text[512] = "";
            if (ops->check_capacity != nullptr) {
              if (ops->check_capacity(capacity, text, sizeof text) == 0) return;
            } else {
              // No check of its own: ask create, with the smallest item it takes.
              const std::size_t bytes = (ops->item_sizes & QBENCH_ITEM_8) != 0 ? 8 : (ops->item_sizes & QBENCH_ITEM_64) != 0 ? 64 : 256;
              void* q = ops->create(capacity, bytes, text, sizeof text);
              if (q != nullptr) {
                ops->destroy(q);
                return;
              }
            }
            text[sizeof text - 1] = '\0';
            throw std::invalid_argument(text[0] != '\0' ? text : "refused by the plugin, which gave no reason");
          },
      .run_workload = takes_8 ? &run_plugin_workload : nullptr,
      .takes_elastic_config = false,
      .blocking_ops = false,
      .pingpong = takes_8 ? &run_plugin_pingpong : nullptr,
      .default_capacity = ops->default_capacity,
      .origin = std::move(origin),
  };
  const std::array<bool, 3> takes{takes_8, takes_64, takes_256};
  for (std::size_t i = 0; i < kPayloadSizes.size(); ++i) {
    if (takes[i]) entry.erased[i] = erased_plugin(ops, static_cast<std::size_t>(kPayloadSizes[i]));
  }
  return entry;
}

}  // namespace qb
