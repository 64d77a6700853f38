// The workloads other than throughput (workload.hpp) as steps of the run
// skeleton (timeline.hpp), which gives them the same timeline, pinning,
// waiting, counters, latency sample and exactly-once validation as plain
// throughput. What they add: pacing, admission, lanes, give-up and bursts on
// the producers' side, lane order and simulated work on the consumers' side,
// and a sampler of depth, capacity and rate while the window is open.
//
// Validation sources: with lanes, producer p's items to lane l carry source
// p * 3 + l, each source numbering its items 0, 1, 2, ...; so exactly-once and
// per-(producer, lane) order are checked as for any producer. The latency
// sample notes an item's intended send time when paced, else its push time.
#pragma once

#include <array>
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

#include "harness/run/make_queue.hpp"
#include "harness/run/point_runner.hpp"
#include "harness/workloads/engine_support.hpp"

namespace qb {

template <Queue Q>
class WorkloadSteps {
 public:
  using Item = typename Q::value_type;
  // The sampler computes the achieved rate from the consumers' counts.
  static constexpr bool kPublishEveryPop = true;

  WorkloadSteps(const PointParams& params, const Clock& clock)
      : params_(params),
        wl_(params.workload),
        clock_(clock),
        lanes_(wl_.lanes_on() ? kLaneCount : 1),
        track_depth_(wl_.samples_depth() || wl_.soft_capacity > 0),
        work_ticks_(clock.from_ns(wl_.consumer_work_ns)),
        // Paced: producer p's item k is due at t0 + (k + p / np) * ticks_per_item,
        // the producers' schedules interleaved evenly.
        ticks_per_item_(wl_.paced() ? static_cast<double>(clock.from_ns(1'000'000'000)) * params.producers /
                                          wl_.rate_per_s
                                    : 0.0),
        producers_(static_cast<std::size_t>(params.producers)),
        ptally_(static_cast<std::size_t>(params.producers)),
        ctally_(static_cast<std::size_t>(params.consumers)) {
    soft_cap_ = {wl_.soft_capacity, 0, 0};
    if (wl_.lanes_on()) {
      for (int l = 0; l < kLaneCount; ++l) soft_cap_[lane(l)] = wl_.lanes[lane(l)].soft_capacity;
    }
    for (int l = 0; l < lanes_; ++l) construct_queue(queues_[lane(l)], params);
    detail::set_up_waits<Q>(waits_, params);
    for (int c = 0; c < params.consumers; ++c) orders_.emplace_back(wl_.policy, wl_.fair_k);
    for (int p = 0; p < params.producers; ++p) {
      producers_[static_cast<std::size_t>(p)].rng = workload::Rng(params.seed + static_cast<std::uint64_t>(p));
      producers_[static_cast<std::size_t>(p)].offset = static_cast<double>(p) / params.producers;
      producers_[static_cast<std::size_t>(p)].picker.emplace(wl_.lanes);
    }
  }

  int sources() const { return params_.producers * lanes_; }
  // Rated, admission and lane workloads move few enough items that every one
  // can be in the sample; the others sample as throughput does.
  std::uint64_t e2e_sample_period() const {
    return wl_.paced() || wl_.soft_capacity > 0 || wl_.lanes_on() ? 1 : params_.latency_sample_period;
  }
  bool keep_pairs() const { return wl_.lanes_on(); }
  bool blocks() const { return true; }
  bool blocks_natively() const { return detail::kHasBlockingOps<Q>; }
  void before_start(const Clock& clock) { t0_ = clock.now() + clock.from_ns(1'000'000); }  // 1 ms after the barrier

  Sent produce(ProducerCtx<Item>& ctx, const detail::Worker&) {
    Producer& me = producers_[static_cast<std::size_t>(ctx.index)];
    workload::ProducerTally& t = ptally_[static_cast<std::size_t>(ctx.index)];
    if (!me.pending) {
      if (wl_.paced()) {
        me.due = t0_ + me.origin + static_cast<std::uint64_t>((static_cast<double>(me.k) + me.offset) * ticks_per_item_);
        if (ctx.counting && !me.rebased && params_.items > 0) {
          // A fixed-count window opens after the settle pause: the schedule
          // restarts there instead of bursting to catch up.
          const std::uint64_t now = clock_.now_unfenced();
          if (now > me.due) {
            me.origin += now - me.due;
            me.due = now;
          }
        }
        me.rebased = me.rebased || ctx.counting;
        if (!workload::wait_until(clock_, me.due, *ctx.phase, Phase::stop)) return Sent::none;
      }
      if (wl_.burst_items > 0 && me.in_burst == wl_.burst_items) {
        workload::idle_for(wl_.idle, *ctx.phase, Phase::stop);
        me.in_burst = 0;
        return Sent::none;
      }
      ++me.k;
      ++me.in_burst;
      me.lane = lanes_ > 1 ? me.picker->pick(me.rng) : 0;
      const auto li = lane(me.lane);
      me.counting = ctx.counting;
      if (me.counting) {
        ++t.attempted;
        ++t.offered[li];
      }
      // relaxed: admission reads an approximate depth by design (the check
      // and the push are not atomic together), so the depth can exceed the
      // soft capacity by at most one item per producer.
      if (soft_cap_[li] > 0 &&
          depth_[li].value.load(std::memory_order_relaxed) >= static_cast<std::int64_t>(soft_cap_[li])) {
        if (me.counting) ++t.rejected[li];
        // Closed loop: wait as after a failed push, so that rejecting
        // producers do not starve the consumers of CPU on a small machine.
        return wl_.paced() ? Sent::none : Sent::held_back;
      }
      me.item = ProducerCtx<Item>::make(static_cast<std::uint32_t>(ctx.index * lanes_ + me.lane), t.pushed[li]);
      me.pending = true;
      me.failures = 0;
      if (wl_.paced()) ctx.note_send_at(me.item.tag, me.due);
    }
    const auto li = lane(me.lane);
    if (!wl_.paced()) ctx.note_send(me.item.tag);
    Item copy = me.item;  // a failed push leaves the item for the next try
    if (detail::push_once(*queues_[li], std::move(copy), ctx.block ? &waits_ : nullptr)) {
      me.pending = false;
      ++t.pushed[li];
      // relaxed: a statistic for admission and sampling; see the load above.
      if (track_depth_) depth_[li].value.fetch_add(1, std::memory_order_relaxed);
      if (wl_.paced() && me.counting) {
        const std::uint64_t now = clock_.now_unfenced();
        if (now > me.due) t.max_lag_ticks = std::max(t.max_lag_ticks, now - me.due);
      }
      return Sent::pushed;
    }
    if (wl_.give_up_after > 0) {
      if (++me.failures >= wl_.give_up_after) {
        me.pending = false;
        if (me.counting) ++t.given_up;
      } else if (me.failures % 10 == 0) {
        std::this_thread::yield();
      }
      return Sent::retry;
    }
    return Sent::full;
  }

  int consume(ConsumerCtx& ctx, Item& out) {
    if (lanes_ == 1) return detail::pop_once(*queues_[0], out, ctx.block ? &waits_ : nullptr) ? 0 : -1;
    workload::LaneOrder& order = orders_[static_cast<std::size_t>(ctx.index)];
    for (int l : order.order()) {
      if (queues_[lane(l)]->try_pop(out)) {
        order.served(l);
        return l;
      }
      order.found_empty(l);
    }
    return -1;
  }

  void after_pop(ConsumerCtx& ctx, int l) {
    const auto li = lane(l);
    if (track_depth_) depth_[li].value.fetch_sub(1, std::memory_order_relaxed);  // relaxed: as at the push
    if (ctx.counting) ++ctally_[static_cast<std::size_t>(ctx.index)].delivered[li];
    if (work_ticks_ > 0) workload::busy_work(clock_, work_ticks_);
  }

  bool samples() const { return track_depth_ || wl_.paced(); }
  std::chrono::nanoseconds sample_interval(std::chrono::nanoseconds window) const {
    return workload::sample_interval(wl_, window);
  }

  void window_opened(const SampleView& view) {
    last_t_ = view.window_start;
    last_popped_ = popped(view);
  }

  void sample(const SampleView& view) {
    const auto now = detail::SteadyClock::now();
    std::int64_t d = 0;
    for (int l = 0; l < lanes_; ++l) d += depth_[lane(l)].value.load(std::memory_order_relaxed);  // relaxed: a sample
    std::int64_t cap = -1;
    if constexpr (requires(const Q& q) { q.approx_capacity(); }) {
      cap = static_cast<std::int64_t>(queues_[0]->approx_capacity());
    }
    const std::uint64_t popped = this->popped(view);
    const double dt = std::chrono::duration<double>(now - last_t_).count();
    series_.t_s.push_back(std::chrono::duration<double>(now - view.window_start).count());
    series_.depth.push_back(std::max<std::int64_t>(d, 0));
    series_.capacity.push_back(cap);
    series_.achieved_per_s.push_back(dt > 0 && popped >= last_popped_ ? static_cast<double>(popped - last_popped_) / dt
                                                                       : 0.0);
    last_popped_ = popped;
    last_t_ = now;
  }

  std::uint64_t drain_left_over() {
    std::uint64_t n = 0;
    for (int l = 0; l < lanes_; ++l) {
      for (Item item{}; queues_[lane(l)]->try_pop(item);) ++n;
    }
    return n;
  }

  std::vector<std::uint64_t> pushed_per_source(const std::vector<detail::Worker>&) const {
    std::vector<std::uint64_t> out;
    for (const auto& t : ptally_) {
      for (int l = 0; l < lanes_; ++l) out.push_back(t.pushed[lane(l)]);
    }
    return out;
  }

  void finish(RepResult& rep, const TimelineRecord& record) {
    if (record.e2e != nullptr && lanes_ > 1 && !ctally_.empty()) {
      // Each sampled item's lane is in its tag's source (p * lanes + lane).
      for (const auto& pair : record.e2e->pairs) {
        ctally_[0].lane_latency[lane(static_cast<int>(tag_producer(pair.tag)) % lanes_)].record(pair.ns);
      }
    }
    workload::Tallies tallies;
    tallies.elapsed_s = rep.elapsed_s;
    // Each side's rate over its own window: a paced producer asleep until its
    // next due time notices the window's edges late, which would stretch the
    // consumers' span by as much.
    auto span_s = [](const std::vector<detail::Worker>& ws) {
      auto first = detail::SteadyClock::time_point::max();
      auto last = detail::SteadyClock::time_point::min();
      for (const auto& w : ws) {
        first = std::min(first, w.start);
        last = std::max(last, w.stop);
      }
      return std::chrono::duration<double>(last - first).count();
    };
    tallies.producer_span_s = span_s(*record.producers);
    tallies.consumer_span_s = span_s(*record.consumers);
    for (const auto& w : *record.producers) tallies.pushed_in_window += w.at_stop - w.at_start;
    for (const auto& w : *record.consumers) tallies.popped_in_window += w.at_stop - w.at_start;
    tallies.producers = &ptally_;
    tallies.consumers = &ctally_;
    tallies.series = &series_;
    tallies.ns_per_tick = clock_.ns_per_tick();
    rep.workload_metrics = workload::workload_metrics(wl_, tallies);
  }

 private:
  static std::size_t lane(int l) { return static_cast<std::size_t>(l); }
  static std::uint64_t popped(const SampleView& view) {
    std::uint64_t n = 0;
    for (const auto& w : *view.consumers) n += w.published.load(std::memory_order_relaxed);  // relaxed: a sample
    return n;
  }

  // A producer's own state, on its own lines.
  struct alignas(kFalseSharingRange) Producer {
    workload::Rng rng{0};
    std::optional<workload::LanePicker> picker;  // set by the constructor
    double offset = 0;        // its place in the interleaved schedule, in items
    std::uint64_t k = 0;      // items offered: the schedule's index
    std::uint64_t origin = 0; // ticks added to t0 (fixed-count: the window's restart)
    bool rebased = false;
    std::uint64_t due = 0;
    std::uint64_t in_burst = 0;
    bool pending = false;     // `item` failed to go in and is tried again
    bool counting = false;    // `item` was offered inside the window
    int lane = 0;
    std::uint32_t failures = 0;
    Item item{};
  };
  struct alignas(kFalseSharingRange) Depth {
    std::atomic<std::int64_t> value{0};
  };

  const PointParams& params_;
  const WorkloadParams& wl_;
  const Clock& clock_;
  const int lanes_;
  const bool track_depth_;
  const std::uint64_t work_ticks_;
  const double ticks_per_item_;
  std::array<std::uint64_t, kLaneCount> soft_cap_{};
  std::array<std::optional<Q>, kLaneCount> queues_;
  BlockingWaits waits_;  // --wait block (one lane only: lanes poll with try_pop)
  std::array<Depth, kLaneCount> depth_;
  std::vector<Producer> producers_;
  std::vector<workload::ProducerTally> ptally_;
  std::vector<workload::ConsumerTally> ctally_;
  std::vector<workload::LaneOrder> orders_;
  std::uint64_t t0_ = 0;  // written before the barrier, read after it
  // The controller's sampler state.
  workload::Series series_;
  std::uint64_t last_popped_ = 0;
  detail::SteadyClock::time_point last_t_{};
};

// The second form, on a clock that needs no calibration, is for tests.
template <Queue Q>
RepResult run_workload(const PointParams& params, const std::vector<int>& cpus, const Clock& clock) {
  return run_with_steps<WorkloadSteps, Q>(params, cpus, clock);
}
template <Queue Q>
RepResult run_workload(const PointParams& params, const std::vector<int>& cpus) {
  return run_with_steps<WorkloadSteps, Q>(params, cpus, uncalibrated_clock());
}

}  // namespace qb
