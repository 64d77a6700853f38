// The worker threads of the timeline (timeline.hpp): a producer's and a
// consumer's whole life, from pinning to its last published count. The
// numbers in the comments are the memory-order pairs of timeline_state.hpp.
//
// Inside the measured window, steps with a plain push and pop move items in
// bursts (timeline_bursts.hpp), with only the per-item work no run can skip,
// and under --batch N, N items a call (timeline_batches.hpp); everywhere
// else, and for every workload, one item a turn of the loop.
//
// flatten, on both thread functions: the steps and the queue's try_push /
// try_pop are inlined into the loop, as in a bare loop over the queue, and so
// are the helpers below, which only give the phases their names. Without it
// GCC left sequence_ring's try_push (then its try_pop) out of line behind
// this larger loop, a call per item that cost ~7-10% of 1P1C throughput
// against the runner before this skeleton (perf record -e cpu-clock;
// alternating runs). Builds that measure nothing leave it out (QB_NO_FLATTEN,
// from CMake's QB_FLATTEN, off under a sanitizer): flattening every queue's
// loops doubles the compile of a runners unit under ASan (runners_8.cpp: 72 s
// against 36 s at -O1, 2026-12-07, the 2-core VM).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <vector>

#include "harness/machine/topology.hpp"
#include "harness/run/payload.hpp"
#include "harness/run/phase.hpp"
#include "harness/run/run_tracker.hpp"
#include "harness/run/timeline_batches.hpp"
#include "harness/run/timeline_bursts.hpp"
#include "harness/run/timeline_state.hpp"
#include "harness/run/timeline_steps.hpp"
#include "harness/run/wait.hpp"
#include "harness/run/worker.hpp"

#if defined(QB_NO_FLATTEN)
#define QB_FLATTEN_WORKER
#else
#define QB_FLATTEN_WORKER [[gnu::flatten]]
#endif

namespace qb::detail {

// Start: pins the thread, starts its counters and gives it its context.
template <class Item, class Steps>
ProducerCtx<Item> producer_start(TimelineState<Item, Steps>& s, int p, Worker& w) {
  const auto pi = static_cast<std::size_t>(p);
  pin_current_thread(s.cpus[pi]);
  s.start_counters(w, pi);
  ProducerCtx<Item> ctx;
  ctx.index = p;
  ctx.block = s.block;
  ctx.clock = &s.clock;
  ctx.log = s.send_logs.empty() ? nullptr : &s.send_logs[pi];
  ctx.ops = s.producer_ops.empty() ? nullptr : &s.producer_ops[pi];
  ctx.phase = &s.phase;
  ctx.noting_sends = !s.fixed_count;  // the warm-up's, in duration mode
  return ctx;
}

// Settle (fixed-count runs): note the warm-up total, then wait for the window.
template <class Item, class Steps>
void producer_settle(TimelineState<Item, Steps>& s, Worker& w, Waiter& waiter, Phase& seen) {
  w.published.store(w.total, std::memory_order_relaxed);  // relaxed: published by (1), just after
  s.producers_settled.fetch_add(1, std::memory_order_release);  // (1) release: pairs with (2)
  seen = Phase::settle;
  while (s.phase.load(std::memory_order_relaxed) == Phase::settle) waiter.wait();  // (5)
  waiter.reset();
}

// Any other new phase: note the window's edges; inside it, count and note
// sends; a fixed-count window ends after this producer's quota.
template <class Item, class Steps>
void producer_enters(TimelineState<Item, Steps>& s, int p, Worker& w, Phase ph, Phase& seen, ProducerCtx<Item>& ctx,
                     std::uint64_t& end_total) {
  w.observe(ph, seen);
  ctx.counting = seen == Phase::measure;
  ctx.noting_sends = ctx.counting || (!s.fixed_count && seen == Phase::warmup);
  if (s.fixed_count && seen >= Phase::measure && end_total == kSequenceLimit) {
    end_total = std::min(kSequenceLimit, w.total + s.quota(p));
  }
}

template <class Item, class Steps>
QB_FLATTEN_WORKER void producer_thread(TimelineState<Item, Steps>& s, int p) {
  Worker& w = s.producers[static_cast<std::size_t>(p)];
  // Local references: the loop reads them every item, and through `s` the
  // compiler reloads them after each atomic operation (one load more per item).
  Steps& steps = s.steps;
  const std::atomic<Phase>& phase = s.phase;
  Phase seen = Phase::warmup;
  try {
    ProducerCtx<Item> ctx = producer_start(s, p, w);
    const bool bursts = BurstSteps<Steps, Item> && ctx.ops == nullptr && !ctx.block;  // timeline_bursts.hpp
    ProducerBatch<Item> batch(BulkSteps<Steps, Item> && s.batch > 1 ? s.batch : 0);  // timeline_batches.hpp
    Waiter waiter(s.policy);
    s.start_line.arrive_and_wait();
    std::uint64_t end_total = kSequenceLimit;  // fixed-count: set at the window's start
    for (;;) {
      const Phase ph = phase.load(std::memory_order_relaxed);  // (5)
      if (ph != seen) {
        if (ph == Phase::settle) {
          producer_settle(s, w, waiter, seen);
          continue;
        }
        producer_enters(s, p, w, ph, seen, ctx, end_total);
      }
      if (seen >= Phase::stop) break;
      if (w.total >= end_total) {
        if (s.fixed_count && seen == Phase::measure) w.observe(Phase::stop, seen);
        if (w.total >= kSequenceLimit) w.hit_limit = true;
        break;
      }
      if (s.batch > 1 && seen == Phase::measure) {
        const BatchPush b = produce_batches(steps, ctx, batch, s.batch, w.total, end_total);
        w.total += b.pushed;
        w.partial += b.partial ? 1 : 0;
        w.failed += b.failed ? 1 : 0;
        if (b.pushed > 0) waiter.reset();
        if (b.partial || b.failed) waiter.wait();
        continue;
      }
      if (bursts && seen == Phase::measure) {
        const std::uint64_t end = std::min(end_total, w.total + kBurst);
        const std::uint64_t pushed = produce_burst(steps, ctx, w.total, end);
        w.total += pushed;
        if (pushed > 0) waiter.reset();
        if (w.total != end) {  // it ended on a failed try
          ++w.failed;
          waiter.wait();
        }
        continue;
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
  if (seen < Phase::stop) w.observe(Phase::stop, seen);  // quota done, limit, or error
  // (3) release: pairs with (4); (3') alone would order it, this store
  // costs nothing on the way out.
  w.published.store(w.total, std::memory_order_release);
  s.producers_done.fetch_add(1, std::memory_order_release);  // (3') release: pairs with (2') and (4)
  s.threads_done.fetch_add(1, std::memory_order_relaxed);    // (6)
}

// Start: pins the thread, starts its counters and gives it its context.
template <class Item, class Steps>
ConsumerCtx consumer_start(TimelineState<Item, Steps>& s, int c, Worker& w) {
  const auto thread = static_cast<std::size_t>(s.np + c);
  pin_current_thread(s.cpus[thread]);
  s.start_counters(w, thread);
  ConsumerCtx ctx;
  ctx.index = c;
  ctx.block = s.block;
  ctx.clock = &s.clock;
  ctx.ops = s.consumer_ops.empty() ? nullptr : &s.consumer_ops[static_cast<std::size_t>(c)];
  return ctx;
}

// After the last pop: the tracker's counts go into the worker's record.
template <class Item, class Steps>
void consumer_finish(TimelineState<Item, Steps>& s, Worker& w, RunTracker& runs, Phase& seen) {
  if (seen < Phase::stop) w.observe(Phase::stop, seen);
  runs.flush();
  w.misordered = runs.misordered();
  w.duplicated = runs.duplicated();
  w.unexpected = runs.unexpected();
  w.published.store(w.total, std::memory_order_relaxed);  // (6)
  s.threads_done.fetch_add(1, std::memory_order_relaxed);  // (6)
}

template <class Item, class Steps>
QB_FLATTEN_WORKER void consumer_thread(TimelineState<Item, Steps>& s, int c) {
  const auto ci = static_cast<std::size_t>(c);
  Worker& w = s.consumers[ci];
  Steps& steps = s.steps;  // local references, as in producer_thread
  const std::atomic<Phase>& phase = s.phase;
  RunTracker runs(&s.bitmaps[ci * static_cast<std::size_t>(s.sources)], static_cast<std::uint32_t>(s.sources),
                  s.check_order);
  Phase seen = Phase::warmup;
  try {
    ConsumerCtx ctx = consumer_start(s, c, w);
    SampleLog* log = s.recv_logs.empty() ? nullptr : &s.recv_logs[ci];
    Waiter waiter(s.policy);
    s.start_line.arrive_and_wait();
    Drain drain(s.producers_done, s.np, s.producers, s.consumers);
    const bool bursts = BurstSteps<Steps, Item> && ctx.ops == nullptr && !ctx.block;  // timeline_bursts.hpp
    const bool check_payload = s.check_payload;
    std::vector<Item> batch(BulkSteps<Steps, Item> && s.batch > 1 ? s.batch : 0);  // timeline_batches.hpp
    Item item{};
    for (;;) {
      const Phase ph = phase.load(std::memory_order_relaxed);  // (5)
      if (ph != seen) {
        w.observe(ph, seen);
        ctx.counting = seen == Phase::measure;
      }
      if (bursts && seen == Phase::measure) {
        BurstTally t;
        bool partial = false;
        if (s.batch > 1) {
          const BatchPop b = consume_batches<Item>(steps, batch, s.batch, runs, log, s.clock, check_payload);
          t = b.tally;
          partial = b.partial;
          w.partial += partial ? 1 : 0;
        } else {
          t = consume_burst<Item>(steps, runs, log, s.clock, check_payload);
        }
        w.total += t.popped;
        w.corrupted += t.corrupted;
        if (t.popped > 0) {
          waiter.reset();
          drain.popped();
        }
        if (partial) waiter.wait();  // the queue was found empty; nothing failed
        if (!t.failed) continue;
      } else if (const int lane = steps.consume(ctx, item); lane >= 0) {
        if (seen < Phase::measure) {
          // (5') An item pushed inside the window can reach us before we
          // have seen the window open; its producer saw the phase before
          // pushing it, and the queue's release/acquire orders that read
          // before this one, so this load cannot miss it (read-read
          // coherence): the item is counted inside.
          const Phase now_ph = phase.load(std::memory_order_relaxed);
          if (now_ph != seen) {
            w.observe(now_ph, seen);
            ctx.counting = seen == Phase::measure;
          }
        }
        if (log != nullptr && ctx.counting && log->wants(item.tag)) log->note(item.tag, s.clock.now_unfenced());
        if (check_payload && !payload_intact(item)) ++w.corrupted;
        steps.after_pop(ctx, lane);
        ++w.total;
        // (6) relaxed: read by the sampler and by Drain::all_delivered.
        if constexpr (Steps::kPublishEveryPop) w.published.store(w.total, std::memory_order_relaxed);
        waiter.reset();
        drain.popped();
        runs.see(item.tag);
        continue;
      }
      ++w.failed;
      w.published.store(w.total, std::memory_order_relaxed);  // (6) relaxed: see Drain
      if ((s.fixed_count || seen >= Phase::stop) && drain.may_stop()) {
        if (seen < Phase::stop) w.observe(Phase::stop, seen);
        break;
      }
      waiter.wait();
    }
  } catch (const std::exception& e) {
    w.error = e.what();
  }
  consumer_finish(s, w, runs, seen);
}

}  // namespace qb::detail
