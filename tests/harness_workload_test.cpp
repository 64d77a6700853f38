// The workload engine: the pacer keeps its schedule on an unloaded queue and
// says "saturated" (with latency growing) behind a slow consumer; admission
// counts rejections and keeps the depth within capacity plus one item per
// producer; fair lanes starve no lane where strict ones do; give-up counts
// what it abandons. Every run is also validated exactly-once.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "harness/run/payload.hpp"
#include "harness/workloads/engine.hpp"
#include "queues/locked_ring.hpp"
#include "queues/mpsc_elastic.hpp"
#include "queues/mutex_deque.hpp"
#include "queues/segmented.hpp"
#include "queues/sequence_ring.hpp"

namespace qb::test {
namespace {

using namespace std::chrono_literals;
using Item = Payload<8>;

// Sanitizers slow the producers 5-20x; the tests that need a consumer slower
// than its producers slow it down as much.
#if defined(QB_UNDER_SANITIZER)
constexpr std::uint64_t kSlower = 10;
#else
constexpr std::uint64_t kSlower = 1;
#endif

PointParams base(int producers, int consumers, std::chrono::nanoseconds duration) {
  PointParams p;
  p.producers = producers;
  p.consumers = consumers;
  p.duration = duration;
  p.warmup = 50ms;
  p.counters = none_counter_selection();
  p.latency = LatencyMode::e2e;
  return p;
}

std::vector<int> unpinned(const PointParams& p) { return std::vector<int>(static_cast<std::size_t>(p.producers + p.consumers), -1); }

template <class Q>
RepResult run(const PointParams& p) {
  RepResult rep = run_workload<Q>(p, unpinned(p));
  EXPECT_EQ(rep.status, RepStatus::ok) << rep.failure;
  EXPECT_TRUE(rep.validation.valid()) << "lost " << rep.validation.lost << " duplicated " << rep.validation.duplicated;
  return rep;
}

std::uint64_t e2e_p50(const RepResult& rep) { return rep.latency.at("e2e").at("p50_ns").get<std::uint64_t>(); }

// The rates are read off a timed window, so a producer or consumer that the
// scheduler parks for 20 ms across the window's end (tests run two at a time
// on two cores) moves them by 1%. Up to three attempts: a pacer that misses
// its rate misses it every time.
TEST(Pacer, keeps_the_target_rate_within_one_percent_on_an_unloaded_queue) {
  PointParams p = base(1, 1, 2s);
  p.workload.kind = WorkloadKind::paced;
  p.workload.rate_per_s = 10'000;
  std::string attempts;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const RepResult rep = run<Segmented<Item>>(p);
    auto m = rep.workload_metrics;
    EXPECT_FALSE(m.at("rate_series").at("t_s").empty());
    EXPECT_EQ(m.at("target_rate_per_s").get<double>(), 10'000);
    m.erase("rate_series");
    const double offered = m.at("offered_rate_per_s").get<double>();
    const double achieved = m.at("achieved_rate_per_s").get<double>();
    if (std::abs(offered - 10'000) <= 100 && std::abs(achieved - 10'000) <= 100 && !m.at("saturated").get<bool>()) {
      return;
    }
    attempts += m.dump() + "\n";
  }
  ADD_FAILURE() << "offered or achieved rate off by more than 1% in all three attempts:\n" << attempts;
}

TEST(Pacer, a_slow_consumer_saturates_the_run_and_the_paced_latency_grows) {
  PointParams fast = base(1, 1, 500ms);
  fast.workload.kind = WorkloadKind::paced;
  fast.workload.rate_per_s = 5'000;
  PointParams slow = fast;
  slow.workload.consumer_work_ns = 500'000;  // 2,000 items/s at most, against 5,000 offered
  const RepResult unloaded = run<Segmented<Item>>(fast);
  const RepResult saturated = run<Segmented<Item>>(slow);
  EXPECT_FALSE(unloaded.workload_metrics.at("saturated").get<bool>()) << unloaded.workload_metrics.dump();
  EXPECT_TRUE(saturated.workload_metrics.at("saturated").get<bool>()) << saturated.workload_metrics.dump();
  EXPECT_LT(saturated.workload_metrics.at("achieved_rate_per_s").get<double>(), 2'100);
  // Items wait behind a growing backlog: by the window's middle, tens of ms.
  EXPECT_GT(e2e_p50(saturated), 10 * e2e_p50(unloaded) + 10'000'000) << e2e_p50(saturated) << " vs " << e2e_p50(unloaded);
}

TEST(Admission, counts_rejections_and_keeps_depth_within_capacity_plus_producers) {
  PointParams p = base(2, 1, 400ms);
  p.workload.kind = WorkloadKind::admission;
  p.workload.soft_capacity = 1000;
  p.workload.consumer_work_ns = 10'000 * kSlower;
  p.workload.sample_interval = 1ms;
  const RepResult rep = run<Segmented<Item>>(p);
  const auto& m = rep.workload_metrics;
  EXPECT_GT(m.at("rejections").get<std::uint64_t>(), 0u) << m.dump();
  EXPECT_LE(m.at("max_depth").get<std::int64_t>(), 1000 + 2);
  EXPECT_GE(m.at("max_depth").get<std::int64_t>(), 800);  // it did fill up
  EXPECT_GT(m.at("backpressure_fraction").get<double>(), 0.5);
  for (auto d : m.at("depth_series").at("depth")) EXPECT_LE(d.get<std::int64_t>(), 1000 + 2);
}

PointParams lanes(LanePolicy policy) {
  PointParams p = base(2, 1, 500ms);
  p.workload.kind = WorkloadKind::priority_lanes;
  p.workload.policy = policy;
  p.workload.fair_k = 4;
  // The consumer is the bottleneck, so every lane backs up; each lane holds
  // 100 ms of work, longer than a descheduled producer stays away.
  p.workload.consumer_work_ns = 5'000 * kSlower;
  for (auto& lane : p.workload.lanes) lane = LaneParams{.soft_capacity = 20'000 / kSlower, .weight = 1.0};
  return p;
}

TEST(PriorityLanes, strict_order_starves_the_low_lane_and_fair_order_starves_none) {
  const RepResult strict = run<MutexDeque<Item>>(lanes(LanePolicy::strict));
  const RepResult fair = run<MutexDeque<Item>>(lanes(LanePolicy::fair));
  auto counts = [](const nlohmann::json& lanes) {
    std::string text;
    for (const auto& l : lanes) {
      text += fmt::format("{}: delivered {} rejected {} starved {}; ", l.at("name").get<std::string>(),
                          l.at("delivered").get<std::uint64_t>(), l.at("rejected").get<std::uint64_t>(),
                          l.at("starved").get<bool>());
    }
    return text;
  };
  const auto& s = strict.workload_metrics.at("lanes");
  const auto& f = fair.workload_metrics.at("lanes");
  EXPECT_TRUE(s.at(2).at("starved").get<bool>()) << counts(s);
  EXPECT_GT(s.at(0).at("delivered").get<std::uint64_t>(), 0u) << counts(s);
  for (const auto& lane : f) {
    EXPECT_FALSE(lane.at("starved").get<bool>()) << counts(f);
    EXPECT_GT(lane.at("delivered").get<std::uint64_t>(), 0u) << counts(f);
  }
  EXPECT_EQ(f.at(0).at("name"), "high");
}

TEST(GiveUp, abandons_items_on_a_full_ring_and_reports_the_success_rate) {
  PointParams p = base(2, 1, 300ms);
  p.capacity = 2;
  p.workload.kind = WorkloadKind::give_up;
  p.workload.give_up_after = 1;
  p.workload.consumer_work_ns = 20'000;
  const RepResult rep = run<SequenceRing<Item>>(p);
  const auto& m = rep.workload_metrics;
  const auto attempted = m.at("attempted").get<std::uint64_t>();
  const auto given_up = m.at("given_up").get<std::uint64_t>();
  EXPECT_GT(given_up, 0u) << m.dump();
  EXPECT_DOUBLE_EQ(m.at("success_rate").get<double>(),
                   static_cast<double>(attempted - given_up) / static_cast<double>(attempted));
  EXPECT_LT(m.at("success_rate").get<double>(), 1.0);
}

TEST(Burst, samples_the_elastic_capacity_as_it_grows) {
  PointParams p = base(2, 1, 600ms);
  p.elastic = ElasticParams{.set = true, .initial_capacity = 64, .min_capacity = 64, .max_capacity = 65536,
                            .growth_factor = 2.0, .shrink_threshold = 0.25};
  p.workload.kind = WorkloadKind::burst;
  p.workload.burst_items = 5000;
  p.workload.idle = 100ms;
  p.workload.consumer_work_ns = 2'000 * kSlower;
  p.workload.sample_interval = 2ms;
  const RepResult rep = run<MpscElastic<Item>>(p);
  const auto& caps = rep.workload_metrics.at("capacity_series").at("capacity");
  ASSERT_FALSE(caps.empty());
  std::int64_t high = 0;
  for (auto c : caps) {
    EXPECT_GE(c.get<std::int64_t>(), 64);
    EXPECT_LE(c.get<std::int64_t>(), 65536);
    high = std::max(high, c.get<std::int64_t>());
  }
  EXPECT_GT(high, 64) << "the capacity never grew";
}

// --wait block: threads wait inside the queue's own push/pop where it has
// them, else inside the harness's (harness/run/harness_block.hpp); either
// run is as valid as a spinning one, and says whose calls it made.
TEST(WaitBlock, runs_a_blocking_queue_through_its_own_push_and_pop) {
  PointParams p = base(2, 2, 300ms);
  p.capacity = 4;
  p.wait = WaitMode::block;
  const RepResult rep = run_repetition<LockedRing<Payload<8>>>(p, unpinned(p));
  EXPECT_EQ(rep.status, RepStatus::ok) << rep.failure;
  EXPECT_TRUE(rep.validation.valid());
  EXPECT_GT(rep.items, 0u);
  EXPECT_EQ(rep.block_kind, BlockKind::native);
  static_assert(detail::kHasBlockingOps<LockedRing<Payload<8>>>);
  static_assert(!detail::kHasBlockingOps<SequenceRing<Payload<8>>>);
}

// A ring of 4 between 2 producers and 2 consumers: both sides sleep often,
// on a full ring and on an empty one, and a lost wake-up would show as an
// invalid run or one that stalls.
TEST(WaitBlock, runs_a_queue_without_blocking_calls_through_the_harness_layer) {
  for (const std::uint32_t spin : {0u, 100u}) {
    PointParams p = base(2, 2, 300ms);
    p.capacity = 4;
    p.wait = WaitMode::block;
    p.block_spin = spin;
    const RepResult rep = run_repetition<SequenceRing<Payload<8>>>(p, unpinned(p));
    EXPECT_EQ(rep.status, RepStatus::ok) << rep.failure;
    EXPECT_TRUE(rep.validation.valid());
    EXPECT_GT(rep.items, 0u);
    EXPECT_EQ(rep.wait_policy, WaitPolicy::block);
    EXPECT_EQ(rep.block_kind, BlockKind::harness) << "spin " << spin;
  }
}

TEST(WaitBlock, a_spinning_run_makes_no_blocking_calls) {
  PointParams p = base(1, 1, 100ms);
  p.capacity = 64;
  const RepResult rep = run_repetition<SequenceRing<Payload<8>>>(p, unpinned(p));
  EXPECT_EQ(rep.status, RepStatus::ok) << rep.failure;
  EXPECT_EQ(rep.block_kind, BlockKind::none);
}

// Workloads run through the same skeleton, so --wait block works for them too.
TEST(WaitBlock, runs_a_paced_workload_through_the_queues_own_push_and_pop) {
  PointParams p = base(2, 1, 300ms);
  p.capacity = 4;
  p.wait = WaitMode::block;
  p.workload.kind = WorkloadKind::paced;
  p.workload.rate_per_s = 20000;
  const RepResult rep = run<LockedRing<Payload<8>>>(p);
  EXPECT_EQ(rep.wait_policy, WaitPolicy::block);
  EXPECT_GT(rep.items, 0u);
}

}  // namespace
}  // namespace qb::test
