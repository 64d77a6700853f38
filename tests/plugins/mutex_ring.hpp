// The small ring the test plugins share: a bounded MPMC FIFO of item_size-byte
// slots behind one mutex, and the C ABI glue around it. Each test plugin
// (broken_plugin.cpp, bad_plugin.cpp, crash_plugin.cpp) bends one thing of it
// on purpose; everything else stays correct, so a test sees that one fault.
//
// Invariants, under `mutex`: the ring holds `count` items, the oldest in slot
// `head`, the next in slot head + 1 and so on (slot(i) takes i % capacity);
// `pushes` and `pops` count the successful calls since create.
// Progress: blocking (one lock); neither operation waits for space or items.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <vector>

#include "qbench/queue_plugin.h"

namespace qb::test_plugin {

struct MutexRing {
  MutexRing(std::size_t slots, std::size_t slot_bytes)
      : capacity(slots), item_size(slot_bytes), bytes(slots * slot_bytes) {}

  unsigned char* slot(std::size_t index) { return bytes.data() + (index % capacity) * item_size; }

  // Both under `mutex`, the caller having checked for space (an item).
  void push_locked(const void* item) {
    std::memcpy(slot(head + count), item, item_size);
    ++count;
  }
  void pop_locked(void* item) {
    std::memcpy(item, slot(head), item_size);
    head = (head + 1) % capacity;
    --count;
  }

  std::mutex mutex;
  const std::size_t capacity;
  const std::size_t item_size;
  std::size_t head = 0;
  std::size_t count = 0;
  std::uint64_t pushes = 0;
  std::uint64_t pops = 0;
  std::vector<unsigned char> bytes;
};

inline void write_error(char* error, std::size_t error_size, const char* message) noexcept {
  if (error != nullptr && error_size > 0) std::snprintf(error, error_size, "%s", message);
}

// The widest item qbench moves: a capacity whose slots overflow at it is refused.
inline constexpr std::size_t kMaxItem = 256;

// create for a ring type R (MutexRing, or one with the same constructor).
template <class R>
void* create_ring(std::size_t capacity, std::size_t item_size, char* error,
                  std::size_t error_size) noexcept {
  if (capacity == 0 || capacity > SIZE_MAX / kMaxItem) {
    write_error(error, error_size, "capacity must be between 1 and SIZE_MAX / 256");
    return nullptr;
  }
  try {
    return new R(capacity, item_size);
  } catch (const std::exception& e) {  // bad_alloc, or R's own refusal
    write_error(error, error_size, e.what());
    return nullptr;
  }
}

template <class R>
void destroy_ring(void* queue) noexcept {
  delete static_cast<R*>(queue);
}

// The correct operations, for the queues whose fault lies elsewhere.
inline int correct_push(void* queue, const void* item) noexcept {
  auto& ring = *static_cast<MutexRing*>(queue);
  std::lock_guard lock(ring.mutex);
  if (ring.count == ring.capacity) return 0;
  ring.push_locked(item);
  ++ring.pushes;
  return 1;
}

inline int correct_pop(void* queue, void* item) noexcept {
  auto& ring = *static_cast<MutexRing*>(queue);
  std::lock_guard lock(ring.mutex);
  if (ring.count == 0) return 0;
  ring.pop_locked(item);
  ++ring.pops;
  return 1;
}

using PushFn = int (*)(void*, const void*);
using PopFn = int (*)(void*, void*);

// A MutexRing queue's description: MANY/MANY, blocking, FIFO, any item size,
// capacity required (1024 by default). check_capacity is NULL, which the ABI
// allows, so the test plugins also cover a loader that finds none.
constexpr qbench_queue_ops mutex_ring_ops(const char* name, PushFn push = correct_push,
                                          PopFn pop = correct_pop) {
  return qbench_queue_ops{
      .name = name,
      .bounded = 1,
      .producers = QBENCH_MANY,
      .consumers = QBENCH_MANY,
      .progress = QBENCH_PROGRESS_BLOCKING,
      .order = QBENCH_ORDER_FIFO,
      .capacity_required = 1,
      .default_capacity = 1024,
      .item_sizes = QBENCH_ITEM_ANY,
      .create = create_ring<MutexRing>,
      .destroy = destroy_ring<MutexRing>,
      .try_push = push,
      .try_pop = pop,
      .check_capacity = nullptr,
  };
}

}  // namespace qb::test_plugin

// The entry point's declaration with default visibility (the test plugins are
// built with hidden visibility, like the example plugin).
#define QB_TEST_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
