// A plugin's queue (include/qbench/queue_plugin.h) as a Queue the harness's
// templates run like any other. A plugin's traits are known only once it is
// loaded, so the type carries them in statics that bind() sets before a
// repetition builds the queue: each repetition runs one queue, in its own
// child process (or, in tests, one at a time).
//
// The cost over a built-in queue is the C ABI's: an indirect call per
// try_push and per try_pop, the item passed by address and copied by the
// plugin, and no inlining across the boundary (README, "Bring your own queue",
// has the measured figure).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include "qbench/queue_plugin.h"
#include "queues/queue.hpp"

namespace qb {

template <class Item>
class PluginQueue {
 public:
  using value_type = Item;
  // The bound queue's traits: read by the run skeleton after construction.
  static inline QueueTraits traits{};

  static void bind(const qbench_queue_ops* ops, const QueueTraits& bound_traits) {
    ops_ = ops;
    traits = bound_traits;
  }

  explicit PluginQueue(std::size_t capacity)
      : push_(ops_->try_push), pop_(ops_->try_pop), destroy_(ops_->destroy) {
    char error[512] = "";
    queue_ = ops_->create(capacity, sizeof(Item), error, sizeof error);
    error[sizeof error - 1] = '\0';  // a plugin that wrote past its limit is not trusted to terminate
    if (queue_ == nullptr) {
      throw std::invalid_argument(error[0] != '\0' ? std::string(error)
                                                   : std::string("the plugin's create returned NULL and gave no reason"));
    }
  }
  ~PluginQueue() { destroy_(queue_); }
  PluginQueue(const PluginQueue&) = delete;
  PluginQueue& operator=(const PluginQueue&) = delete;

  // The function pointers are copied into the object so that a call loads
  // them from the queue's own line rather than through ops_.
  bool try_push(Item&& item) { return push_(queue_, &item) != 0; }
  bool try_pop(Item& item) { return pop_(queue_, &item) != 0; }

 private:
  static inline const qbench_queue_ops* ops_ = nullptr;
  int (*push_)(void*, const void*);
  int (*pop_)(void*, void*);
  void (*destroy_)(void*);
  void* queue_ = nullptr;
};

}  // namespace qb
