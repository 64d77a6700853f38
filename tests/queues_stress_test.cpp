// Concurrent stress of every registered queue at P x C in {1x1, 4x1, 1x4,
// 4x4, 8x8}, where its traits allow, at its usual capacity and at a tiny one
// (wrap-around, or resizes, every few items). Each run must deliver every
// (producer, seq) exactly once, keep each producer's order where the traits
// promise it, and leave the queue empty.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <thread>

#include "queues/registry.hpp"
#include "tests/stress_driver.hpp"
#include "tests/test_support.hpp"

namespace qb::test {
namespace {

template <class Q>
class StressQueues : public ::testing::Test {};

using Registry = apply_registry<::testing::Types, Item>;
TYPED_TEST_SUITE(StressQueues, Registry);

// Items each producer pushes at this point: stress_counts, except where Q's
// producers spin in turn (kProducersSpinInTurn) and outnumber the CPUs. There
// every item can cost a scheduler time slice, so they push 200 each: the
// checks are the same, on fewer items.
template <class Q>
std::uint64_t items_per_producer(int producers, Pressure pressure) {
  if (kProducersSpinInTurn<Q> && producers > static_cast<int>(std::thread::hardware_concurrency())) return 200;
  return stress_counts(producers, pressure);
}

template <class Q>
void stress(int producers, int consumers, Pressure pressure) {
  if (const char* why = unsupported_reason(Q::traits, producers, consumers)) GTEST_SKIP() << why;
  const std::size_t capacity = pressure == Pressure::tiny ? tiny_capacity<Q>() : roomy_capacity<Q>();
  if (pressure == Pressure::tiny && capacity == 0) GTEST_SKIP() << "unbounded: no tiny capacity";

  auto queue = make<Q>(capacity);
  const StressPlan plan{
      .producers = producers,
      .consumers = consumers,
      .items_per_producer = items_per_producer<Q>(producers, pressure),
  };
  const StressOutcome outcome = run_stress(*queue, plan);
  const DeliveryReport report = check_delivery(
      outcome.popped, {.producers = static_cast<std::uint32_t>(producers),
                       .items_per_producer = plan.items_per_producer,
                       .ordered = promises_per_producer_order(Q::traits)});

  SCOPED_TRACE(::testing::Message() << Q::traits.name << " p" << producers << "c" << consumers
                                    << " capacity " << capacity << ", " << plan.items_per_producer
                                    << " items per producer, " << outcome.elapsed.count() << " s");
  EXPECT_FALSE(outcome.stalled) << "no progress for " << plan.stall_limit.count() << " ms";
  EXPECT_EQ(outcome.left_over, 0u) << "items still queued after every item was received";
  EXPECT_TRUE(report.clean()) << report;  // zero lost, duplicated, misordered, unexpected
}

// The points: every shape at the usual capacity and at a tiny one, one test
// each (its own process under ctest, so a hang names its point), registered
// from this table for every queue of the registry: StressShapes/<queue>.
struct Shape {
  int producers, consumers;
};
constexpr Shape kShapes[] = {{1, 1}, {4, 1}, {1, 4}, {4, 4}, {8, 8}};
constexpr Pressure kPressures[] = {Pressure::roomy, Pressure::tiny};

template <class Q>
class StressPoint : public ::testing::Test {
 public:
  StressPoint(Shape shape, Pressure pressure) : shape_(shape), pressure_(pressure) {}
  void TestBody() override { stress<Q>(shape_.producers, shape_.consumers, pressure_); }

 private:
  Shape shape_;
  Pressure pressure_;
};

template <class... Qs>
struct RegisterStressPoints {
  static bool all() {
    (one<Qs>(), ...);
    return true;
  }
  template <class Q>
  static void one() {
    const std::string suite = std::string("StressShapes/") + std::string(Q::traits.name);
    for (const Pressure pressure : kPressures) {
      for (const Shape shape : kShapes) {
        std::ostringstream name;
        name << "delivers_every_item_once_" << (pressure == Pressure::tiny ? "at_tiny_capacity_" : "") << "p"
             << shape.producers << "c" << shape.consumers;
        ::testing::RegisterTest(suite.c_str(), name.str().c_str(), nullptr, nullptr, __FILE__, __LINE__,
                                [=]() -> ::testing::Test* { return new StressPoint<Q>(shape, pressure); });
      }
    }
  }
};

[[maybe_unused]] const bool kStressPointsRegistered = apply_registry<RegisterStressPoints, Item>::all();

// The same run with lifetime-tracked elements at tiny capacity (unbounded
// queues: their usual one), at the widest point the traits allow of 4x4:
// every element built is destroyed exactly once, and none is read after its
// destruction or after being moved from, on any thread.
template <class Q>
void tracked_stress() {
  auto& ledger = LifetimeLedger::instance();
  ledger.clear_errors();
  const std::size_t live_before = ledger.live();
  const int producers = Q::traits.producers == Multiplicity::many ? 4 : 1;
  const int consumers = Q::traits.consumers == Multiplicity::many ? 4 : 1;
  {
    auto queue = make<Q>(tiny_capacity<Q>());
    const StressPlan plan{
        .producers = producers,
        .consumers = consumers,
        // The ledger takes a lock per construction: a quarter of the items.
        .items_per_producer = items_per_producer<Q>(producers, Pressure::tiny) / 4,
    };
    const StressOutcome outcome = run_stress(*queue, plan);
    const DeliveryReport report = check_delivery(
        outcome.popped, {.producers = static_cast<std::uint32_t>(producers),
                         .items_per_producer = plan.items_per_producer,
                         .ordered = promises_per_producer_order(Q::traits)});
    EXPECT_FALSE(outcome.stalled) << "no progress for " << plan.stall_limit.count() << " ms";
    EXPECT_EQ(outcome.left_over, 0u);
    EXPECT_TRUE(report.clean()) << report;
  }
  EXPECT_EQ(ledger.live(), live_before) << "Tracked objects leaked";
  EXPECT_EQ(ledger.error_count(), 0u) << ledger.errors();
}

TYPED_TEST(StressQueues, tracked_elements_live_and_die_exactly_once_under_contention) {
  using Q = rebind_t<TypeParam, Tracked>;
  if constexpr (!kHoldsElement<Q>) {
    GTEST_SKIP() << kUnsupportedElementReason<Q>;
  } else {
    tracked_stress<Q>();
  }
}

}  // namespace
}  // namespace qb::test
