// mpsc_elastic's bulk calls (qb::BulkQueue: try_push_bulk, try_pop_bulk) on
// one thread, tested as its single calls are (queues_elastic_test.cpp):
// order across laps, against a model of the queue, with lap's ends and
// without; growth exactly where single pushes grow; a bulk push at max
// capacity takes exactly the room; an empty queue gives nothing; shrinking
// back to min and freeing rings; element lifetimes. The concurrent runs are
// in queues_bulk_elastic_stress_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "queues/mpsc_elastic.hpp"
#include "queues/queue.hpp"
#include "tests/test_support.hpp"

namespace qb::test {
namespace {

using Elastic = MpscElastic<Item>;
static_assert(BulkQueue<Elastic>);

// The size of a bulk call, in [1, max]: the same sequence in every run.
std::size_t size_in(std::minstd_rand& rng, std::size_t max) { return 1 + rng() % max; }

std::vector<Item> items(std::uint32_t producer, std::uint64_t first, std::size_t n) {
  std::vector<Item> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = Item{producer, first + i};
  return v;
}

// Bounded configs, each checked against a model deque of what it holds.
// A fixed capacity has a known room, so every bulk push must take exactly
// min(n, room); a pop must take something whenever the model holds an item.
TEST(BulkElastic, bulk_and_single_calls_keep_order_across_laps) {
  const std::vector<ElasticConfig> configs = {
      {.initial_capacity = 5, .min_capacity = 5, .max_capacity = 5},  // not a power of two: a lap's end
      {.initial_capacity = 8, .min_capacity = 8, .max_capacity = 8},  // cannot shrink: no lap's end
      {.initial_capacity = 8, .min_capacity = 4, .max_capacity = 8},  // may shrink: a lap's end
      {.initial_capacity = 1, .min_capacity = 1, .max_capacity = 1},
  };
  for (const ElasticConfig& config : configs) {
    SCOPED_TRACE("capacity " + std::to_string(config.max_capacity) + ", min " + std::to_string(config.min_capacity));
    Elastic q(config);
    std::deque<std::uint64_t> model;
    std::minstd_rand rng(static_cast<std::uint_fast32_t>(config.max_capacity * 7919 + config.min_capacity));
    std::uint64_t next = 0;
    std::vector<Item> out(3 * config.max_capacity + 1);
    for (int step = 0; step < 4000; ++step) {
      const std::size_t n = size_in(rng, 2 * config.max_capacity + 1);
      const bool single = step % 5 == 0;
      if (step % 2 == 0) {
        auto batch = items(0, next, single ? 1 : n);
        const std::size_t k = single ? (q.try_push(std::move(batch[0])) ? 1 : 0) : q.try_push_bulk(batch.data(), n);
        if (config.min_capacity == config.max_capacity) {
          ASSERT_EQ(k, std::min(batch.size(), config.max_capacity - model.size())) << "step " << step;
        }
        for (std::size_t i = 0; i < k; ++i) model.push_back(next++);
      } else {
        Item one;
        const std::size_t k = single ? (q.try_pop(one) ? 1 : 0) : q.try_pop_bulk(out.data(), n);
        if (single && k == 1) out[0] = one;
        ASSERT_LE(k, model.size()) << "step " << step;
        if (!model.empty()) {
          ASSERT_GT(k, 0u) << "step " << step << ": nothing popped from a queue holding " << model.size();
        }
        for (std::size_t i = 0; i < k; ++i) {
          ASSERT_EQ(out[i].seq, model.front()) << "step " << step << ", item " << i;
          model.pop_front();
        }
      }
    }
    EXPECT_GT(next, 10 * config.max_capacity) << "too few laps";
  }
}

// Fills with no consumer until a push takes less than it was given.
std::uint64_t fill_in_bulk(Elastic& q, std::size_t n, std::uint64_t limit) {
  std::uint64_t pushed = 0;
  while (pushed < limit) {
    auto batch = items(0, pushed, n);
    const std::size_t k = q.try_push_bulk(batch.data(), n);
    pushed += k;
    if (k < n) break;
  }
  return pushed;
}

TEST(BulkElastic, bulk_pushes_grow_exactly_where_single_pushes_do) {
  for (const ElasticConfig& config :
       {ElasticConfig{.initial_capacity = 4, .min_capacity = 4, .max_capacity = 1024},
        ElasticConfig{.initial_capacity = 3, .min_capacity = 1, .max_capacity = 100, .growth_factor = 1.5}}) {
    SCOPED_TRACE("max " + std::to_string(config.max_capacity));
    Elastic singles(config);
    std::uint64_t fitted = 0;
    while (singles.try_push(Item{0, fitted})) ++fitted;
    for (std::size_t n : {1u, 7u, 64u, 1000u}) {
      SCOPED_TRACE("bulk of " + std::to_string(n));
      Elastic q(config);
      EXPECT_EQ(fill_in_bulk(q, n, 100 * config.max_capacity), fitted);
      EXPECT_EQ(q.grow_count(), singles.grow_count());
      EXPECT_EQ(q.approx_capacity(), config.max_capacity);
      std::vector<Item> out(13);
      std::uint64_t popped = 0;
      while (const std::size_t k = q.try_pop_bulk(out.data(), out.size())) {
        for (std::size_t i = 0; i < k; ++i) ASSERT_EQ(out[i].seq, popped + i);
        popped += k;
      }
      EXPECT_EQ(popped, fitted);
    }
  }
}

class BulkElasticLifetime : public ::testing::Test {
 protected:
  void SetUp() override {
    LifetimeLedger::instance().clear_errors();
    live_at_start_ = LifetimeLedger::instance().live();
  }
  void TearDown() override {
    EXPECT_EQ(LifetimeLedger::instance().live(), live_at_start_) << "leaked Tracked objects";
    EXPECT_EQ(LifetimeLedger::instance().error_count(), 0u) << LifetimeLedger::instance().errors();
  }
  std::size_t live_at_start_ = 0;
};

// At max capacity with room r < n: exactly r taken, in order, and items[r..n)
// still hold their values (reading a moved-from Tracked is a ledger error).
TEST_F(BulkElasticLifetime, bulk_push_at_max_capacity_takes_exactly_the_room) {
  for (const ElasticConfig& config : {ElasticConfig{.initial_capacity = 8, .min_capacity = 8, .max_capacity = 8},
                                      ElasticConfig{.initial_capacity = 4, .min_capacity = 4, .max_capacity = 16}}) {
    SCOPED_TRACE("max " + std::to_string(config.max_capacity));
    MpscElastic<Tracked> q(config);
    // Rings of 4, 8, 16 each fill before the next is made: 28 items fit.
    const std::uint64_t fits = config.initial_capacity == 8 ? 8 : 28;
    for (std::uint64_t v = 0; v + 3 < fits; ++v) ASSERT_TRUE(q.try_push(Tracked(v)));
    std::vector<Tracked> batch;
    for (std::uint64_t i = 0; i < 10; ++i) batch.emplace_back(fits - 3 + i);
    EXPECT_EQ(q.try_push_bulk(batch.data(), batch.size()), 3u);
    EXPECT_EQ(q.try_push_bulk(batch.data() + 3, batch.size() - 3), 0u) << "a full queue took more";
    for (std::uint64_t i = 3; i < 10; ++i) EXPECT_EQ(batch[i].value(), fits - 3 + i) << "an item not taken was touched";
    EXPECT_EQ(q.approx_capacity(), config.max_capacity);
    std::vector<Tracked> out(5);
    std::uint64_t popped = 0;
    while (const std::size_t k = q.try_pop_bulk(out.data(), out.size())) {
      for (std::size_t i = 0; i < k; ++i) ASSERT_EQ(out[i].value(), popped + i);
      popped += k;
    }
    EXPECT_EQ(popped, fits);
    ASSERT_EQ(q.try_push_bulk(batch.data() + 3, 7), 7u) << "no room after the drain";
  }  // the queue's destructor destroys the 7 left in it
}

TEST_F(BulkElasticLifetime, bulk_pop_of_an_empty_queue_returns_zero_and_leaves_out_alone) {
  MpscElastic<Tracked> q(ElasticConfig{.initial_capacity = 2, .min_capacity = 2, .max_capacity = 64});
  std::vector<Tracked> out;
  for (std::uint64_t i = 0; i < 8; ++i) out.emplace_back(1000 + i);
  auto untouched = [&] {
    for (std::uint64_t i = 0; i < 8; ++i) ASSERT_EQ(out[i].value(), 1000 + i);
  };
  EXPECT_EQ(q.try_pop_bulk(out.data(), out.size()), 0u) << "new queue";
  untouched();
  for (int round = 0; round < 3; ++round) {
    std::vector<Tracked> batch;
    for (std::uint64_t i = 0; i < 40; ++i) batch.emplace_back(i);  // grows from 2 to 64
    ASSERT_EQ(q.try_push_bulk(batch.data(), batch.size()), 40u);
    EXPECT_EQ(q.try_pop_bulk(out.data(), 0), 0u) << "n = 0 took something";
    untouched();
    std::vector<Tracked> sink(7);
    std::uint64_t popped = 0;
    while (const std::size_t k = q.try_pop_bulk(sink.data(), sink.size())) popped += k;
    EXPECT_EQ(popped, 40u);
    EXPECT_EQ(q.try_pop_bulk(out.data(), out.size()), 0u) << "drained queue, round " << round;
    untouched();
  }
}

TEST(BulkElastic, shrinks_back_to_min_and_frees_rings_with_bulk_calls) {
  const ElasticConfig config{.initial_capacity = 4, .min_capacity = 4, .max_capacity = 1024};
  Elastic q(config);
  std::minstd_rand rng(42);
  std::uint64_t next = 0, expected = 0;
  std::vector<Item> out(64);
  for (int round = 0; round < 5; ++round) {
    while (next < (round + 1) * 1000u) {
      const std::size_t n = std::min<std::size_t>(size_in(rng, 50), (round + 1) * 1000u - next);
      auto batch = items(0, next, n);
      ASSERT_EQ(q.try_push_bulk(batch.data(), n), n);
      next += n;
    }
    EXPECT_GT(q.approx_capacity(), config.min_capacity) << "round " << round;
    while (const std::size_t k = q.try_pop_bulk(out.data(), size_in(rng, out.size()))) {
      for (std::size_t i = 0; i < k; ++i) ASSERT_EQ(out[i].seq, expected++);
    }
    ASSERT_EQ(expected, next);
    // Each bulk pop that finds the queue empty may shrink by one step.
    for (int i = 0; i < 40 && q.approx_capacity() > config.min_capacity; ++i) {
      EXPECT_EQ(q.try_pop_bulk(out.data(), out.size()), 0u);
    }
    EXPECT_EQ(q.approx_capacity(), config.min_capacity) << "round " << round;
    // This thread's hazard pins at most one ring; every other retired one is freed.
    EXPECT_LE(q.retired_pending(), 1u) << "round " << round;
  }
  EXPECT_EQ(q.grow_count(), 5u * 7) << "1000 items fill rings of 4 to 512: 7 grows a round";
  EXPECT_GE(q.shrink_count(), 5u);
}

}  // namespace
}  // namespace qb::test
