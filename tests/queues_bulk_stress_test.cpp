// The bulk calls (qb::BulkQueue) of qbench's own queues that have them
// (OwnBulkQueues, tests/test_support.hpp) under contention: producers and
// consumers mixing bulk calls of every run length with single calls
// (stress_driver.hpp's push_batch and pop_batch) deliver every item once, in
// each producer's order, tracked elements included; and consumers taking
// runs of a segmented queue's blocks at once free every block. On one
// thread: queues_bulk_test.cpp.
#include <gtest/gtest.h>

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <thread>
#include <vector>

#include "queues/registry.hpp"
#include "tests/stress_driver.hpp"
#include "tests/test_support.hpp"

namespace qb::test {
namespace {

template <class Q>
class BulkStress : public ::testing::Test {};

TYPED_TEST_SUITE(BulkStress, OwnBulkQueues<::testing::Types>);

// Which n each call of a stress run asks for: runs of every length from 1
// (a single call) past a segmented block (31 slots) and past the tiny rings.
constexpr std::size_t kRuns[] = {1, 2, 3, 5, 1, 8, 13, 31, 1, 32, 64};
std::size_t run_length(int thread, std::uint64_t count) {
  return kRuns[(count * 7 + static_cast<std::uint64_t>(thread) * 3) % std::size(kRuns)];
}

template <class Q>
void bulk_stress(int producers, int consumers, Pressure pressure, std::uint64_t divisor = 1) {
  if (const char* why = unsupported_reason(Q::traits, producers, consumers)) GTEST_SKIP() << why;
  const std::size_t capacity = pressure == Pressure::tiny ? tiny_capacity<Q>() : roomy_capacity<Q>();
  auto queue = make<Q>(capacity);
  const StressPlan plan{
      .producers = producers,
      .consumers = consumers,
      .items_per_producer = stress_counts(producers, pressure) / divisor,
      .push_batch = run_length,
      .pop_batch = run_length,
  };
  const StressOutcome outcome = run_stress(*queue, plan);
  const DeliveryReport report = check_delivery(
      outcome.popped, {.producers = static_cast<std::uint32_t>(producers),
                       .items_per_producer = plan.items_per_producer,
                       .ordered = promises_per_producer_order(Q::traits)});
  SCOPED_TRACE(::testing::Message() << Q::traits.name << " p" << producers << "c" << consumers << " capacity "
                                    << capacity << ", " << outcome.elapsed.count() << " s");
  EXPECT_FALSE(outcome.stalled) << "no progress for " << plan.stall_limit.count() << " ms";
  EXPECT_EQ(outcome.left_over, 0u) << "items still queued after every item was received";
  EXPECT_TRUE(report.clean()) << report;
}

TYPED_TEST(BulkStress, mixed_calls_deliver_every_item_once_p1c1) { bulk_stress<TypeParam>(1, 1, Pressure::roomy); }
TYPED_TEST(BulkStress, mixed_calls_deliver_every_item_once_p4c4) { bulk_stress<TypeParam>(4, 4, Pressure::roomy); }
TYPED_TEST(BulkStress, mixed_calls_deliver_every_item_once_at_tiny_capacity_p3c3) {
  bulk_stress<TypeParam>(3, 3, Pressure::tiny);
}
TYPED_TEST(BulkStress, mixed_calls_move_tracked_items_once_p4c4) {
  using Q = rebind_t<TypeParam, Tracked>;
  if constexpr (!kHoldsElement<Q>) {
    GTEST_SKIP() << kUnsupportedElementReason<Q>;
  } else {
    auto& ledger = LifetimeLedger::instance();
    ledger.clear_errors();
    const std::size_t live_before = ledger.live();
    bulk_stress<Q>(4, 4, Pressure::tiny, 4);  // the ledger locks per object: a quarter of the items
    EXPECT_EQ(ledger.live(), live_before) << "Tracked objects leaked";
    EXPECT_EQ(ledger.error_count(), 0u) << ledger.errors();
  }
}

// Bytes the main thread's malloc arena has handed out and not got back.
std::size_t main_arena_in_use() { return mallinfo2().uordblks; }

// Consumers on several threads take runs of slots (and whole blocks) while
// this thread pushes, so a block's slots are released by several readers at
// once, each holding several. Every block must be freed while the queue
// lives: with it empty, this thread's arena (where its pushes allocated)
// holds what it held before, within 64 KiB (the current block, and blocks
// freed into a consumer's malloc cache: about 8 KiB seen, the same at 300k
// and at 3M items; segmented leaking each block would leave 7 MiB). Under a
// sanitizer the allocator is not glibc's, so the heap is left to
// LeakSanitizer and the run to TSan and ASan.
TYPED_TEST(BulkStress, bulk_pops_on_several_threads_free_every_block) {
  const int consumers = TypeParam::traits.consumers == Multiplicity::many ? 3 : 1;
  auto q = make<TypeParam>(roomy_capacity<TypeParam>());
  const std::uint64_t total = kUnderSanitizer ? 30'000 : 300'000;
  std::vector<std::vector<Item>> popped(static_cast<std::size_t>(consumers));
  for (auto& mine : popped) mine.reserve(total);  // before the count: no allocation on the way
  std::atomic<std::uint64_t> received{0};  // relaxed: a count; the items travel in the queue
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(consumers));
  const std::size_t before = main_arena_in_use();
  for (int c = 0; c < consumers; ++c) {
    pool.emplace_back([&, c] {
      auto& mine = popped[static_cast<std::size_t>(c)];
      Item run[64];
      while (received.load(std::memory_order_relaxed) < total) {
        const std::size_t k = q->try_pop_bulk(run, run_length(c, mine.size()));
        mine.insert(mine.end(), run, run + k);
        received.fetch_add(k, std::memory_order_relaxed);
        if (k == 0) std::this_thread::yield();
      }
    });
  }
  Item run[64];
  for (std::uint64_t seq = 0; seq < total;) {
    const std::size_t n = std::min<std::uint64_t>(run_length(0, seq), total - seq);
    for (std::size_t i = 0; i < n; ++i) run[i] = Item{0, seq + i};
    const std::size_t k = q->try_push_bulk(run, n);
    if (k == 0) std::this_thread::yield();
    seq += k;  // the rest are pushed again from seq on
  }
  for (auto& t : pool) t.join();  // a thread's exit hands its malloc cache back
  const std::size_t after = main_arena_in_use();
  const DeliveryReport report = check_delivery(popped, {.producers = 1, .items_per_producer = total});
  EXPECT_TRUE(report.clean()) << report;
  if (!kUnderSanitizer) {
    EXPECT_LE(after, before + 64 * 1024) << "blocks not freed: " << (after - before) / 1024 << " KiB more in use";
  }
}


}  // namespace
}  // namespace qb::test
