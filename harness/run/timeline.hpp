// The run skeleton: the one timeline of every repetition, plain throughput
// (point_runner.hpp) and every workload (workloads/engine.hpp) alike. It owns
// the threads, pinning, the start barrier, the phases, the fixed-count quota,
// the drain, the counters, the waiting, the validation bookkeeping, the
// latency sample, the payload check, the leftovers and the summary; the steps
// a workload supplies are described in timeline_steps.hpp.
//
// The controlling thread's phases, one function each below (the workers'
// side is timeline_workers.hpp, what they share timeline_state.hpp):
//   start_threads: the threads are created and meet at a barrier ->
//   warm_up: Phase::warmup, everyone works, nothing counts ->
//   settle (fixed-count runs only): Phase::settle, producers stop, consumers
//     drain every warm-up item, so the window opens on an empty queue ->
//   measure_window: Phase::measure, each thread notes its clock and its counters
//     when it first sees the phase, so the window is "first thread's start
//     to last thread's stop"; it ends at Phase::stop (duration mode: set by
//     the controller; fixed-count mode: producers stop after their quota,
//     consumers once everything pushed has been popped) ->
//   join_after_drain: producers exit, consumers drain until every pushed item is
//     popped, and the controller joins them ->
//   summarize: validation, latency, counters and the steps' own metrics.
// Thread creation, the drain, the joins of the latency sample and
// validation are outside the window.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "harness/counters/totals.hpp"
#include "harness/measure/clock.hpp"
#include "harness/measure/latency.hpp"
#include "harness/measure/latency_sample.hpp"
#include "harness/model/run_types.hpp"
#include "harness/run/timeline_state.hpp"
#include "harness/run/timeline_steps.hpp"
#include "harness/run/timeline_workers.hpp"
#include "harness/run/worker.hpp"

namespace qb {

// Runs one repetition of the queue Q through the steps StepsOf<Q> (built from
// the point and the clock). The runners' entry points are this.
template <template <class> class StepsOf, class Q>
RepResult run_with_steps(const PointParams& params, const std::vector<int>& cpus, const Clock& clock);

// A clock that needs no calibration, for tests that call the runners.
inline const Clock& uncalibrated_clock() {
  static const Clock clock = Clock::monotonic("tests: uncalibrated");
  return clock;
}

namespace detail {

// Turns the workers' records into a RepResult: window, throughput, backlog,
// per-thread figures, starvation, and the merged exactly-once validation.
// Bitmaps are bitmaps[c * sources + s] for the sources whose pushed counts
// pushed_per_source gives.
RepResult summarize_repetition(const QueueTraits& traits,
                               const std::vector<Worker>& producers, const std::vector<Worker>& consumers,
                               const std::vector<SeqBitmap>& bitmaps, std::span<const std::uint64_t> pushed_per_source,
                               const std::vector<int>& cpus, std::uint64_t left_over);

// Waits `d` or until `pred()`, polling every 50 us: the controller's waits
// outside the window.
template <class Pred>
bool wait_for(std::chrono::nanoseconds d, Pred pred) {
  const auto end = SteadyClock::now() + d;
  while (!pred()) {
    if (SteadyClock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  return true;
}

// Start: creates the threads and opens the start barrier with them.
template <class Item, class Steps>
std::vector<std::thread> start_threads(TimelineState<Item, Steps>& s) {
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(s.np + s.nc));
  for (int p = 0; p < s.np; ++p) threads.emplace_back([&s, p] { producer_thread(s, p); });
  for (int c = 0; c < s.nc; ++c) threads.emplace_back([&s, c] { consumer_thread(s, c); });
  s.steps.before_start(s.clock);
  s.start_line.arrive_and_wait();
  return threads;
}

// Warm-up: the workers start in Phase::warmup; the controller only waits.
template <class Item, class Steps>
void warm_up(TimelineState<Item, Steps>& s) {
  std::this_thread::sleep_for(s.params.warmup);
}

// Settle (fixed-count runs): producers stop; waits until every one has noted
// its warm-up total and the consumers have popped that many.
template <class Item, class Steps>
void settle(TimelineState<Item, Steps>& s) {
  s.phase.store(Phase::settle, std::memory_order_relaxed);  // (5)
  // (2) acquire: pairs with (1), and (2') with (3') for a producer that
  // finished (or threw) before settling, so every producer's total is seen.
  wait_for(s.params.timeout, [&] {
    return s.producers_settled.load(std::memory_order_acquire) + s.producers_done.load(std::memory_order_acquire) ==
           s.np;
  });
  std::uint64_t pushed = 0;
  for (const auto& w : s.producers) pushed += w.published.load(std::memory_order_relaxed);  // ordered by (2)
  // Every warm-up item popped; a queue that lost some never gets there, so
  // give up after kDrainGrace without progress (validation reports the loss).
  std::uint64_t last = 0;
  auto progress_at = SteadyClock::now();
  wait_for(s.params.timeout, [&] {
    std::uint64_t popped = 0;
    for (const auto& w : s.consumers) popped += w.published.load(std::memory_order_relaxed);  // (6)
    if (popped != last) {
      last = popped;
      progress_at = SteadyClock::now();
    }
    return popped >= pushed || SteadyClock::now() - progress_at > kDrainGrace;
  });
}

// Measure: opens the window, samples it if the steps ask, and in duration
// mode closes it; a fixed-count window closes itself in the workers.
template <class Item, class Steps>
void measure_window(TimelineState<Item, Steps>& s) {
  s.phase.store(Phase::measure, std::memory_order_relaxed);  // (5): the edges are the workers' own clock reads
  const auto window_start = SteadyClock::now();
  const SampleView view{window_start, &s.consumers};
  const bool sampling = s.steps.samples();
  if (sampling) s.steps.window_opened(view);
  const auto interval = s.steps.sample_interval(
      s.fixed_count ? std::chrono::nanoseconds(std::chrono::seconds(10)) : s.params.duration);
  if (!s.fixed_count) {
    const auto end = window_start + s.params.duration;
    for (auto next = window_start + interval; sampling && next < end; next += interval) {
      std::this_thread::sleep_until(next);
      s.steps.sample(view);
    }
    std::this_thread::sleep_until(end);
    s.phase.store(Phase::stop, std::memory_order_relaxed);  // (5)
  } else if (sampling) {
    for (auto next = window_start + interval; s.threads_done.load(std::memory_order_relaxed) < s.np + s.nc;  // (6)
         next += interval) {
      std::this_thread::sleep_until(next);
      if (s.producers_done.load(std::memory_order_relaxed) < s.np) s.steps.sample(view);  // relaxed: a hint
    }
  }
}

// Drain: the consumers pop until every pushed item is popped; the controller
// waits for every thread to end.
inline void join_after_drain(std::vector<std::thread>& threads) {
  for (auto& t : threads) t.join();
}

// Summarize: the workers' records (read after the joins, which order them)
// become the repetition's result.
template <class Item, class Steps>
RepResult summarize(TimelineState<Item, Steps>& s) {
  // Quiescent now: anything still in a queue was never popped, although the
  // consumers saw as many pops as pushes, so it is an extra item.
  const std::uint64_t left_over = s.steps.drain_left_over();
  const std::vector<std::uint64_t> pushed_per_source = s.steps.pushed_per_source(s.producers);
  RepResult rep = summarize_repetition(s.traits, s.producers, s.consumers, s.bitmaps, pushed_per_source, s.cpus,
                                       left_over);
  rep.item_bytes = static_cast<int>(sizeof(Item));
  rep.wait_policy = s.policy;
  if (s.block) rep.block_kind = s.steps.blocks_natively() ? BlockKind::native : BlockKind::harness;
  if (s.batch > 1) {
    rep.batch_kind = BulkSteps<Steps, Item> ? BatchKind::native : BatchKind::looped;
    for (const auto& w : s.producers) rep.partial_pushes += w.partial;
    for (const auto& w : s.consumers) rep.partial_pops += w.partial;
  }
  rep.payload_checked = s.check_payload;
  std::optional<E2eSample> e2e;
  if (s.period > 0) e2e = join_samples(s.send_logs, s.recv_logs, s.period, s.clock, s.steps.keep_pairs());
  rep.latency = latency_json(s.params.latency, s.params.op_sample_period, s.producer_ops, s.consumer_ops,
                             e2e ? &*e2e : nullptr);
  rep.counters = repetition_counters(s.params.counters, s.counters, s.np, rep.items);
  s.steps.finish(rep, TimelineRecord{&s.producers, &s.consumers, e2e ? &*e2e : nullptr});
  return rep;
}

}  // namespace detail

// Runs one repetition of `steps` on items of type Item. `cpus` has one entry
// per thread (producers first), -1 for unpinned. Throws what the steps'
// constructor of the queue throws, before any thread starts.
template <class Item, class Steps>
RepResult run_timeline(const PointParams& params, const QueueTraits& traits, const std::vector<int>& cpus,
                       const Clock& clock, Steps& steps) {
  detail::TimelineState<Item, Steps> s(params, traits, cpus, clock, steps);
  std::vector<std::thread> threads = detail::start_threads(s);
  detail::warm_up(s);
  if (s.fixed_count) detail::settle(s);
  detail::measure_window(s);
  detail::join_after_drain(threads);
  return detail::summarize(s);
}

template <template <class> class StepsOf, class Q>
RepResult run_with_steps(const PointParams& params, const std::vector<int>& cpus, const Clock& clock) {
  StepsOf<Q> steps(params, clock);
  return run_timeline<typename Q::value_type>(params, Q::traits, cpus, clock, steps);
}

}  // namespace qb
