// Latency recording sees what happens: a consumer that stalls 100 us on every
// 1000th pop shows in the tail (p99.9, max) and not in the median, in the
// sampled end-to-end latency (1 item in 64) as in the per-operation cost.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "harness/counters/counters.hpp"
#include "harness/measure/clock.hpp"
#include "harness/run/payload.hpp"
#include "harness/run/point_runner.hpp"
#include "queues/sequence_ring.hpp"

namespace {

using namespace std::chrono_literals;

template <class T>
class StallEvery1000thPop {
 public:
  using value_type = T;
  static constexpr qb::QueueTraits traits = [] {
    auto t = qb::SequenceRing<T>::traits;
    t.name = "stall_every_1000th_pop";
    return t;
  }();
  explicit StallEvery1000thPop(std::size_t capacity) : ring_(capacity) {}
  bool try_push(T&& v) { return ring_.try_push(std::move(v)); }
  bool try_pop(T& out) {
    if (!ring_.try_pop(out)) return false;
    if (++pops_ % 1000 == 0) std::this_thread::sleep_for(100us);
    return true;
  }

 private:
  qb::SequenceRing<T> ring_;
  std::uint64_t pops_ = 0;  // one consumer
};

qb::PointParams stalled_point(qb::LatencyMode latency) {
  qb::PointParams p;
  p.producers = 1;
  p.consumers = 1;
  p.capacity = 64;
  p.items = 100000;
  p.warmup = 10ms;
  p.placement = qb::Placement::none;
  p.latency = latency;
  p.op_sample_period = 1;
  p.counters = qb::none_counter_selection();
  return p;
}

std::uint64_t ns(const nlohmann::json& block, const char* key) { return block.at(key).get<std::uint64_t>(); }

TEST(Latency, a_periodic_stall_shows_in_the_e2e_tail_and_not_the_median) {
  const auto clock = qb::Clock::calibrate();
  const auto params = stalled_point(qb::LatencyMode::e2e);
  const auto rep = qb::run_repetition<StallEvery1000thPop<qb::Payload<8>>>(params, {-1, -1}, clock);
  ASSERT_EQ(rep.status, qb::RepStatus::ok) << rep.failure;
  const auto& e2e = rep.latency.at("e2e");
  // About 100,000 / 64 items are in the sample, and every one was paired.
  EXPECT_EQ(e2e.at("sample").at("period"), 64u);
  EXPECT_EQ(e2e.at("count"), e2e.at("sample").at("sampled"));
  EXPECT_GE(e2e.at("count").get<std::uint64_t>(), 1200u);
  EXPECT_EQ(e2e.at("sample").at("unmatched"), 0u);
  EXPECT_GE(ns(e2e, "max_ns"), 100'000u);
  EXPECT_GE(ns(e2e, "p99_9_ns"), 50'000u);
  EXPECT_LT(ns(e2e, "p50_ns"), ns(e2e, "p99_9_ns") / 2);
}

TEST(Latency, a_periodic_stall_shows_in_the_pop_cost_max_and_not_its_median) {
  const auto clock = qb::Clock::calibrate();
  const auto params = stalled_point(qb::LatencyMode::ops);
  const auto rep = qb::run_repetition<StallEvery1000thPop<qb::Payload<8>>>(params, {-1, -1}, clock);
  ASSERT_EQ(rep.status, qb::RepStatus::ok) << rep.failure;
  const auto& pop = rep.latency.at("pop");
  EXPECT_GE(ns(pop, "max_ns"), 100'000u);
  EXPECT_LT(ns(pop, "p50_ns"), 50'000u);
  // Every 1000th pop stalls: at least 0.1% of the samples are >= 100 us, so
  // the top 0.1% (p99.9's bucket and above) reaches them.
  EXPECT_GE(ns(pop, "max_ns"), ns(pop, "p99_9_ns"));
}

TEST(Latency, off_records_no_histograms_and_every_run_has_latency_and_counters_blocks) {
  auto params = stalled_point(qb::LatencyMode::off);
  params.counters = *qb::parse_counter_selection("task-clock,context-switches");
  const auto rep = qb::run_repetition<qb::SequenceRing<qb::Payload<8>>>(params, {-1, -1});
  ASSERT_EQ(rep.status, qb::RepStatus::ok) << rep.failure;
  EXPECT_EQ(rep.latency.at("mode"), "off");
  EXPECT_FALSE(rep.latency.contains("e2e"));
  ASSERT_FALSE(rep.counters.at("readings").empty());
  const auto reading = rep.counters.at("readings").at(0).at("reading").get<qb::ThreadCounterReading>();
  const qb::EventReading* task_clock = reading.find(qb::CounterEvent::task_clock);
  ASSERT_NE(task_clock, nullptr);
  EXPECT_EQ(task_clock->status, qb::CounterStatus::ok);
  EXPECT_GT(task_clock->value.value_or(0), 0);
}

}  // namespace
