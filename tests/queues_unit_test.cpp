// Single-thread semantics of every registered queue: empty, FIFO, full at
// capacity, wrap-around at the smallest capacities, and the traits. Element
// lifetimes (move-only and tracked elements) are in queues_lifetime_test.cpp.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "queues/registry.hpp"
#include "tests/test_support.hpp"

namespace qb::test {
namespace {

template <class Q>
class UnitQueues : public ::testing::Test {};

using Registry = apply_registry<::testing::Types, Item>;
TYPED_TEST_SUITE(UnitQueues, Registry);

template <class Q>
bool push(Q& q, std::uint64_t seq) {
  return q.try_push(Item{0, seq});
}

// Pops one item and expects it to be seq `want`.
template <class Q>
void expect_pop(Q& q, std::uint64_t want) {
  Item out{99, 99};
  ASSERT_TRUE(q.try_pop(out)) << "expected seq " << want << ", queue looked empty";
  EXPECT_EQ(out.seq, want);
}

TYPED_TEST(UnitQueues, try_pop_fails_on_empty_queue) {
  auto q = make<TypeParam>(roomy_capacity<TypeParam>());
  Item out{7, 7};
  EXPECT_FALSE(q->try_pop(out));
  EXPECT_EQ(out, (Item{7, 7})) << "a failed try_pop must leave its argument alone";
  EXPECT_FALSE(q->try_pop(out)) << "a second look must fail too";
}

TYPED_TEST(UnitQueues, push_then_pop_returns_the_item) {
  auto q = make<TypeParam>(roomy_capacity<TypeParam>());
  ASSERT_TRUE(q->try_push(Item{3, 42}));
  Item out;
  ASSERT_TRUE(q->try_pop(out));
  EXPECT_EQ(out, (Item{3, 42}));
  EXPECT_FALSE(q->try_pop(out)) << "the queue must be empty again";
}

TYPED_TEST(UnitQueues, pops_in_fifo_order_on_one_thread) {
  if (!promises_per_producer_order(TypeParam::traits)) GTEST_SKIP() << "queue promises no order";
  auto q = make<TypeParam>(roomy_capacity<TypeParam>());
  for (std::uint64_t i = 0; i < 500; ++i) ASSERT_TRUE(push(*q, i)) << "push " << i;
  for (std::uint64_t i = 0; i < 500; ++i) expect_pop(*q, i);
  Item out;
  EXPECT_FALSE(q->try_pop(out));
}

TYPED_TEST(UnitQueues, try_push_fails_exactly_when_capacity_items_are_queued) {
  if constexpr (!kHasCapacity<TypeParam>) {
    GTEST_SKIP() << "unbounded: try_push never fails";
  } else {
    auto capacities = smallest_capacities<TypeParam>();
    if (capacities.back() < 64) capacities.push_back(capacity_at_least<TypeParam>(64));
    for (const std::size_t cap : capacities) {
      SCOPED_TRACE("capacity " + std::to_string(cap));
      auto q = make_fixed<TypeParam>(cap);
      for (std::uint64_t i = 0; i < cap; ++i) ASSERT_TRUE(push(*q, i)) << "push " << i << " of " << cap;
      EXPECT_FALSE(push(*q, cap)) << "a full queue accepted one more";
      EXPECT_FALSE(push(*q, cap)) << "a full queue accepted one more on the second try";
      // One slot freed: exactly one push fits again.
      expect_pop(*q, 0);
      EXPECT_TRUE(push(*q, cap));
      EXPECT_FALSE(push(*q, cap + 1));
      for (std::uint64_t i = 1; i <= cap; ++i) expect_pop(*q, i);
      Item out;
      EXPECT_FALSE(q->try_pop(out));
    }
  }
}

// Runs the queue through many laps at its smallest capacities: bursts of
// every length from 1 to cap, eight times over, then a long stretch at
// cap - 1 items deep where each push lands in the slot a pop has just freed.
// Seqs run on across all of it, so any slot read out of turn shows as a wrong
// seq. A queue whose smallest capacity is large (atomic_queue: 4096) makes
// one pass: 8.4M items, 2048 laps of its ring, where eight would take 10 s.
template <class Q>
void wrap_around(Q& q, std::size_t cap) {
  std::uint64_t next_push = 0;
  std::uint64_t next_pop = 0;
  const std::size_t passes = cap > 64 ? 1 : 8;
  for (std::size_t round = 0; round < passes * cap + 5; ++round) {
    const std::size_t burst = round % cap + 1;
    for (std::size_t i = 0; i < burst; ++i) ASSERT_TRUE(push(q, next_push++)) << "round " << round;
    for (std::size_t i = 0; i < burst; ++i) ASSERT_NO_FATAL_FAILURE(expect_pop(q, next_pop++));
  }
  for (std::size_t i = 0; i + 1 < cap; ++i) ASSERT_TRUE(push(q, next_push++));
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(push(q, next_push++)) << "step " << i;
    ASSERT_NO_FATAL_FAILURE(expect_pop(q, next_pop++));
  }
  while (next_pop < next_push) ASSERT_NO_FATAL_FAILURE(expect_pop(q, next_pop++));
  Item out;
  EXPECT_FALSE(q.try_pop(out));
}

TYPED_TEST(UnitQueues, wraps_around_at_the_smallest_capacities) {
  const auto capacities = smallest_capacities<TypeParam>();
  if (capacities.empty()) GTEST_SKIP() << "unbounded: no capacity to wrap around";
  for (const std::size_t cap : capacities) {
    SCOPED_TRACE("fixed capacity " + std::to_string(cap));
    auto q = make_fixed<TypeParam>(cap);
    wrap_around(*q, cap);
  }
}

TYPED_TEST(UnitQueues, wraps_around_while_resizing_at_small_capacities) {
  if constexpr (!kElastic<TypeParam>) {
    GTEST_SKIP() << "capacity never changes";
  } else {
    // Q(cap) starts at 1 slot and grows to cap; the bursts force growth and
    // the emptied queue invites shrinks, all while slots wrap.
    for (const std::size_t cap : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{4},
                                  std::size_t{5}, std::size_t{16}}) {
      SCOPED_TRACE("max capacity " + std::to_string(cap));
      auto q = make<TypeParam>(cap);
      wrap_around(*q, cap);
    }
  }
}

TYPED_TEST(UnitQueues, traits_are_consistent) {
  static_assert(Queue<TypeParam>);
  constexpr QueueTraits t = TypeParam::traits;
  EXPECT_FALSE(t.name.empty());
  EXPECT_EQ(t.name.find_first_of(" /."), std::string_view::npos)
      << "the name goes into result ids (scenario/queue/p4c4)";
  EXPECT_EQ(unsupported_reason(t, 1, 1), nullptr) << "every queue must allow 1 producer, 1 consumer";
  if constexpr (TypeParam::traits.capacity_required) {
    EXPECT_THROW(TypeParam q(0), std::invalid_argument) << "capacity_required, yet 0 was accepted";
  } else {
    TypeParam q(0);  // must be valid
    Item out;
    EXPECT_FALSE(q.try_pop(out));
  }
}

// The command line refuses a capacity with the queue's static check_capacity,
// which allocates nothing; it must refuse exactly what the constructor does.
TYPED_TEST(UnitQueues, check_capacity_refuses_what_the_constructor_refuses) {
  const std::size_t capacities[] = {0,    1,    2,    3,     4,     7,     8,         1000,     1023,
                                    1024, 4095, 4096, 65534, 65535, 65536, 1u << 20, (1u << 20) + 1};
  for (const std::size_t cap : capacities) {
    bool built = true;
    try {
      TypeParam q(cap);
    } catch (const std::invalid_argument&) {
      built = false;
    }
    bool passed = true;
    if constexpr (requires { TypeParam::check_capacity(cap); }) {
      try {
        TypeParam::check_capacity(cap);
      } catch (const std::invalid_argument&) {
        passed = false;
      }
    }
    EXPECT_EQ(passed, built) << "capacity " << cap << ": the constructor " << (built ? "took" : "refused")
                             << " it, check_capacity " << (passed ? "passed" : "refused") << " it";
  }
}

#if defined(QB_HAS_ATOMIC_QUEUE)
TEST(UnitAtomicQueue, refuses_a_capacity_its_int_arithmetic_cannot_hold) {
  EXPECT_NO_THROW(AtomicB2Queue<Item>::check_capacity(std::size_t{1} << 30));
  EXPECT_THROW(AtomicB2Queue<Item>::check_capacity(std::size_t{1} << 31), std::invalid_argument);
  EXPECT_THROW(AtomicB2Queue<Item>::check_capacity(std::size_t{1} << 32), std::invalid_argument);
}
#endif

template <class... Qs>
struct NamesOf {
  static std::vector<std::string_view> get() { return {Qs::traits.name...}; }
};

TEST(UnitRegistry, queue_names_are_unique) {
  const auto names = apply_registry<NamesOf, Item>::get();
  const std::set<std::string_view> distinct(names.begin(), names.end());
  EXPECT_EQ(distinct.size(), names.size());
}

TEST(UnitSequenceRing, rejects_a_capacity_that_is_not_a_power_of_two) {
  for (const std::size_t cap : {0, 1, 3, 5, 6, 1000}) {
    EXPECT_THROW(SequenceRing<Item> q(cap), std::invalid_argument) << "capacity " << cap;
  }
  EXPECT_NO_THROW(SequenceRing<Item> q(2));
  EXPECT_NO_THROW(SequenceRing<Item> q(1024));
}

}  // namespace
}  // namespace qb::test
