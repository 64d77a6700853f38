// The bulk calls (qb::BulkQueue: try_push_bulk, try_pop_bulk) of qbench's
// own queues that have them (OwnBulkQueues, tests/test_support.hpp), on one
// thread, against their contract in include/qbench/queue.hpp: k of n moved,
// in order, the rest untouched; 0 only when full (empty); FIFO across bulk
// and single calls, against a model; move-only and tracked elements. Under
// contention: queues_bulk_stress_test.cpp. Another queue joins both suites
// with one line there.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "queues/registry.hpp"
#include "tests/test_support.hpp"

namespace qb::test {
namespace {

template <class Q>
class BulkQueues : public ::testing::Test {
 protected:
  // As queues_lifetime_test.cpp: a test's Tracked objects all die, and none
  // is misused, or that test fails.
  void SetUp() override {
    ledger().clear_errors();
    live_at_start_ = ledger().live();
  }
  void TearDown() override {
    EXPECT_EQ(ledger().live(), live_at_start_) << "leaked Tracked objects";
    EXPECT_EQ(ledger().error_count(), 0u) << ledger().errors();
  }
  static LifetimeLedger& ledger() { return LifetimeLedger::instance(); }

 private:
  std::size_t live_at_start_ = 0;
};

TYPED_TEST_SUITE(BulkQueues, OwnBulkQueues<::testing::Types>);

// Pushes all of run through bulk calls, each taking from 1 to what is left
// (a queue that grows, or a ring whose later cell is busy, may take fewer
// than it has room for: the exact room is tested at fixed capacities below).
template <class Q, class V>
void push_all_bulk(Q& q, std::vector<V>& run) {
  for (std::size_t done = 0; done < run.size();) {
    const std::size_t k = q.try_push_bulk(run.data() + done, run.size() - done);
    ASSERT_GE(k, 1u) << "a queue with room took nothing";
    ASSERT_LE(k, run.size() - done) << "took more than asked";
    done += k;
  }
}

std::vector<Item> items(std::uint64_t from, std::uint64_t to) {
  std::vector<Item> v;
  for (auto seq = from; seq < to; ++seq) v.push_back(Item{0, seq});
  return v;
}

TYPED_TEST(BulkQueues, bulk_pushes_then_single_pops_keep_fifo_order) {
  auto q = make<TypeParam>(roomy_capacity<TypeParam>());
  std::uint64_t next = 0;
  for (std::size_t n = 1; n <= 40; ++n) {  // 820 items: runs across many blocks
    auto run = items(next, next + n);
    ASSERT_NO_FATAL_FAILURE(push_all_bulk(*q, run));
    next += n;
  }
  Item out;
  for (std::uint64_t seq = 0; seq < next; ++seq) {
    ASSERT_TRUE(q->try_pop(out)) << "seq " << seq;
    ASSERT_EQ(out.seq, seq);
  }
  EXPECT_FALSE(q->try_pop(out));
}

TYPED_TEST(BulkQueues, single_pushes_then_bulk_pops_keep_fifo_order) {
  auto q = make<TypeParam>(roomy_capacity<TypeParam>());
  constexpr std::uint64_t kItems = 820;
  for (std::uint64_t seq = 0; seq < kItems; ++seq) ASSERT_TRUE(q->try_push(Item{0, seq}));
  std::vector<Item> out;
  std::uint64_t next = 0;
  for (std::size_t n = 1; next < kItems; n = n % 40 + 1) {
    out.assign(64, Item{9, 9});
    const std::size_t k = q->try_pop_bulk(out.data(), n);
    ASSERT_GE(k, 1u) << "a non-empty queue returned nothing for n = " << n;
    ASSERT_LE(k, std::min<std::uint64_t>(n, kItems - next)) << "more than asked, or than queued";
    for (std::size_t i = 0; i < k; ++i) ASSERT_EQ(out[i].seq, next++);
    EXPECT_EQ(out[k], (Item{9, 9})) << "wrote past the k it returned";
  }
  EXPECT_EQ(q->try_pop_bulk(out.data(), 5), 0u);
}

TYPED_TEST(BulkQueues, bulk_pop_of_an_empty_queue_returns_zero_and_leaves_out_alone) {
  auto q = make<TypeParam>(roomy_capacity<TypeParam>());
  std::vector<Item> out(4, Item{7, 7});
  EXPECT_EQ(q->try_pop_bulk(out.data(), 4), 0u);
  auto run = items(0, 3);
  ASSERT_EQ(q->try_push_bulk(run.data(), 3), 3u);
  EXPECT_EQ(q->try_pop_bulk(out.data(), 0), 0u) << "n = 0 must take nothing";
  EXPECT_EQ(q->try_push_bulk(run.data(), 0), 0u) << "n = 0 must put nothing";
  std::size_t popped = 0;
  while (popped < 3) {
    const std::size_t k = q->try_pop_bulk(out.data() + popped, 4 - popped);
    ASSERT_GE(k, 1u);
    popped += k;
  }
  EXPECT_EQ(out[0].seq, 0u) << "n = 0 took an item";
  out.assign(4, Item{7, 7});
  EXPECT_EQ(q->try_pop_bulk(out.data(), 4), 0u) << "emptied again";
  EXPECT_EQ(out, std::vector<Item>(4, Item{7, 7})) << "a failed bulk pop must leave out alone";
}

// Bounded: a push of more than the room takes exactly the room, from the
// front, leaving the rest where they were (move-only elements show both),
// at every offset of the smallest rings so that runs wrap around their end.
TYPED_TEST(BulkQueues, a_bulk_push_with_room_for_fewer_takes_exactly_the_room) {
  using Q = rebind_t<TypeParam, std::unique_ptr<int>>;
  if constexpr (!kHasCapacity<Q>) {
    GTEST_SKIP() << "unbounded: a bulk push takes all n";
  } else {
    for (const std::size_t cap : {smallest_capacities<Q>().back(), capacity_at_least<Q>(64)}) {
      for (std::size_t offset = 0; offset < cap; ++offset) {
        for (std::size_t queued = 0; queued <= cap; queued += std::max<std::size_t>(1, cap / 4)) {
          SCOPED_TRACE(::testing::Message() << "capacity " << cap << ", offset " << offset << ", queued " << queued);
          auto q = make_fixed<Q>(cap);
          std::unique_ptr<int> out;
          for (std::size_t i = 0; i < offset; ++i) {  // moves the ring's start
            ASSERT_TRUE(q->try_push(std::make_unique<int>(-1)));
            ASSERT_TRUE(q->try_pop(out));
          }
          for (std::size_t i = 0; i < queued; ++i) ASSERT_TRUE(q->try_push(std::make_unique<int>(-1)));
          const std::size_t room = cap - queued;
          std::vector<std::unique_ptr<int>> run;
          std::vector<int*> where;
          for (int i = 0; i < static_cast<int>(room) + 3; ++i) {
            run.push_back(std::make_unique<int>(i));
            where.push_back(run.back().get());
          }
          ASSERT_EQ(q->try_push_bulk(run.data(), run.size()), room);
          for (std::size_t i = 0; i < run.size(); ++i) {
            if (i < room) {
              EXPECT_EQ(run[i], nullptr) << "item " << i << " was taken but not moved from";
            } else {
              EXPECT_EQ(run[i].get(), where[i]) << "item " << i << " was not taken but changed";
            }
          }
          EXPECT_EQ(q->try_push_bulk(run.data() + room, 3), 0u) << "full";
          for (std::size_t i = 0; i < queued; ++i) ASSERT_TRUE(q->try_pop(out));
          for (std::size_t i = 0; i < room; ++i) {
            ASSERT_TRUE(q->try_pop(out));
            EXPECT_EQ(out.get(), where[i]) << "not the object pushed, or out of order";
          }
        }
      }
    }
  }
}

// One thread against a std::deque: random runs of bulk and single calls at
// the smallest capacities (and unbounded, across many blocks). Pushes take
// exactly the room (or all n, unbounded); pops take between 1 and what is
// queued (a segmented pop stops at its block's end), the oldest first.
TYPED_TEST(BulkQueues, bulk_and_single_calls_match_a_fifo_model) {
  auto capacities = smallest_capacities<TypeParam>();
  if (capacities.empty()) capacities.push_back(0);
  for (const std::size_t cap : capacities) {
    SCOPED_TRACE("capacity " + std::to_string(cap));
    auto q = make_fixed<TypeParam>(cap);
    std::deque<std::uint64_t> model;
    std::uint64_t next = 0;
    std::uint32_t rng = 12345;
    auto random = [&](std::uint32_t below) {
      rng = rng * 1664525u + 1013904223u;
      return (rng >> 8) % below;
    };
    std::vector<Item> buffer(80);
    for (int step = 0; step < 20'000; ++step) {
      const std::size_t n = random(cap == 0 ? 70 : static_cast<std::uint32_t>(cap) + 3);
      const bool push = random(2) == 0;
      if (push) {
        for (std::size_t i = 0; i < n; ++i) buffer[i] = Item{0, next + i};
        const std::size_t room = cap == 0 ? n : cap - model.size();
        const std::size_t k = n == 1 ? std::size_t{q->try_push(std::move(buffer[0]))}
                                     : q->try_push_bulk(buffer.data(), n);
        ASSERT_EQ(k, std::min(n, room)) << "step " << step << ": push of " << n;
        for (std::size_t i = 0; i < k; ++i) model.push_back(next++);
      } else {
        const std::size_t k = n == 1 ? std::size_t{q->try_pop(buffer[0])} : q->try_pop_bulk(buffer.data(), n);
        ASSERT_LE(k, std::min(n, model.size())) << "step " << step << ": pop of " << n;
        if (n > 0 && !model.empty()) {
          ASSERT_GE(k, 1u) << "step " << step << ": nothing popped";
        }
        for (std::size_t i = 0; i < k; ++i) {
          ASSERT_EQ(buffer[i].seq, model.front()) << "step " << step;
          model.pop_front();
        }
      }
    }
  }
}

TYPED_TEST(BulkQueues, tracked_items_through_bulk_calls_live_and_die_once) {
  using Q = rebind_t<TypeParam, Tracked>;
  if constexpr (!kHoldsElement<Q>) {
    GTEST_SKIP() << kUnsupportedElementReason<Q>;
  } else {
    auto q = make<Q>(roomy_capacity<Q>());
    std::vector<Tracked> run;
    std::uint64_t pushed = 0, popped = 0;
    for (std::size_t n = 1; n <= 50; ++n) {  // pushes n, pops n - 1: 50 left queued
      run.clear();
      for (std::size_t i = 0; i < n; ++i) run.emplace_back(pushed + i);
      ASSERT_NO_FATAL_FAILURE(push_all_bulk(*q, run));
      pushed += n;
      std::vector<Tracked> out(n);
      for (std::size_t got = 0; got < n - 1;) {
        const std::size_t k = q->try_pop_bulk(out.data(), n - 1 - got);
        ASSERT_GE(k, 1u);
        for (std::size_t i = 0; i < k; ++i) ASSERT_EQ(out[i].value(), popped++);
        got += k;
      }
    }
    // The 50 left die with the queue (the fixture counts them).
  }
}

}  // namespace
}  // namespace qb::test
