// elastic_locked's resize steps on one thread: exactly when it grows and to
// what, exactly when it shrinks and to what, FIFO order across resizes of a
// wrapped buffer, and a shrink that never leaves too little room. Config
// validation and the concurrent grow/shrink run are shared with mpsc_elastic
// in queues_elastic_test.cpp.
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "queues/elastic_locked.hpp"
#include "tests/test_support.hpp"

namespace qb::test {
namespace {

using Elastic = ElasticLocked<Item>;

// Pushes seqs [from, to) one at a time and returns the capacity after each.
std::vector<std::size_t> capacities_while_pushing(Elastic& q, std::uint64_t from, std::uint64_t to) {
  std::vector<std::size_t> seen;
  for (auto seq = from; seq < to; ++seq) {
    EXPECT_TRUE(q.try_push(Item{0, seq})) << "push " << seq;
    seen.push_back(q.approx_capacity());
  }
  return seen;
}

// Pops seqs [from, to), checking each, and returns the capacity after each.
std::vector<std::size_t> capacities_while_popping(Elastic& q, std::uint64_t from, std::uint64_t to) {
  std::vector<std::size_t> seen;
  Item out;
  for (auto seq = from; seq < to; ++seq) {
    EXPECT_TRUE(q.try_pop(out)) << "pop " << seq;
    EXPECT_EQ(out.seq, seq);
    EXPECT_LT(q.approx_size(), q.approx_capacity()) << "a shrink left no room for the next push";
    seen.push_back(q.approx_capacity());
  }
  return seen;
}

TEST(UnitElasticLocked, grows_by_the_growth_factor_exactly_when_a_push_finds_it_full) {
  Elastic q(ElasticConfig{.initial_capacity = 4, .min_capacity = 4, .max_capacity = 64});
  const auto seen = capacities_while_pushing(q, 0, 64);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const std::size_t items = i + 1;
    const std::size_t want = items <= 4 ? 4 : items <= 8 ? 8 : items <= 16 ? 16 : items <= 32 ? 32 : 64;
    EXPECT_EQ(seen[i], want) << "after " << items << " pushes";
  }
  EXPECT_EQ(q.grow_count(), 4u);
  EXPECT_FALSE(q.try_push(Item{0, 64})) << "full at max_capacity, yet it took one more";
  EXPECT_EQ(q.approx_size(), 64u) << "it holds exactly max_capacity items, no more";
}

TEST(UnitElasticLocked, a_fractional_growth_factor_rounds_up_and_stops_at_max) {
  Elastic q(ElasticConfig{.initial_capacity = 3, .min_capacity = 3, .max_capacity = 10,
                          .growth_factor = 1.5});
  const auto seen = capacities_while_pushing(q, 0, 10);
  // 3, then ceil(4.5) = 5, ceil(7.5) = 8, and 12 capped at 10.
  const std::vector<std::size_t> want = {3, 3, 3, 5, 5, 8, 8, 8, 10, 10};
  EXPECT_EQ(seen, want);
  EXPECT_FALSE(q.try_push(Item{0, 10}));

  // A factor close to 1 grows one slot at a time (rounded up, never by 0).
  Elastic slow(ElasticConfig{.initial_capacity = 1, .min_capacity = 1, .max_capacity = 4,
                             .growth_factor = 1.01, .shrink_threshold = 0.5});
  EXPECT_EQ(capacities_while_pushing(slow, 0, 4), (std::vector<std::size_t>{1, 2, 3, 4}));
}

TEST(UnitElasticLocked, shrinks_one_step_each_time_occupancy_falls_under_the_threshold) {
  Elastic q(ElasticConfig{.initial_capacity = 4, .min_capacity = 4, .max_capacity = 64});
  capacities_while_pushing(q, 0, 64);
  const auto seen = capacities_while_popping(q, 0, 64);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const std::size_t left = 64 - (i + 1);
    // Under 1/4 of 64 (16) it halves to 32, under 1/4 of 32 to 16, and so on to min.
    const std::size_t want = left >= 16 ? 64 : left >= 8 ? 32 : left >= 4 ? 16 : left >= 2 ? 8 : 4;
    EXPECT_EQ(seen[i], want) << "with " << left << " items left";
  }
  EXPECT_EQ(q.shrink_count(), 4u);
}

TEST(UnitElasticLocked, a_drained_queue_steps_down_to_min_one_failed_pop_at_a_time) {
  Elastic q(ElasticConfig{.initial_capacity = 1, .min_capacity = 1, .max_capacity = 64,
                          .growth_factor = 2.0, .shrink_threshold = 0.1});
  capacities_while_pushing(q, 0, 64);
  capacities_while_popping(q, 0, 64);
  std::vector<std::size_t> seen;
  Item out;
  while (q.approx_capacity() > 1 && seen.size() < 20) {
    EXPECT_FALSE(q.try_pop(out));
    seen.push_back(q.approx_capacity());
  }
  // Draining stepped down 64, 32, 16, 8 and, with 0 left, to 4 (each step
  // once occupancy fell under a tenth); each empty pop then halves it.
  EXPECT_EQ(seen, (std::vector<std::size_t>{2, 1}));
  EXPECT_FALSE(q.try_pop(out));
  EXPECT_EQ(q.approx_capacity(), 1u) << "shrank below min_capacity";
}

TEST(UnitElasticLocked, never_shrinks_to_a_capacity_that_would_be_full) {
  // Threshold 0.9 with factor 2: at 57 of 64 occupancy is under the threshold,
  // but 32 slots would not hold 57 items; only at 31 items does it halve.
  Elastic q(ElasticConfig{.initial_capacity = 64, .min_capacity = 1, .max_capacity = 64,
                          .growth_factor = 2.0, .shrink_threshold = 0.9});
  capacities_while_pushing(q, 0, 64);
  const auto seen = capacities_while_popping(q, 0, 64);
  EXPECT_EQ(seen[64 - 57 - 1], 64u) << "57 items left";
  EXPECT_EQ(seen[64 - 32 - 1], 64u) << "32 items left: a shrink to 32 would leave it full";
  EXPECT_EQ(seen[64 - 31 - 1], 32u) << "31 items left";
}

TEST(UnitElasticLocked, keeps_fifo_order_when_it_resizes_a_wrapped_buffer) {
  Elastic q(ElasticConfig{.initial_capacity = 4, .min_capacity = 4, .max_capacity = 32});
  std::uint64_t next_push = 0;
  std::uint64_t next_pop = 0;
  Item out;
  // Three in, two out, three in: four items with the oldest at slot 2, so the
  // buffer wraps; the next push grows it and must copy in ring order.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(q.try_push(Item{0, next_push++}));
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(q.try_pop(out));
    ASSERT_EQ(out.seq, next_pop++);
  }
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(q.try_push(Item{0, next_push++}));
  ASSERT_EQ(q.approx_capacity(), 4u);
  ASSERT_TRUE(q.try_push(Item{0, next_push++}));
  EXPECT_EQ(q.approx_capacity(), 8u);
  // Many laps of bursts at shifting offsets, growing and shrinking on the way.
  for (std::uint64_t round = 0; round < 200; ++round) {
    const std::uint64_t in = round % 29 + 1;
    const std::uint64_t out_n = (round * 7) % 23 + 1;
    for (std::uint64_t i = 0; i < in && q.try_push(Item{0, next_push}); ++i) ++next_push;
    for (std::uint64_t i = 0; i < out_n && next_pop < next_push; ++i) {
      ASSERT_TRUE(q.try_pop(out));
      ASSERT_EQ(out.seq, next_pop++) << "round " << round;
    }
  }
  while (next_pop < next_push) {
    ASSERT_TRUE(q.try_pop(out));
    ASSERT_EQ(out.seq, next_pop++);
  }
  EXPECT_FALSE(q.try_pop(out));
  EXPECT_GT(q.grow_count(), 1u);
  EXPECT_GT(q.shrink_count(), 0u);
}

TEST(UnitElasticLocked, a_waiting_push_does_not_wait_while_it_can_still_grow) {
  Elastic q(ElasticConfig{.initial_capacity = 1, .min_capacity = 1, .max_capacity = 4});
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t seq = 0; seq < 4; ++seq) {
    ASSERT_TRUE(q.push(Item{0, seq}, std::chrono::seconds(10))) << "push " << seq;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(q.approx_capacity(), 4u);
  EXPECT_FALSE(q.push(Item{0, 4}, std::chrono::milliseconds(1))) << "full at max: it must wait, then fail";
}

TEST(UnitElasticLocked, capacity_constructor_takes_capacity_as_the_max) {
  Elastic sized(6400);
  EXPECT_EQ(sized.config().max_capacity, 6400u);
  EXPECT_EQ(sized.config().min_capacity, 100u) << "1/64 of the max";
  EXPECT_EQ(sized.approx_capacity(), 100u);
  Elastic defaults(0);
  EXPECT_EQ(defaults.config().max_capacity, ElasticConfig{}.max_capacity);
  EXPECT_EQ(defaults.approx_capacity(), ElasticConfig{}.initial_capacity);
}

}  // namespace
}  // namespace qb::test
