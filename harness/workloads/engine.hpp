// Runs one repetition of a workload other than throughput (workload.hpp):
// the same timeline, pinning, counters and exactly-once validation as the
// throughput runner (point_runner.hpp), with pacing, admission, lanes,
// give-up and bursts on the producers' side, lane order and simulated work
// on the consumers' side, and a controlling thread that samples depth,
// capacity and rate while the window is open.
//
// Validation sources: with lanes, producer p's items to lane l carry source
// p * 3 + l, each source numbering its items 0, 1, 2, ...; so exactly-once and
// per-(producer, lane) order are checked as for any producer. Every item
// carries a stamp: its intended send time when paced, else its push time.
#pragma once

#include <array>
#include <atomic>
#include <barrier>
#include <optional>
#include <thread>
#include <vector>

#include "harness/make_queue.hpp"
#include "harness/point_runner.hpp"
#include "harness/workloads/engine_support.hpp"

namespace qb {

template <Queue Q>
RepResult run_workload(const PointParams& params, const std::vector<int>& cpus, const Clock& clock) {
  using Item = typename Q::value_type;
  static_assert(requires(Item i) { i.stamp; }, "workload items carry a stamp");
  using detail::Worker;
  using workload::ConsumerTally;
  using workload::ProducerTally;
  const WorkloadParams& wl = params.workload;
  const int np = params.producers;
  const int nc = params.consumers;
  const int lanes = wl.lanes_on() ? kLaneCount : 1;
  const int sources = np * lanes;
  const bool fixed_count = params.items > 0;
  const bool check_order = promises_per_producer_order(Q::traits);
  const bool e2e_on = wants_e2e(parse_latency_mode(params.latency).value_or(LatencyMode::off));
  const bool track_depth = wl.samples_depth() || wl.soft_capacity > 0;
  const CounterSelection selection = parse_counter_selection(params.counters).value_or(CounterSelection{});
  std::array<std::uint64_t, kLaneCount> soft_cap{wl.soft_capacity, 0, 0};
  if (wl.lanes_on()) {
    for (int l = 0; l < kLaneCount; ++l) soft_cap[static_cast<std::size_t>(l)] = wl.lanes[static_cast<std::size_t>(l)].soft_capacity;
  }
  const std::uint64_t work_ticks = clock.from_ns(wl.consumer_work_ns);
  // Paced: producer p's item k is due at t0 + (k + p / np) * ticks_per_item,
  // the producers' schedules interleaved evenly.
  const double ticks_per_item =
      wl.paced() ? static_cast<double>(clock.from_ns(1'000'000'000)) * np / wl.rate_per_s : 0.0;

  std::array<std::optional<Q>, kLaneCount> queues;
  for (int l = 0; l < lanes; ++l) construct_queue(queues[static_cast<std::size_t>(l)], params);
  struct alignas(kFalseSharingRange) Depth {
    std::atomic<std::int64_t> value{0};
  };
  std::array<Depth, kLaneCount> depth;
  std::vector<ThreadLatency> consumer_latency(e2e_on ? static_cast<std::size_t>(nc) : 0);
  std::vector<std::optional<ThreadCounters>> counters(static_cast<std::size_t>(np + nc));
  std::vector<Worker> producers(static_cast<std::size_t>(np));
  std::vector<Worker> consumers(static_cast<std::size_t>(nc));
  std::vector<ProducerTally> ptally(static_cast<std::size_t>(np));
  std::vector<ConsumerTally> ctally(static_cast<std::size_t>(nc));
  std::vector<SeqBitmap> bitmaps;  // bitmaps[c * sources + s]
  bitmaps.reserve(static_cast<std::size_t>(nc * sources));
  for (int i = 0; i < nc * sources; ++i) bitmaps.emplace_back(kSequenceLimit);

  alignas(kFalseSharingRange) std::atomic<int> phase{detail::kWarmup};
  alignas(kFalseSharingRange) std::atomic<int> producers_done{0};
  alignas(kFalseSharingRange) std::atomic<int> threads_done{0};
  std::barrier start_line(np + nc + 1);
  std::uint64_t t0 = 0;  // written before the barrier, read after it

  auto quota = [&](int p) {
    const auto base = params.items / static_cast<std::uint64_t>(np);
    return base + (static_cast<std::uint64_t>(p) < params.items % static_cast<std::uint64_t>(np) ? 1 : 0);
  };

  auto producer_body = [&](int p) {
    Worker& w = producers[static_cast<std::size_t>(p)];
    ProducerTally& t = ptally[static_cast<std::size_t>(p)];
    int seen = detail::kWarmup;
    try {
      pin_current_thread(cpus[static_cast<std::size_t>(p)]);
      auto& my_counters = counters[static_cast<std::size_t>(p)];
      if (!selection.empty()) my_counters.emplace(selection);
      w.counters = &my_counters;
      workload::Rng rng(params.seed + static_cast<std::uint64_t>(p));
      const workload::LanePicker picker(wl.lanes);
      const double offset = static_cast<double>(p) / np;
      start_line.arrive_and_wait();
      Backoff reject_backoff;
      std::uint64_t k = 0;         // items offered: the schedule's index
      std::uint64_t in_burst = 0;  // items offered in the current burst
      std::uint64_t end_total = kSequenceLimit;
      for (;;) {
        // relaxed: the phase only tells us when to snapshot; no data rides on it.
        const int ph = phase.load(std::memory_order_relaxed);
        if (ph != seen) {
          w.observe(ph, seen);
          if (fixed_count && seen >= detail::kMeasure && end_total == kSequenceLimit) {
            end_total = std::min(kSequenceLimit, w.total + quota(p));
          }
        }
        if (seen >= detail::kStop) break;
        if (w.total >= end_total) {
          if (fixed_count && seen == detail::kMeasure) w.observe(detail::kStop, seen);
          if (w.total >= kSequenceLimit) w.hit_limit = true;
          break;
        }
        std::uint64_t due = 0;
        if (wl.paced()) {
          due = t0 + static_cast<std::uint64_t>((static_cast<double>(k) + offset) * ticks_per_item);
          if (!workload::wait_until(clock, due, phase, detail::kStop)) continue;
        }
        if (wl.burst_items > 0 && in_burst == wl.burst_items) {
          workload::idle_for(wl.idle, phase, detail::kStop);
          in_burst = 0;
          continue;
        }
        ++k;
        ++in_burst;
        const int lane = lanes > 1 ? picker.pick(rng) : 0;
        const auto li = static_cast<std::size_t>(lane);
        const bool counting = seen == detail::kMeasure;
        if (counting) {
          ++t.attempted;
          ++t.offered[li];
        }
        // relaxed: admission reads an approximate depth by design (the
        // check and the push are not atomic together), so the depth can
        // exceed the soft capacity by at most one item per producer.
        if (soft_cap[li] > 0 && depth[li].value.load(std::memory_order_relaxed) >=
                                    static_cast<std::int64_t>(soft_cap[li])) {
          if (counting) ++t.rejected[li];
          // Closed loop: back off as after a failed push, so that rejecting
          // producers do not starve the consumers of CPU on a small machine.
          if (!wl.paced()) reject_backoff.snooze();
          continue;
        }
        reject_backoff.reset();
        Item item{};
        item.tag = make_tag(static_cast<std::uint32_t>(p * lanes + lane), t.pushed[li]);
        item.stamp = wl.paced() ? due : clock.now_unfenced();
        Q& q = *queues[li];
        bool pushed = false;
        Backoff backoff;
        for (std::uint32_t failures = 0;;) {
          if (q.try_push(std::move(item))) {
            pushed = true;
            break;
          }
          ++w.failed;
          if (wl.give_up_after > 0) {
            if (++failures >= wl.give_up_after) break;
            if (failures % 10 == 0) std::this_thread::yield();
            continue;
          }
          // relaxed: a hint to stop retrying; the loop's top re-reads it.
          if (phase.load(std::memory_order_relaxed) >= detail::kStop) break;
          backoff.snooze();
        }
        if (!pushed) {
          if (counting && wl.give_up_after > 0) ++t.given_up;
          continue;
        }
        ++t.pushed[li];
        ++w.total;
        // relaxed: a statistic for admission and sampling; see the load above.
        if (track_depth) depth[li].value.fetch_add(1, std::memory_order_relaxed);
        if (wl.paced() && counting) {
          const std::uint64_t now = clock.now_unfenced();
          if (now > due) t.max_lag_ticks = std::max(t.max_lag_ticks, now - due);
        }
      }
    } catch (const std::exception& e) {
      w.error = e.what();
    }
    if (seen < detail::kStop) w.observe(detail::kStop, seen);
    // (1) release: our final totals happen before a consumer's acquire (2) in Drain.
    w.published.store(w.total, std::memory_order_release);
    producers_done.fetch_add(1, std::memory_order_acq_rel);  // (1') same pairing, via the counter
    threads_done.fetch_add(1, std::memory_order_relaxed);    // relaxed: the controller only polls it
  };

  auto consumer_body = [&](int c) {
    Worker& w = consumers[static_cast<std::size_t>(c)];
    ConsumerTally& t = ctally[static_cast<std::size_t>(c)];
    RunTracker runs(&bitmaps[static_cast<std::size_t>(c * sources)], static_cast<std::uint32_t>(sources), check_order);
    int seen = detail::kWarmup;
    try {
      pin_current_thread(cpus[static_cast<std::size_t>(np + c)]);
      auto& my_counters = counters[static_cast<std::size_t>(np + c)];
      if (!selection.empty()) my_counters.emplace(selection);
      w.counters = &my_counters;
      ThreadLatency* lat = consumer_latency.empty() ? nullptr : &consumer_latency[static_cast<std::size_t>(c)];
      workload::LaneOrder order(wl.policy, wl.fair_k);
      start_line.arrive_and_wait();
      Backoff backoff;
      detail::Drain drain(producers_done, np, producers, consumers);
      Item item{};
      for (;;) {
        const int ph = phase.load(std::memory_order_relaxed);  // relaxed: as in producers
        if (ph != seen) w.observe(ph, seen);
        int got = -1;
        if (lanes == 1) {
          if (queues[0]->try_pop(item)) got = 0;
        } else {
          for (int lane : order.order()) {
            if (queues[static_cast<std::size_t>(lane)]->try_pop(item)) {
              got = lane;
              order.served(lane);
              break;
            }
            order.found_empty(lane);
          }
        }
        if (got >= 0) {
          const auto li = static_cast<std::size_t>(got);
          if (track_depth) depth[li].value.fetch_sub(1, std::memory_order_relaxed);  // relaxed: as at the push
          if (seen == detail::kMeasure) {
            ++t.delivered[li];
            if (lat != nullptr) {
              const std::uint64_t ns = record_e2e(*lat, clock, item.stamp);
              if (lanes > 1) t.lane_latency[li].record(ns);
            }
          }
          if (work_ticks > 0) workload::busy_work(clock, work_ticks);
          ++w.total;
          // relaxed: read by the sampler and by Drain::all_delivered (see there).
          w.published.store(w.total, std::memory_order_relaxed);
          backoff.reset();
          drain.popped();
          runs.see(item.tag);
          continue;
        }
        ++w.failed;
        if ((fixed_count || seen >= detail::kStop) && drain.may_stop()) {
          if (seen < detail::kStop) w.observe(detail::kStop, seen);
          break;
        }
        backoff.snooze();
      }
    } catch (const std::exception& e) {
      w.error = e.what();
    }
    if (seen < detail::kStop) w.observe(detail::kStop, seen);
    runs.flush();
    w.misordered = runs.misordered();
    w.duplicated = runs.duplicated();
    w.unexpected = runs.unexpected();
    w.published.store(w.total, std::memory_order_relaxed);
    threads_done.fetch_add(1, std::memory_order_relaxed);  // relaxed: the controller only polls it
  };

  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(np + nc));
  for (int p = 0; p < np; ++p) threads.emplace_back(producer_body, p);
  for (int c = 0; c < nc; ++c) threads.emplace_back(consumer_body, c);
  t0 = clock.now() + clock.from_ns(1'000'000);  // the schedule starts 1 ms after the barrier opens
  start_line.arrive_and_wait();
  std::this_thread::sleep_for(params.warmup);

  // The controlling thread samples while the window is open.
  workload::Series series;
  const bool sampling = track_depth || wl.paced();
  const auto window = fixed_count ? std::chrono::nanoseconds(std::chrono::seconds(10)) : params.duration;
  const auto interval = workload::sample_interval(wl, window);
  auto popped_now = [&] {
    std::uint64_t n = 0;
    for (auto& w : consumers) n += w.published.load(std::memory_order_relaxed);  // relaxed: a sample
    return n;
  };
  auto sample = [&](detail::Clock::time_point start, std::uint64_t& last_popped, detail::Clock::time_point& last_t) {
    const auto now = detail::Clock::now();
    std::int64_t d = 0;
    for (int l = 0; l < lanes; ++l) d += depth[static_cast<std::size_t>(l)].value.load(std::memory_order_relaxed);
    std::int64_t cap = -1;
    if constexpr (requires(const Q& q) { q.approx_capacity(); }) {
      cap = static_cast<std::int64_t>(queues[0]->approx_capacity());
    }
    const std::uint64_t popped = popped_now();
    const double dt = std::chrono::duration<double>(now - last_t).count();
    series.t_s.push_back(std::chrono::duration<double>(now - start).count());
    series.depth.push_back(std::max<std::int64_t>(d, 0));
    series.capacity.push_back(cap);
    series.achieved_per_s.push_back(dt > 0 ? static_cast<double>(popped - last_popped) / dt : 0.0);
    last_popped = popped;
    last_t = now;
  };

  // relaxed: workers poll it; the window edges are their own clock reads.
  phase.store(detail::kMeasure, std::memory_order_relaxed);
  const auto window_start = detail::Clock::now();
  std::uint64_t last_popped = popped_now();
  auto last_t = window_start;
  if (!fixed_count) {
    const auto end = window_start + params.duration;
    for (auto next = window_start + interval; sampling && next < end; next += interval) {
      std::this_thread::sleep_until(next);
      sample(window_start, last_popped, last_t);
    }
    std::this_thread::sleep_until(end);
    phase.store(detail::kStop, std::memory_order_relaxed);
  } else {
    for (auto next = window_start + interval; threads_done.load(std::memory_order_relaxed) < np + nc; next += interval) {
      std::this_thread::sleep_until(next);
      if (sampling && producers_done.load(std::memory_order_relaxed) < np) sample(window_start, last_popped, last_t);
    }
  }
  for (auto& th : threads) th.join();

  std::uint64_t left_over = 0;
  for (int l = 0; l < lanes; ++l) {
    for (Item item{}; queues[static_cast<std::size_t>(l)]->try_pop(item);) ++left_over;
  }
  std::vector<std::uint64_t> pushed_per_source(static_cast<std::size_t>(sources));
  for (int p = 0; p < np; ++p) {
    for (int l = 0; l < lanes; ++l) {
      pushed_per_source[static_cast<std::size_t>(p * lanes + l)] = ptally[static_cast<std::size_t>(p)].pushed[static_cast<std::size_t>(l)];
    }
  }
  RepResult rep = detail::summarize_repetition(params, Q::traits, producers, consumers, bitmaps, pushed_per_source,
                                               cpus, left_over);
  rep.item_bytes = static_cast<int>(sizeof(Item));
  rep.latency = latency_json(e2e_on ? LatencyMode::e2e : LatencyMode::off, kDefaultOpSamplePeriod, {},
                             consumer_latency);
  rep.counters = detail::counters_block(selection, counters, np, rep.items);
  workload::Tallies tallies;
  tallies.elapsed_s = rep.elapsed_s;
  // Each side's rate over its own window: a paced producer asleep until its
  // next due time notices the window's edges late, which would stretch the
  // consumers' span by as much.
  auto span_s = [](const std::vector<Worker>& ws) {
    auto first = detail::Clock::time_point::max();
    auto last = detail::Clock::time_point::min();
    for (const auto& w : ws) {
      first = std::min(first, w.start);
      last = std::max(last, w.stop);
    }
    return std::chrono::duration<double>(last - first).count();
  };
  tallies.producer_span_s = span_s(producers);
  tallies.consumer_span_s = span_s(consumers);
  for (const auto& w : producers) tallies.pushed_in_window += w.at_stop - w.at_start;
  for (const auto& w : consumers) tallies.popped_in_window += w.at_stop - w.at_start;
  tallies.producers = &ptally;
  tallies.consumers = &ctally;
  tallies.series = &series;
  tallies.ns_per_tick = clock.ns_per_tick();
  rep.workload_metrics = workload::workload_metrics(wl, tallies);
  return rep;
}

// The same, on a clock that needs no calibration (tests).
template <Queue Q>
RepResult run_workload(const PointParams& params, const std::vector<int>& cpus) {
  static const Clock clock = Clock::monotonic("tests: uncalibrated");
  return run_workload<Q>(params, cpus, clock);
}

}  // namespace qb
