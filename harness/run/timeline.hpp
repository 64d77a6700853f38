// The run skeleton: the one timeline of every repetition, plain throughput
// (point_runner.hpp) and every workload (workloads/engine.hpp) alike. It owns
// the threads, pinning, the start barrier, the phases, the fixed-count quota,
// the drain, the counters, the waiting, the validation bookkeeping, the
// latency sample, the payload check, the leftovers and the summary; the steps
// a workload supplies are described in timeline_steps.hpp.
//
// Timeline (phase is written by the controlling thread only):
//   all threads start at a barrier -> kWarmup: everyone works, nothing counts
//   -> (fixed-count runs only) kSettle: producers stop, consumers drain every
//   warm-up item, so the window opens on an empty queue -> kMeasure: each
//   thread notes its clock and its counters when it first sees the phase, so
//   the window is "first thread's start to last thread's stop" -> kStop
//   (duration mode: set by the controller; fixed-count mode: producers stop
//   after their quota, consumers once everything pushed has been popped) ->
//   producers exit, consumers drain until every pushed item is popped. The
//   drain, thread creation, the joins of the latency sample and validation
//   are outside the window.
#pragma once

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "harness/counters/totals.hpp"
#include "harness/machine/topology.hpp"
#include "harness/measure/clock.hpp"
#include "harness/measure/latency.hpp"
#include "harness/measure/latency_sample.hpp"
#include "harness/model/run_types.hpp"
#include "harness/run/payload.hpp"
#include "harness/run/run_tracker.hpp"
#include "harness/run/seq_bitmap.hpp"
#include "harness/run/timeline_steps.hpp"
#include "harness/run/wait.hpp"
#include "harness/run/worker.hpp"
#include "queues/cache_line.hpp"

namespace qb {

// Sequence numbers a source may use: bounds the bitmaps' reserved address
// space (512 MiB each here, a few MiB under sanitizers, whose shadow memory
// makes big mappings costly). A producer that reaches it stops and says so.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr std::uint64_t kSequenceLimit = std::uint64_t{1} << 24;
#else
inline constexpr std::uint64_t kSequenceLimit = std::uint64_t{1} << 32;
#endif

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

}  // namespace detail

// Runs one repetition of the queue Q through the steps StepsOf<Q> (built from
// the point and the clock). The runners' entry points are this.
template <template <class> class StepsOf, class Q>
RepResult run_with_steps(const PointParams& params, const std::vector<int>& cpus, const Clock& clock);

// A clock that needs no calibration, for tests that call the runners.
inline const Clock& uncalibrated_clock() {
  static const Clock clock = Clock::monotonic("tests: uncalibrated");
  return clock;
}

// Runs one repetition of `steps` on items of type Item. `cpus` has one entry
// per thread (producers first), -1 for unpinned. Throws what the steps'
// constructor of the queue throws, before any thread starts.
template <class Item, class Steps>
RepResult run_timeline(const PointParams& params, const QueueTraits& traits, const std::vector<int>& cpus,
                       const Clock& clock, Steps& steps) {
  using detail::Worker;
  const int np = params.producers;
  const int nc = params.consumers;
  const int sources = steps.sources();
  const bool fixed_count = params.items > 0;
  const bool check_order = promises_per_producer_order(traits);
  const bool check_payload = params.payload_check != PayloadCheck::off && Item::kFillWords > 0;
  const LatencyMode mode = params.latency;
  const std::uint64_t period = wants_e2e(mode) ? steps.e2e_sample_period() : 0;
  const bool block = params.wait == WaitMode::block && steps.blocks();
  const WaitPolicy policy = block                             ? WaitPolicy::block
                            : params.wait == WaitMode::pause   ? WaitPolicy::pause
                            : params.wait == WaitMode::backoff ? WaitPolicy::backoff
                                                               : choose_wait_policy(cpus);
  const CounterSelection& selection = params.counters;

  // Every record a thread writes in the window is its own, allocated here.
  std::vector<SampleLog> send_logs, recv_logs;
  if (period > 0) {
    send_logs.reserve(static_cast<std::size_t>(np));
    recv_logs.reserve(static_cast<std::size_t>(nc));
    for (int p = 0; p < np; ++p) send_logs.emplace_back(period);
    for (int c = 0; c < nc; ++c) recv_logs.emplace_back(period);
  }
  std::vector<ThreadLatency> producer_ops(wants_ops(mode) ? static_cast<std::size_t>(np) : 0);
  std::vector<ThreadLatency> consumer_ops(wants_ops(mode) ? static_cast<std::size_t>(nc) : 0);
  std::vector<std::optional<ThreadCounters>> counters(static_cast<std::size_t>(np + nc));
  std::vector<Worker> producers(static_cast<std::size_t>(np));
  std::vector<Worker> consumers(static_cast<std::size_t>(nc));
  std::vector<SeqBitmap> bitmaps;  // bitmaps[c * sources + s]: what consumer c saw of source s
  bitmaps.reserve(static_cast<std::size_t>(nc * sources));
  for (int i = 0; i < nc * sources; ++i) bitmaps.emplace_back(kSequenceLimit);

  alignas(kFalseSharingRange) std::atomic<int> phase{detail::kWarmup};
  alignas(kFalseSharingRange) std::atomic<int> producers_done{0};
  alignas(kFalseSharingRange) std::atomic<int> producers_settled{0};
  alignas(kFalseSharingRange) std::atomic<int> threads_done{0};
  std::barrier start_line(np + nc + 1);

  auto quota = [&](int p) {
    const auto base = params.items / static_cast<std::uint64_t>(np);
    return base + (static_cast<std::uint64_t>(p) < params.items % static_cast<std::uint64_t>(np) ? 1 : 0);
  };
  auto start_counters = [&](Worker& w, std::size_t thread) {
    auto& mine = counters[thread];
    if (!selection.empty()) mine.emplace(selection);  // counts the thread that builds it
    w.counters = &mine;
  };

  // flatten, on both bodies: the steps and the queue's try_push / try_pop are
  // inlined into the loop, as in a bare loop over the queue. Without it GCC
  // left sequence_ring's try_push (then its try_pop) out of line behind this
  // larger loop, a call per item that cost ~7-10% of 1P1C throughput against
  // the runner before this skeleton (perf record -e cpu-clock; alternating runs).
  auto producer_body = [&](int p) __attribute__((flatten)) {
    const auto pi = static_cast<std::size_t>(p);
    Worker& w = producers[pi];
    int seen = detail::kWarmup;
    try {
      pin_current_thread(cpus[pi]);
      start_counters(w, pi);
      ProducerCtx<Item> ctx;
      ctx.index = p;
      ctx.block = block;
      ctx.clock = &clock;
      ctx.log = send_logs.empty() ? nullptr : &send_logs[pi];
      ctx.ops = producer_ops.empty() ? nullptr : &producer_ops[pi];
      ctx.phase = &phase;
      ctx.noting_sends = !fixed_count;  // the warm-up's, in duration mode
      Waiter waiter(policy);
      start_line.arrive_and_wait();
      std::uint64_t end_total = kSequenceLimit;  // fixed-count: set at the window's start
      for (;;) {
        // relaxed: the phase only tells us when to snapshot; no data rides on it.
        const int ph = phase.load(std::memory_order_relaxed);
        if (ph != seen) {
          if (ph == detail::kSettle) {
            // (1) release: our warm-up total happens before the controller's
            // acquire (2) of producers_settled.
            w.published.store(w.total, std::memory_order_relaxed);
            producers_settled.fetch_add(1, std::memory_order_release);
            seen = ph;
            while (phase.load(std::memory_order_relaxed) == detail::kSettle) waiter.wait();
            waiter.reset();
            continue;
          }
          w.observe(ph, seen);
          ctx.counting = seen == detail::kMeasure;
          ctx.noting_sends = ctx.counting || (!fixed_count && seen == detail::kWarmup);
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
        switch (steps.produce(ctx, w)) {
          case Sent::pushed:
            ++w.total;
            waiter.reset();
            break;
          case Sent::full:
            ++w.failed;
            waiter.wait();
            break;
          case Sent::retry:
            ++w.failed;
            break;
          case Sent::held_back:
            waiter.wait();
            break;
          case Sent::none:
            break;
        }
      }
    } catch (const std::exception& e) {
      w.error = e.what();
    }
    if (seen < detail::kStop) w.observe(detail::kStop, seen);  // quota done, limit, or error
    // (3) release: our final total happens before a consumer's acquire in
    // Drain (worker.hpp) and the controller's acquire (2').
    w.published.store(w.total, std::memory_order_release);
    producers_done.fetch_add(1, std::memory_order_acq_rel);  // (3') same pairing, via the counter
    threads_done.fetch_add(1, std::memory_order_relaxed);    // relaxed: the controller only polls it
  };

  auto consumer_body = [&](int c) __attribute__((flatten)) {
    const auto ci = static_cast<std::size_t>(c);
    Worker& w = consumers[ci];
    RunTracker runs(&bitmaps[ci * static_cast<std::size_t>(sources)], static_cast<std::uint32_t>(sources), check_order);
    int seen = detail::kWarmup;
    try {
      pin_current_thread(cpus[static_cast<std::size_t>(np) + ci]);
      start_counters(w, static_cast<std::size_t>(np) + ci);
      ConsumerCtx ctx;
      ctx.index = c;
      ctx.block = block;
      ctx.clock = &clock;
      ctx.ops = consumer_ops.empty() ? nullptr : &consumer_ops[ci];
      SampleLog* log = recv_logs.empty() ? nullptr : &recv_logs[ci];
      Waiter waiter(policy);
      start_line.arrive_and_wait();
      detail::Drain drain(producers_done, np, producers, consumers);
      Item item{};
      for (;;) {
        const int ph = phase.load(std::memory_order_relaxed);  // relaxed: as in producers
        if (ph != seen) {
          w.observe(ph, seen);
          ctx.counting = seen == detail::kMeasure;
        }
        const int lane = steps.consume(ctx, item);
        if (lane >= 0) {
          if (seen < detail::kMeasure) {
            // An item pushed inside the window can reach us before we have
            // seen the window open; its producer saw the phase before pushing
            // it, and the queue's release/acquire orders that read before this
            // one, so this load cannot miss it: the item is counted inside.
            const int now_ph = phase.load(std::memory_order_relaxed);
            if (now_ph != seen) {
              w.observe(now_ph, seen);
              ctx.counting = seen == detail::kMeasure;
            }
          }
          if (log != nullptr && ctx.counting && log->wants(item.tag)) log->note(item.tag, clock.now_unfenced());
          if (check_payload && !payload_intact(item)) ++w.corrupted;
          steps.after_pop(ctx, lane);
          ++w.total;
          // relaxed: read by the sampler and by Drain::all_delivered (see there).
          if constexpr (Steps::kPublishEveryPop) w.published.store(w.total, std::memory_order_relaxed);
          waiter.reset();
          drain.popped();
          runs.see(item.tag);
          continue;
        }
        ++w.failed;
        // relaxed: read by Drain::all_delivered and the settle test, with the
        // reasoning given in Drain.
        w.published.store(w.total, std::memory_order_relaxed);
        if ((fixed_count || seen >= detail::kStop) && drain.may_stop()) {
          if (seen < detail::kStop) w.observe(detail::kStop, seen);
          break;
        }
        waiter.wait();
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
  steps.before_start(clock);
  start_line.arrive_and_wait();
  std::this_thread::sleep_for(params.warmup);

  if (fixed_count) {
    // relaxed: workers poll it, as every phase store below.
    phase.store(detail::kSettle, std::memory_order_relaxed);
    // (2) acquire: pairs with (1), and (2') with (3) for a producer that
    // finished (or threw) before settling, so every producer's total is seen.
    detail::wait_for(params.timeout, [&] {
      return producers_settled.load(std::memory_order_acquire) + producers_done.load(std::memory_order_acquire) == np;
    });
    std::uint64_t pushed = 0;
    for (const auto& w : producers) pushed += w.published.load(std::memory_order_relaxed);  // ordered by (2)
    // Every warm-up item popped; a queue that lost some never gets there, so
    // give up after kDrainGrace without progress (validation reports the loss).
    std::uint64_t last = 0;
    auto progress_at = detail::SteadyClock::now();
    detail::wait_for(params.timeout, [&] {
      std::uint64_t popped = 0;
      // relaxed: a stale count only makes us poll again.
      for (const auto& w : consumers) popped += w.published.load(std::memory_order_relaxed);
      if (popped != last) {
        last = popped;
        progress_at = detail::SteadyClock::now();
      }
      return popped >= pushed || detail::SteadyClock::now() - progress_at > kDrainGrace;
    });
  }

  phase.store(detail::kMeasure, std::memory_order_relaxed);  // the window edges are the workers' own clock reads
  const auto window_start = detail::SteadyClock::now();
  const SampleView view{window_start, &consumers};
  const bool sampling = steps.samples();
  if (sampling) steps.window_opened(view);
  const auto interval = steps.sample_interval(fixed_count ? std::chrono::nanoseconds(std::chrono::seconds(10))
                                                          : params.duration);
  if (!fixed_count) {
    const auto end = window_start + params.duration;
    for (auto next = window_start + interval; sampling && next < end; next += interval) {
      std::this_thread::sleep_until(next);
      steps.sample(view);
    }
    std::this_thread::sleep_until(end);
    phase.store(detail::kStop, std::memory_order_relaxed);
  } else if (sampling) {
    for (auto next = window_start + interval; threads_done.load(std::memory_order_relaxed) < np + nc;
         next += interval) {
      std::this_thread::sleep_until(next);
      if (producers_done.load(std::memory_order_relaxed) < np) steps.sample(view);
    }
  }
  for (auto& t : threads) t.join();

  // Quiescent now: anything still in a queue was never popped, although the
  // consumers saw as many pops as pushes, so it is an extra item.
  const std::uint64_t left_over = steps.drain_left_over();
  const std::vector<std::uint64_t> pushed_per_source = steps.pushed_per_source(producers);
  RepResult rep =
      detail::summarize_repetition(traits, producers, consumers, bitmaps, pushed_per_source, cpus, left_over);
  rep.item_bytes = static_cast<int>(sizeof(Item));
  rep.wait_policy = policy;
  rep.payload_checked = check_payload;
  std::optional<E2eSample> e2e;
  if (period > 0) e2e = join_samples(send_logs, recv_logs, period, clock, steps.keep_pairs());
  rep.latency = latency_json(mode, params.op_sample_period, producer_ops, consumer_ops, e2e ? &*e2e : nullptr);
  rep.counters = repetition_counters(selection, counters, np, rep.items);
  steps.finish(rep, TimelineRecord{&producers, &consumers, e2e ? &*e2e : nullptr});
  return rep;
}

template <template <class> class StepsOf, class Q>
RepResult run_with_steps(const PointParams& params, const std::vector<int>& cpus, const Clock& clock) {
  StepsOf<Q> steps(params, clock);
  return run_timeline<typename Q::value_type>(params, Q::traits, cpus, clock, steps);
}

}  // namespace qb
