// The non-template parts of the workload engine (engine.hpp): waiting on a
// schedule, simulated work, lane choice, the time series the controller
// samples, and what the threads tally for workload_metrics().
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "harness/measure/clock.hpp"
#include "harness/measure/histogram.hpp"
#include "harness/model/workload.hpp"
#include "harness/run/phase.hpp"
#include "queues/cache_line.hpp"

namespace qb::workload {

// Waits until `clock` reaches `due` (ticks): sleeps while far away, yields
// when near, spins only for the last couple of microseconds. Returns false,
// without waiting further, as soon as `stop` says so.
bool wait_until(const Clock& clock, std::uint64_t due, const std::atomic<Phase>& phase, Phase stop_phase);

// Sleeps `idle` in slices of at most 1 ms, returning early once `phase`
// reaches `stop_phase`.
void idle_for(std::chrono::nanoseconds idle, const std::atomic<Phase>& phase, Phase stop_phase);

// Simulated work: spins on the clock for `ticks` (the TSC is the calibration).
void busy_work(const Clock& clock, std::uint64_t ticks) noexcept;

// xorshift64*: cheap, per thread, seeded from the run's seed.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept : state_(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull) {}
  std::uint64_t next() noexcept {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
  }

 private:
  std::uint64_t state_;
};

// Picks a lane with probability proportional to its weight.
class LanePicker {
 public:
  explicit LanePicker(const std::array<LaneParams, kLaneCount>& lanes);
  int pick(Rng& rng) const noexcept {
    const std::uint32_t r = static_cast<std::uint32_t>(rng.next() >> 32);
    for (int l = 0; l < kLaneCount - 1; ++l) {
      if (r < bounds_[static_cast<std::size_t>(l)]) return l;
    }
    return kLaneCount - 1;
  }

 private:
  std::array<std::uint64_t, kLaneCount> bounds_{};  // cumulative, scaled to 2^32
};

// Fair dequeue order: lanes in priority order, except that a lane passed over
// fair_k times in a row while it had items is tried first. Strict: always
// priority order.
class LaneOrder {
 public:
  LaneOrder(LanePolicy policy, std::uint32_t fair_k) noexcept : fair_(policy == LanePolicy::fair), k_(fair_k) {}
  std::array<int, kLaneCount> order() const noexcept;
  void served(int lane) noexcept;      // an item was popped from `lane`
  void found_empty(int lane) noexcept;  // a try_pop on `lane` failed: it was not being passed over

 private:
  bool fair_;
  std::uint32_t k_;
  std::array<std::uint32_t, kLaneCount> passed_{};
};

// Figures a producer keeps while the window is open.
struct alignas(kFalseSharingRange) ProducerTally {
  std::uint64_t attempted = 0;  // items offered (admission and give-up included)
  std::uint64_t given_up = 0;
  std::uint64_t max_lag_ticks = 0;  // paced: latest push behind its due time
  std::array<std::uint64_t, kLaneCount> offered{}, rejected{};
  std::array<std::uint64_t, kLaneCount> pushed{};  // in all (not only the window): per-lane sequence numbers
};

// Figures a consumer keeps while the window is open.
struct alignas(kFalseSharingRange) ConsumerTally {
  std::array<std::uint64_t, kLaneCount> delivered{};
  std::array<Histogram, kLaneCount> lane_latency;  // priority_lanes: e2e per lane, ns
};

// Time series sampled by the controlling thread while the window is open.
struct Series {
  std::vector<double> t_s;
  std::vector<std::int64_t> depth;       // soft-capacity depth counters, summed over lanes
  std::vector<std::int64_t> capacity;    // the queue's approx_capacity(), -1 if it has none
  std::vector<double> achieved_per_s;    // items popped per second since the previous sample
};

// The interval between samples: the workload's, stretched so that a long
// window keeps at most about 4000 samples.
std::chrono::nanoseconds sample_interval(const WorkloadParams& w, std::chrono::nanoseconds window);

struct Tallies {
  double elapsed_s = 0;
  double producer_span_s = 0, consumer_span_s = 0;  // each role's first window start to its last stop
  std::uint64_t pushed_in_window = 0, popped_in_window = 0;
  std::vector<ProducerTally> const* producers = nullptr;
  std::vector<ConsumerTally> const* consumers = nullptr;
  const Series* series = nullptr;
  double ns_per_tick = 1;
};

// The repetition's "workload_metrics" block (shapes documented in model/repetition_json.cpp).
nlohmann::json workload_metrics(const WorkloadParams& w, const Tallies& t);

}  // namespace qb::workload

namespace qb::workload {

// The point's "workload_metrics": the median of every number over the
// repetitions, a flag true if it was true in any of them, lanes likewise with
// their latency histograms merged; series stay in the repetitions.
nlohmann::json aggregate_workload_metrics(const std::vector<const nlohmann::json*>& reps);

}  // namespace qb::workload
