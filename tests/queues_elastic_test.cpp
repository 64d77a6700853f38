// The elastic queues (every registered queue built from an ElasticConfig:
// mpsc_elastic, elastic_locked) beyond the common suites: config validation
// and its messages, where try_push may fail, and capacity that grows and
// shrinks within [min, max] during a concurrent run without losing an item.
// elastic_locked's own resize steps are in queues_elastic_locked_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "queues/registry.hpp"
#include "tests/stress_driver.hpp"
#include "tests/test_support.hpp"

namespace qb::test {
namespace {

template <class Q>
class ElasticSpecific : public ::testing::Test {};

using ElasticQueues = registry_where<::testing::Types, IsElastic, Item>;
TYPED_TEST_SUITE(ElasticSpecific, ElasticQueues);

// What `attempt` threw as std::invalid_argument, or "<accepted>".
template <class F>
std::string rejection(F attempt) {
  try {
    attempt();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<accepted>";
}

struct BadConfig {
  ElasticConfig config;
  std::string message;
};

// Each message starts with the queue's own name: "mpsc_elastic config: ...",
// "elastic_locked config: ...".
TYPED_TEST(ElasticSpecific, rejects_each_invalid_config_with_its_documented_message) {
  using Elastic = TypeParam;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const std::string name(Elastic::traits.name);
  const std::string prefix = name + " config: ";
  const std::string order = prefix + "need min_capacity <= initial_capacity <= max_capacity";
  const std::string growth = prefix + "growth_factor must be > 1";
  const std::string shrink = prefix + "shrink_threshold must be in (0, 1)";
  const std::vector<BadConfig> cases = {
      {{.initial_capacity = 0}, prefix + "initial_capacity must be > 0 (got 0)"},
      {{.min_capacity = 0}, prefix + "min_capacity must be > 0 (got 0)"},
      {{.max_capacity = 0}, prefix + "max_capacity must be > 0 (got 0)"},
      {{.initial_capacity = 4, .min_capacity = 8, .max_capacity = 16}, order + " (got 8 <= 4 <= 16)"},
      {{.initial_capacity = 32, .min_capacity = 8, .max_capacity = 16}, order + " (got 8 <= 32 <= 16)"},
      {{.initial_capacity = 8, .min_capacity = 32, .max_capacity = 16}, order + " (got 32 <= 8 <= 16)"},
      {{.growth_factor = 1.0}, growth + " (got 1)"},
      {{.growth_factor = 0.5}, growth + " (got 0.5)"},
      {{.growth_factor = -2.0}, growth + " (got -2)"},
      {{.growth_factor = kNaN}, growth + " (got nan)"},
      {{.shrink_threshold = 1.5}, shrink + " (got 1.5)"},
      {{.shrink_threshold = 0.0}, shrink + " (got 0)"},
      {{.shrink_threshold = 1.0}, shrink + " (got 1)"},
      {{.shrink_threshold = -0.25}, shrink + " (got -0.25)"},
      {{.shrink_threshold = kNaN}, shrink + " (got nan)"},
  };
  for (const auto& [config, message] : cases) {
    SCOPED_TRACE(message);
    EXPECT_THROW(config.validate(name), std::invalid_argument);
    EXPECT_EQ(rejection([&] { config.validate(name); }), message);
    EXPECT_EQ(rejection([&] { Elastic q(config); }), message) << "the constructor must validate too";
  }
}

TYPED_TEST(ElasticSpecific, accepts_valid_configs) {
  using Elastic = TypeParam;
  const std::vector<ElasticConfig> cases = {
      {},
      {.initial_capacity = 1, .min_capacity = 1, .max_capacity = 1},
      {.initial_capacity = 4, .min_capacity = 4, .max_capacity = 1024},
      {.initial_capacity = 16, .min_capacity = 8, .max_capacity = 64,
       .growth_factor = 1.5, .shrink_threshold = 0.5},
      {.initial_capacity = 3, .min_capacity = 2, .max_capacity = 7,
       .growth_factor = 1.01, .shrink_threshold = 0.99},
  };
  for (const auto& config : cases) {
    SCOPED_TRACE("initial " + std::to_string(config.initial_capacity));
    EXPECT_NO_THROW(config.validate(Elastic::traits.name));
    Elastic q(config);
    EXPECT_EQ(q.approx_capacity(), config.initial_capacity);
    EXPECT_EQ(q.grow_count(), 0u);
    EXPECT_EQ(q.shrink_count(), 0u);
  }
  EXPECT_EQ(Elastic(0).approx_capacity(), ElasticConfig{}.initial_capacity) << "0 selects the default config";
}

// Fills `q` with no consumer until try_push fails; returns how many fit.
template <class Elastic>
std::uint64_t fill(Elastic& q, std::uint64_t limit) {
  std::uint64_t n = 0;
  while (n < limit && q.try_push(Item{0, n})) ++n;
  return n;
}

// How many items fit, with no consumer, in a queue growing by 2 from 4 to
// 1024. mpsc_elastic seals each full ring and links a bigger one; the sealed
// rings keep their items until the consumer drains them, so each ring, 4 to
// 1024, fills before the next is made. elastic_locked copies its items into
// the bigger buffer, so it holds max_capacity items at most.
template <class Elastic>
std::uint64_t expected_fill_4_to_1024() {
  if constexpr (std::is_same_v<Elastic, MpscElastic<Item>>) {
    return 4u + 8 + 16 + 32 + 64 + 128 + 256 + 512 + 1024;
  } else {
    return 1024;
  }
}

TYPED_TEST(ElasticSpecific, try_push_fails_only_when_full_at_max_capacity) {
  using Elastic = TypeParam;
  // Fixed at 8: exactly 8 fit.
  Elastic fixed(ElasticConfig{.initial_capacity = 8, .min_capacity = 8, .max_capacity = 8});
  EXPECT_EQ(fill(fixed, 100), 8u);
  EXPECT_EQ(fixed.grow_count(), 0u);

  // Growing from 4 to 1024: every one of the first max pushes succeeds, and
  // the first failure comes only once producers fill a ring of max capacity.
  // (Rings sealed on the way keep their items until the consumer drains
  // them, so more than max items may fit in all.)
  for (const ElasticConfig& config :
       {ElasticConfig{.initial_capacity = 4, .min_capacity = 4, .max_capacity = 1024},
        ElasticConfig{.initial_capacity = 3, .min_capacity = 1, .max_capacity = 100,
                      .growth_factor = 1.5}}) {
    SCOPED_TRACE("max " + std::to_string(config.max_capacity));
    Elastic q(config);
    const std::uint64_t fitted = fill(q, 100 * config.max_capacity);
    EXPECT_GE(fitted, config.max_capacity);
    EXPECT_LT(fitted, 100 * config.max_capacity) << "try_push never failed";
    if (config.growth_factor == 2.0) {
      EXPECT_EQ(fitted, expected_fill_4_to_1024<Elastic>());
    }
    EXPECT_EQ(q.approx_capacity(), config.max_capacity) << "failed below max capacity";
    EXPECT_GT(q.grow_count(), 0u);
    EXPECT_FALSE(q.try_push(Item{0, fitted})) << "a full queue at max accepted one more";
    Item out;
    for (std::uint64_t i = 0; i < fitted; ++i) {
      ASSERT_TRUE(q.try_pop(out)) << "pop " << i;
      ASSERT_EQ(out.seq, i);
    }
    EXPECT_FALSE(q.try_pop(out));
  }

  // Q(capacity): capacity is the max.
  Elastic sized(64);
  EXPECT_GE(fill(sized, 10'000), 64u);
  EXPECT_EQ(sized.approx_capacity(), 64u);
}

TYPED_TEST(ElasticSpecific, shrinks_back_to_min_once_drained) {
  using Elastic = TypeParam;
  const ElasticConfig config{.initial_capacity = 4, .min_capacity = 4, .max_capacity = 1024};
  Elastic q(config);
  ASSERT_EQ(fill(q, 1000), 1000u);
  const auto grown = q.approx_capacity();
  EXPECT_GT(grown, config.min_capacity);
  Item out;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    ASSERT_TRUE(q.try_pop(out));
    ASSERT_EQ(out.seq, i);
  }
  // Each pop that finds the queue empty may shrink by one step.
  for (int i = 0; i < 40 && q.approx_capacity() > config.min_capacity; ++i) {
    EXPECT_FALSE(q.try_pop(out));
    EXPECT_GE(q.approx_capacity(), config.min_capacity);
  }
  EXPECT_EQ(q.approx_capacity(), config.min_capacity);
  EXPECT_GT(q.shrink_count(), 0u);
  // And it still works at min.
  ASSERT_EQ(fill(q, 2), 2u);
  ASSERT_TRUE(q.try_pop(out));
  EXPECT_EQ(out.seq, 0u);
}

TYPED_TEST(ElasticSpecific, grows_and_shrinks_within_bounds_during_a_concurrent_run) {
  using Elastic = TypeParam;
  const ElasticConfig config{.initial_capacity = 4, .min_capacity = 4, .max_capacity = 1024,
                             .growth_factor = 2.0, .shrink_threshold = 0.25};
  Elastic queue(config);
  StressPlan plan{.producers = 4, .consumers = 1, .items_per_producer = stress_counts(4)};
  const std::uint64_t total = 4 * plan.items_per_producer;
  const std::uint64_t pause_every = total / 4;

  // Three times in the run the consumer stops popping until producers have
  // grown the queue to max; then the producers hold while the consumer drains
  // it, until the emptied queue shrinks. Both waits are bounded.
  std::atomic<bool> hold_producers{false};
  std::atomic<std::uint64_t> shrinks_at_hold{0};
  std::uint64_t grows_in_run = 0;
  std::uint64_t shrinks_in_run = 0;
  // relaxed throughout: flags between hooks, ordered with no data.
  plan.after_pop = [&](int, std::uint64_t popped) {
    if (popped == total) {
      grows_in_run = queue.grow_count();
      shrinks_in_run = queue.shrink_count();
    }
    if (popped % pause_every != 0 || popped + 4 * config.max_capacity >= total) return;
    wait_until([&] { return queue.approx_capacity() == config.max_capacity; }, std::chrono::seconds(5));
    shrinks_at_hold.store(queue.shrink_count(), std::memory_order_relaxed);
    hold_producers.store(true, std::memory_order_relaxed);
  };
  plan.before_push = [&](int, std::uint64_t) {
    if (!hold_producers.load(std::memory_order_relaxed)) return;
    wait_until([&] { return queue.shrink_count() > shrinks_at_hold.load(std::memory_order_relaxed); },
               std::chrono::seconds(5));
    hold_producers.store(false, std::memory_order_relaxed);
  };

  // A monitor samples the capacity producers see, all through the run.
  std::atomic<bool> stop{false};
  std::size_t seen_min = config.max_capacity;
  std::size_t seen_max = 0;
  std::uint64_t samples = 0;
  std::thread monitor([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      const std::size_t c = queue.approx_capacity();
      seen_min = std::min(seen_min, c);
      seen_max = std::max(seen_max, c);
      ++samples;
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  const StressOutcome outcome = run_stress(queue, plan);
  stop.store(true, std::memory_order_relaxed);
  monitor.join();

  const DeliveryReport report =
      check_delivery(outcome.popped, {.producers = 4, .items_per_producer = plan.items_per_producer});
  EXPECT_FALSE(outcome.stalled);
  EXPECT_EQ(outcome.left_over, 0u);
  EXPECT_TRUE(report.clean()) << report;
  EXPECT_GT(grows_in_run, 0u) << "never grew during the run";
  EXPECT_GT(shrinks_in_run, 0u) << "never shrank during the run";
  EXPECT_GT(samples, 0u);
  EXPECT_GE(seen_min, config.min_capacity);
  EXPECT_LE(seen_max, config.max_capacity);
  EXPECT_GT(seen_max, config.min_capacity) << "the monitor never saw the queue grow";
}

// mpsc_elastic's capacity word keeps the generation modulo 2^24; the order
// must survive the wrap, or approx_capacity() would move backwards after
// 2^24 resizes when two advances race.
TEST(MpscElasticGeneration, order_survives_the_24_bit_wrap) {
  using detail::generation_is_newer;
  constexpr std::uint64_t kWrap = std::uint64_t{1} << 24;
  EXPECT_TRUE(generation_is_newer(5, 3));
  EXPECT_FALSE(generation_is_newer(3, 5));
  EXPECT_FALSE(generation_is_newer(7, 7));
  // Past the wrap: generation 2^24 + 1 is stored as 1, and is still newer than 2^24 - 1.
  EXPECT_TRUE(generation_is_newer(kWrap + 1, (kWrap - 1) & detail::kGenerationMask));
  EXPECT_FALSE(generation_is_newer(kWrap - 1, (kWrap + 1) & detail::kGenerationMask));
  EXPECT_TRUE(generation_is_newer(3 * kWrap + 2, (3 * kWrap) & detail::kGenerationMask));
}

}  // namespace
}  // namespace qb::test
