// A queue behind plain function pointers, whatever it is: one of ours, a
// peer's, a user's header or a plugin's. `qbench check` drives every queue
// through this one form, so that its verdicts mean the same for all of them;
// it times nothing, so the indirection costs it nothing that matters.
#pragma once

#include <cstddef>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "queues/queue.hpp"

namespace qb {

struct ErasedQueueOps {
  // A new queue of `capacity`, or nullptr with the queue's own reason in
  // `*error` when it refuses the capacity. `context` is the entry's.
  void* (*create)(const void* context, std::size_t capacity, std::string* error) = nullptr;
  void (*destroy)(void* queue) = nullptr;
  // Copy one item of the entry's payload size in or out; never wait.
  bool (*try_push)(void* queue, const void* item) = nullptr;
  bool (*try_pop)(void* queue, void* item) = nullptr;
  const void* context = nullptr;
};

// The ops of queue type Q (items of Q::value_type, trivially copyable).
template <class Q>
ErasedQueueOps erase_queue() {
  using Item = typename Q::value_type;
  ErasedQueueOps ops;
  ops.create = [](const void*, std::size_t capacity, std::string* error) -> void* {
    try {
      return new Q(capacity);
    } catch (const std::invalid_argument& e) {
      *error = e.what();
    } catch (const std::bad_alloc&) {
      *error = "out of memory";
    }
    return nullptr;
  };
  ops.destroy = [](void* q) { delete static_cast<Q*>(q); };
  ops.try_push = [](void* q, const void* item) {
    return static_cast<Q*>(q)->try_push(Item(*static_cast<const Item*>(item)));
  };
  ops.try_pop = [](void* q, void* item) { return static_cast<Q*>(q)->try_pop(*static_cast<Item*>(item)); };
  return ops;
}

}  // namespace qb
