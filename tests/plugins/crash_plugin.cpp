// libqb_test_crash.so: two plugin queues that die mid-run, to show that a
// plugin which crashes or hangs fails its own point (each point runs in its
// own process, under a timeout) and the sweep goes on to the next:
//   crash_on_pop   try_pop calls abort() once 1000 pops have succeeded;
//   hang_on_push   try_push spins forever once 1000 pushes have succeeded
//                  (outside the lock: consumers keep seeing an empty queue).
// Until then each is the correct mutex ring of mutex_ring.hpp.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <mutex>

#include "mutex_ring.hpp"

namespace {

using qb::test_plugin::MutexRing;

constexpr std::uint64_t kHealthyCalls = 1000;

int crash_pop(void* queue, void* item) noexcept {
  auto& ring = *static_cast<MutexRing*>(queue);
  std::lock_guard lock(ring.mutex);
  if (ring.pops == kHealthyCalls) std::abort();
  if (ring.count == 0) return 0;
  ring.pop_locked(item);
  ++ring.pops;
  return 1;
}

// Never set: the spin below loads it so that the loop has a side effect (an
// atomic load) and the compiler may not assume it ends.
std::atomic<bool> never{false};

int hang_push(void* queue, const void* item) noexcept {
  auto& ring = *static_cast<MutexRing*>(queue);
  {
    std::lock_guard lock(ring.mutex);
    if (ring.pushes < kHealthyCalls) {
      if (ring.count == ring.capacity) return 0;
      ring.push_locked(item);
      ++ring.pushes;
      return 1;
    }
  }
  // relaxed: nothing is ordered by a flag that never changes.
  while (!never.load(std::memory_order_relaxed)) {
  }
  return 0;
}

constexpr qbench_queue_ops kQueues[] = {
    qb::test_plugin::mutex_ring_ops("crash_on_pop", qb::test_plugin::correct_push, crash_pop),
    qb::test_plugin::mutex_ring_ops("hang_on_push", hang_push),
};

constexpr qbench_plugin kPlugin{
    .abi_version = QBENCH_PLUGIN_ABI_VERSION,
    .version = "qbench test plugin: crash and hang 1",
    .queue_count = std::size(kQueues),
    .queues = kQueues,
};

}  // namespace

QB_TEST_PLUGIN_EXPORT const qbench_plugin* qbench_plugin_describe(void) { return &kPlugin; }
