// linked_cas beyond the common suites: popped nodes are freed while the queue
// is in use (not only by its destructor, where LSan could not tell the
// difference), on one thread and after a contended run. Also: the queues that
// build values in raw storage (linked_cas, locked_ring, elastic_locked) take a
// value type with no default constructor.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <utility>

#include "queues/elastic_locked.hpp"
#include "queues/linked_cas.hpp"
#include "queues/locked_ring.hpp"
#include "tests/stress_driver.hpp"
#include "tests/test_support.hpp"

namespace qb::test {
namespace {

// A scan runs once 64 nodes wait (queues/linked_cas.hpp, kReclaimBatch) and
// keeps only those a hazard names: at most two per thread that was inside a
// pop. So the backlog stays under 64 plus that, whatever the item count.
constexpr std::size_t kRetiredBound = 64 + 2 * 16;

TEST(UnitLinkedCas, popped_nodes_are_freed_as_it_goes_on_one_thread) {
  LinkedCas<Item> q;
  Item out;
  for (std::uint64_t round = 0; round < 100; ++round) {
    for (std::uint64_t i = 0; i < 100; ++i) ASSERT_TRUE(q.try_push(Item{0, round * 100 + i}));
    for (std::uint64_t i = 0; i < 100; ++i) {
      ASSERT_TRUE(q.try_pop(out));
      ASSERT_EQ(out.seq, round * 100 + i);
    }
    ASSERT_LT(q.approx_retired(), kRetiredBound) << "after round " << round << ": nodes are not being freed";
  }
  EXPECT_FALSE(q.try_pop(out));
}

TEST(UnitLinkedCas, popped_nodes_are_freed_as_it_goes_under_contention) {
  LinkedCas<Item> q;
  const StressPlan plan{.producers = 4, .consumers = 4, .items_per_producer = stress_counts(4) / 4};
  const StressOutcome outcome = run_stress(q, plan);
  const DeliveryReport report =
      check_delivery(outcome.popped, {.producers = 4, .items_per_producer = plan.items_per_producer});
  EXPECT_FALSE(outcome.stalled);
  EXPECT_TRUE(report.clean()) << report;
  EXPECT_LT(q.approx_retired(), kRetiredBound) << "of " << 4 * plan.items_per_producer << " popped nodes";
}

// Move-only, and constructible only from a value.
class NoDefault {
 public:
  explicit NoDefault(std::uint64_t v) : v_(v) {}
  NoDefault(NoDefault&& other) noexcept : v_(std::exchange(other.v_, kMovedFrom)) {}
  NoDefault& operator=(NoDefault&& other) noexcept {
    v_ = std::exchange(other.v_, kMovedFrom);
    return *this;
  }
  std::uint64_t value() const { return v_; }

 private:
  static constexpr std::uint64_t kMovedFrom = ~std::uint64_t{0};
  std::uint64_t v_;
};

template <class Q>
void round_trip_without_default_construction(Q& q) {
  for (std::uint64_t v = 0; v < 50; ++v) ASSERT_TRUE(q.try_push(NoDefault(v)));
  NoDefault out(999);
  for (std::uint64_t v = 0; v < 50; ++v) {
    ASSERT_TRUE(q.try_pop(out));
    EXPECT_EQ(out.value(), v);
  }
  EXPECT_FALSE(q.try_pop(out));
  EXPECT_EQ(out.value(), 49u) << "a failed pop must leave its argument alone";
  for (std::uint64_t v = 0; v < 5; ++v) ASSERT_TRUE(q.try_push(NoDefault(v)));  // left for the destructor
}

TEST(UnitLinkedCas, queues_with_raw_storage_need_no_default_constructor) {
  LinkedCas<NoDefault> linked;
  round_trip_without_default_construction(linked);
  LockedRing<NoDefault> ring(64);
  round_trip_without_default_construction(ring);
  ElasticLocked<NoDefault> elastic(64);
  round_trip_without_default_construction(elastic);
}

}  // namespace
}  // namespace qb::test
