// Element lifetimes in every registered queue, on one thread: move-only
// elements, and the lifetime-tracking Tracked (no leak, no double
// destruction, no use of a destroyed or moved-from object; the items still in
// a destroyed queue are destroyed with it), across wrap-around, blocks and
// resizes. A peer whose library cannot hold an element type (boost's
// lockfree::queue: trivially copyable only) skips, naming why.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "queues/registry.hpp"
#include "tests/test_support.hpp"

namespace qb::test {
namespace {

template <class Q>
class UnitLifetime : public ::testing::Test {
 protected:
  using Tracking = rebind_t<Q, Tracked>;

  // Counts are taken relative to the start, so that a leak fails the test
  // that leaked and not every test after it in the same process.
  void SetUp() override {
    ledger().clear_errors();
    live_at_start_ = ledger().live();
  }

  // Every test ends with nothing left alive and nothing misused.
  void TearDown() override {
    EXPECT_EQ(ledger().live(), live_at_start_) << "leaked Tracked objects";
    EXPECT_EQ(ledger().error_count(), 0u) << ledger().errors();
  }

  // Tracked objects alive now that this test created.
  std::size_t live() const { return ledger().live() - live_at_start_; }

  static LifetimeLedger& ledger() { return LifetimeLedger::instance(); }

 private:
  std::size_t live_at_start_ = 0;
};

using Registry = apply_registry<::testing::Types, Item>;
TYPED_TEST_SUITE(UnitLifetime, Registry);

template <class Q>
void push_tracked(Q& q, std::uint64_t from, std::uint64_t to) {
  for (auto v = from; v < to; ++v) ASSERT_TRUE(q.try_push(Tracked(v))) << "push " << v;
}

template <class Q>
void pop_tracked(Q& q, std::uint64_t from, std::uint64_t to) {
  Tracked out;
  for (auto v = from; v < to; ++v) {
    ASSERT_TRUE(q.try_pop(out)) << "pop " << v;
    ASSERT_EQ(out.value(), v);
  }
}

TYPED_TEST(UnitLifetime, move_only_elements_pass_through) {
  using Q = rebind_t<TypeParam, std::unique_ptr<int>>;
  if constexpr (!kHoldsElement<Q>) {
    GTEST_SKIP() << kUnsupportedElementReason<Q>;
  } else {
    auto q = make<Q>(roomy_capacity<Q>());
    for (int i = 0; i < 100; ++i) {
      auto p = std::make_unique<int>(i);
      ASSERT_TRUE(q->try_push(std::move(p)));
      EXPECT_EQ(p, nullptr) << "a successful push must move the element in";
    }
    // Popping into a non-empty pointer frees its old pointee (LSan checks).
    auto out = std::make_unique<int>(-1);
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(q->try_pop(out));
      ASSERT_NE(out, nullptr);
      EXPECT_EQ(*out, i);
    }
    // The other 50 are freed by the queue's destructor (LSan checks).
  }
}

TYPED_TEST(UnitLifetime, tracked_items_are_neither_leaked_nor_destroyed_twice) {
  using Q = typename TestFixture::Tracking;
  if constexpr (!kHoldsElement<Q>) {
    GTEST_SKIP() << kUnsupportedElementReason<Q>;
  } else {
    {
      auto q = make<Q>(roomy_capacity<Q>());
      std::uint64_t next = 0;
      for (std::uint64_t burst = 1; burst <= 40; ++burst) {
        ASSERT_NO_FATAL_FAILURE(push_tracked(*q, next, next + burst));
        ASSERT_NO_FATAL_FAILURE(pop_tracked(*q, next, next + burst));
        next += burst;
      }
      // Only the queue's contents may be alive: none, now.
      EXPECT_EQ(this->live(), 0u) << "the queue keeps objects it has handed out";
    }
  }
}

TYPED_TEST(UnitLifetime, items_left_in_a_destroyed_queue_are_destroyed) {
  using Q = typename TestFixture::Tracking;
  if constexpr (!kHoldsElement<Q>) {
    GTEST_SKIP() << kUnsupportedElementReason<Q>;
  } else {
    auto q = make<Q>(capacity_at_least<Q>(1024));  // mpsc_elastic: starts at 16 and grows through 6 rings
    ASSERT_NO_FATAL_FAILURE(push_tracked(*q, 0, 1000));
    ASSERT_NO_FATAL_FAILURE(pop_tracked(*q, 0, 500));
    EXPECT_EQ(this->live(), 500u) << "the queue should hold exactly the 500 unpopped items";
    q.reset();
    EXPECT_EQ(this->live(), 0u) << "destroying the queue leaked its items";
  }
}

TYPED_TEST(UnitLifetime, items_left_after_wrap_around_are_destroyed) {
  using Q = typename TestFixture::Tracking;
  if constexpr (!kHoldsElement<Q>) {
    GTEST_SKIP() << kUnsupportedElementReason<Q>;
  } else {
    auto capacities = smallest_capacities<Q>();
    if (capacities.empty()) capacities.push_back(0);  // unbounded: still wraps blocks
    for (const std::size_t cap : capacities) {
      SCOPED_TRACE("capacity " + std::to_string(cap));
      auto q = make_fixed<Q>(cap);
      const std::uint64_t depth = cap == 0 ? 40 : cap;
      std::uint64_t next = 0;
      // Laps with the queue full, then leave it half or fully loaded.
      for (int lap = 0; lap < 7; ++lap) {
        ASSERT_NO_FATAL_FAILURE(push_tracked(*q, next, next + depth));
        ASSERT_NO_FATAL_FAILURE(pop_tracked(*q, next, next + depth));
        next += depth;
      }
      const std::uint64_t left = (depth + 1) / 2;
      ASSERT_NO_FATAL_FAILURE(push_tracked(*q, next, next + left));
      EXPECT_EQ(this->live(), left);
      q.reset();
      EXPECT_EQ(this->live(), 0u) << "destroying the queue leaked its items";
    }
  }
}

TYPED_TEST(UnitLifetime, items_left_after_growing_and_shrinking_are_destroyed) {
  using Q = typename TestFixture::Tracking;
  if constexpr (!kHoldsElement<Q>) {
    GTEST_SKIP() << kUnsupportedElementReason<Q>;
  } else {
    // Unbounded queues cross many blocks here; mpsc_elastic grows to 1024,
    // shrinks when nearly drained, and dies with items in several rings.
    auto q = make<Q>(capacity_at_least<Q>(1024));
    ASSERT_NO_FATAL_FAILURE(push_tracked(*q, 0, 1000));
    ASSERT_NO_FATAL_FAILURE(pop_tracked(*q, 0, 990));
    ASSERT_NO_FATAL_FAILURE(push_tracked(*q, 1000, 1300));
    ASSERT_NO_FATAL_FAILURE(pop_tracked(*q, 990, 1300));
    // The emptied queue invites a shrink (a failed pop checks); then a new,
    // smaller ring fills.
    Tracked out;
    EXPECT_FALSE(q->try_pop(out));
    ASSERT_NO_FATAL_FAILURE(push_tracked(*q, 1300, 1400));
    EXPECT_EQ(this->live(), 101u) << "100 queued items and `out`";
    q.reset();
    EXPECT_EQ(this->live(), 1u) << "destroying the queue leaked its items";
  }
}

TYPED_TEST(UnitLifetime, a_rejected_push_leaves_its_argument_intact) {
  using Q = typename TestFixture::Tracking;
  if constexpr (!kHoldsElement<Q>) {
    GTEST_SKIP() << kUnsupportedElementReason<Q>;
  } else if constexpr (!kHasCapacity<Q>) {
    GTEST_SKIP() << "unbounded: try_push never fails";
  } else {
    auto q = make_fixed<Q>(smallest_capacities<Q>().front());
    std::uint64_t v = 0;
    while (q->try_push(Tracked(v))) ++v;
    Tracked rejected(777);
    ASSERT_FALSE(q->try_push(std::move(rejected)));
    EXPECT_EQ(rejected.value(), 777u) << "a failed try_push must not consume the caller's item";
  }
}

}  // namespace
}  // namespace qb::test
