// The checks must catch a broken queue. BrokenDeque satisfies qb::Queue but
// silently drops every 1000th push and stores every 1500th twice; the same
// driver and checker as queues_stress_test.cpp must report both. The checker is
// also tested on hand-built deliveries.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

#include "queues/queue.hpp"
#include "tests/broken_queue.hpp"
#include "tests/stress_driver.hpp"
#include "tests/test_support.hpp"

namespace qb::test {
namespace {

static_assert(Queue<BrokenDeque<Item>>);

TEST(StressBrokenQueue, checks_catch_lost_and_duplicated_items) {
  BrokenDeque<Item> queue;
  // Lost items keep the consumers waiting for a total that never comes; the
  // watchdog ends the run after a short stall instead of the usual minute
  // (long enough that a loaded machine does not end it before the drain).
  const StressPlan plan{
      .producers = 4,
      .consumers = 4,
      .items_per_producer = 5'000,
      .stall_limit = std::chrono::milliseconds(2'000),
  };
  const StressOutcome outcome = run_stress(queue, plan);
  const DeliveryReport report = check_delivery(
      outcome.popped, {.producers = 4, .items_per_producer = plan.items_per_producer, .ordered = true});

  // 20'000 pushes: 20 dropped; 13 multiples of 1500, 6 of them (multiples of
  // 3000) dropped instead, so 7 stored twice.
  EXPECT_TRUE(outcome.stalled) << "consumers cannot have received every item";
  EXPECT_GT(report.lost, 0u) << report;
  EXPECT_GT(report.duplicated, 0u) << report;
  EXPECT_EQ(report.lost, 20u) << report;
  EXPECT_EQ(report.duplicated + outcome.left_over, 7u) << report;
  EXPECT_EQ(report.unexpected, 0u) << report;
  EXPECT_FALSE(report.clean());
}

using Deliveries = std::vector<std::vector<Item>>;

TEST(DeliveryChecker, passes_a_clean_run) {
  // Two producers, three items each, interleaved across two consumers.
  const Deliveries d = {{{0, 0}, {1, 0}, {0, 2}, {1, 1}}, {{0, 1}, {1, 2}}};
  const auto r = check_delivery(d, {.producers = 2, .items_per_producer = 3, .ordered = true});
  EXPECT_TRUE(r.clean()) << r;
  EXPECT_EQ(r.delivered, 6u);
}

TEST(DeliveryChecker, detects_a_producer_overtaking_itself) {
  const Deliveries d = {{{0, 0}, {0, 2}, {0, 1}, {1, 0}}};
  const auto r = check_delivery(d, {.producers = 2, .items_per_producer = 3, .ordered = true});
  EXPECT_EQ(r.misordered, 1u) << r;
  EXPECT_EQ(r.lost, 2u) << r;  // (1, 1) and (1, 2)
}

TEST(DeliveryChecker, ignores_order_when_none_is_promised) {
  const Deliveries d = {{{0, 2}, {0, 1}, {0, 0}}};
  const auto r = check_delivery(d, {.producers = 1, .items_per_producer = 3, .ordered = false});
  EXPECT_TRUE(r.clean()) << r;
}

TEST(DeliveryChecker, allows_any_interleaving_across_consumers) {
  // Consumer 1 sees seq 0 after consumer 0 saw seq 1: both are in order.
  const Deliveries d = {{{0, 1}}, {{0, 0}}};
  const auto r = check_delivery(d, {.producers = 1, .items_per_producer = 2, .ordered = true});
  EXPECT_TRUE(r.clean()) << r;
}

TEST(DeliveryChecker, detects_lost_duplicated_and_unexpected_items) {
  const Deliveries d = {{{0, 0}, {0, 1}}, {{0, 1}, {2, 0}, {0, 9}}};
  const auto r = check_delivery(d, {.producers = 1, .items_per_producer = 3, .ordered = true});
  EXPECT_EQ(r.lost, 1u) << r;        // (0, 2)
  EXPECT_EQ(r.duplicated, 1u) << r;  // (0, 1) on both consumers
  EXPECT_EQ(r.unexpected, 2u) << r;  // producer 2; seq 9
  EXPECT_EQ(r.misordered, 0u) << r;
  EXPECT_FALSE(r.examples.empty());
}

TEST(DeliveryChecker, counts_a_repeat_on_one_consumer_as_duplicated_and_misordered) {
  const Deliveries d = {{{0, 0}, {0, 0}, {0, 1}}};
  const auto r = check_delivery(d, {.producers = 1, .items_per_producer = 2, .ordered = true});
  EXPECT_EQ(r.duplicated, 1u) << r;
  EXPECT_EQ(r.misordered, 1u) << r;  // seq must strictly increase
  EXPECT_EQ(r.lost, 0u) << r;
}

}  // namespace
}  // namespace qb::test
