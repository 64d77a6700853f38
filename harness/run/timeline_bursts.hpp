// The measured window's fast path (timeline_workers.hpp): bursts of pushes
// or pops with only the per-item work no run can skip, for steps that offer
// a plain push and pop (try_send / try_receive, plain throughput) when
// neither --latency ops nor --wait block asks for more per call.
//
// Why: for a queue that spends a few nanoseconds an item, the general loop's
// per-item work (the phase read, the quota and limit tests, the step's switch,
// the counts kept in the worker's record, the waiter's reset, the tests of
// settings that never change in a run) took as many instructions as the queue
// (issue 27: sequence_ring at 1P1C, 37 Ir a push and 40 a pop in qbench's
// loops, callgrind). A burst keeps its counts in registers and writes them
// back once, reads the phase once (timeline_state.hpp's (5), polled per burst
// instead of per item: a thread sees a new phase at most kBurst items late,
// which only moves its own window edge, read on its own clock), and is
// instantiated with and without the e2e latency sample, so neither tests the
// other's setting per item.
//
// What stays per item: the item's tag (and its payload's fill); at the
// consumer, the exactly-once and order check (one compare and one increment
// while a producer's items arrive in order, RunTracker::see for any other
// tag), the payload check where the item has bytes past the tag; with e2e
// latency, the sample test on each side.
#pragma once

#include <concepts>
#include <cstdint>
#include <utility>

#include "harness/measure/clock.hpp"
#include "harness/measure/latency_sample.hpp"
#include "harness/run/payload.hpp"
#include "harness/run/run_tracker.hpp"
#include "harness/run/timeline_steps.hpp"
#include "harness/run/worker.hpp"

namespace qb::detail {

// Items a burst moves at most before its thread reads the phase again: small
// enough that a thread of a fast queue sees the stop within ~10 us (a slow
// one's bursts end at its first failed try), large enough that the burst's
// own entry and exit (~50-70 instructions in qbench's loops, callgrind) cost
// under 0.1 an item (at 256 they cost 0.2-0.3, 1-2% of the fastest queues').
inline constexpr std::uint64_t kBurst = 1024;

// The e2e sample's test, SampleLog::wants, with the log's threshold kept in
// a register: it changes only when a note thins the log, so it is read again
// after each note rather than before each item.
class SampleTest {
 public:
  // `log` null: e2e latency is off, and nothing is asked.
  explicit SampleTest(SampleLog* log) noexcept : log_(log), threshold_(log != nullptr ? log->threshold() : 0) {}
  bool wants(std::uint64_t tag) const noexcept { return sample_hash(tag) <= threshold_; }
  void note(std::uint64_t tag, std::uint64_t ticks) noexcept {
    log_->note(tag, ticks);
    threshold_ = log_->threshold();
  }

 private:
  SampleLog* log_;
  std::uint64_t threshold_;
};

// Steps with nothing to do after a pop and no sampler reading pops as they
// happen, which offer a plain push and pop.
template <class Steps, class Item>
concept BurstSteps = !Steps::kPublishEveryPop && requires(Steps& steps, Item&& in, Item& out) {
  { steps.try_send(std::move(in)) } -> std::same_as<bool>;
  { steps.try_receive(out) } -> std::same_as<bool>;
};

// Pushes this producer's items numbered seq, seq + 1, ... up to `end`
// (exclusive), stopping at the first failed try, which the caller counts and
// waits after. Returns the number pushed. kNote: e2e latency is on (ctx.log
// is set); inside the window every sampled send is noted.
template <bool kNote, class Item, class Steps>
std::uint64_t produce_burst_as(Steps& steps, const ProducerCtx<Item>& ctx, std::uint64_t seq, std::uint64_t end) {
  // The tag is the loop's counter: producer << 48 | seq, so the next item's
  // tag is this one's plus one, and no item's tag is put together anew.
  const auto source = static_cast<std::uint32_t>(ctx.index);
  const std::uint64_t first = make_tag(source, seq), stop = make_tag(source, end);
  std::uint64_t tag = first;
  [[maybe_unused]] SampleTest sample(ctx.log);
  while (tag != stop) {
    if constexpr (kNote) {
      if (sample.wants(tag)) sample.note(tag, ctx.clock->now_unfenced());
    }
    if (!steps.try_send(make_item<Item>(tag))) break;
    ++tag;
  }
  return tag - first;
}

// What a consumer's burst found besides its items.
struct BurstTally {
  std::uint64_t popped = 0;
  std::uint64_t corrupted = 0;
  bool failed = false;  // it ended on a failed try (the caller counts it and waits)
};

// Pops up to `limit` items (kBurst; --batch's looped calls ask for N,
// timeline_batches.hpp), each checked as the general loop checks it,
// stopping at the first failed try. kNote: e2e latency is on (`log` is set).
template <bool kNote, class Item, class Steps>
BurstTally consume_burst_as(Steps& steps, RunTracker& runs, SampleLog* log, const Clock& clock, bool check_payload,
                            std::uint64_t limit = kBurst) {
  BurstTally tally;
  Item item{};
  // One compare an item while the items extend the tracker's run (a FIFO
  // queue's single producer: every item); another tag, from another
  // producer or out of place, goes through RunTracker::see, which starts a
  // new run. `expected` reaches `stop` after `limit` items, whatever runs
  // they form, since a new run moves both by the same amount.
  std::uint64_t expected = runs.next(), run_start = expected;
  std::uint64_t stop = expected + limit;
  [[maybe_unused]] SampleTest sample(log);
  while (expected != stop) {
    if (!steps.try_receive(item)) {
      tally.failed = true;
      break;
    }
    if constexpr (kNote) {
      if (sample.wants(item.tag)) sample.note(item.tag, clock.now_unfenced());
    }
    if constexpr (Item::kFillWords > 0) {
      if (check_payload && !payload_intact(item)) ++tally.corrupted;
    }
    if (item.tag != expected) [[unlikely]] {
      const std::uint64_t left = stop - expected - 1;
      tally.popped += expected - run_start + 1;
      runs.extend(expected - run_start);
      runs.see(item.tag);
      expected = run_start = runs.next();
      stop = expected + left;
      continue;
    }
    ++expected;
  }
  tally.popped += expected - run_start;
  runs.extend(expected - run_start);
  return tally;
}

// The two above for the run's e2e setting; nothing for steps without bursts
// (the caller never gets here with them).
template <class Item, class Steps>
std::uint64_t produce_burst(Steps& steps, const ProducerCtx<Item>& ctx, std::uint64_t seq, std::uint64_t end) {
  if constexpr (BurstSteps<Steps, Item>) {
    return ctx.log != nullptr ? produce_burst_as<true>(steps, ctx, seq, end) : produce_burst_as<false>(steps, ctx, seq, end);
  } else {
    return 0;
  }
}

template <class Item, class Steps>
BurstTally consume_burst(Steps& steps, RunTracker& runs, SampleLog* log, const Clock& clock, bool check_payload) {
  if constexpr (BurstSteps<Steps, Item>) {
    return log != nullptr ? consume_burst_as<true, Item>(steps, runs, log, clock, check_payload)
                          : consume_burst_as<false, Item>(steps, runs, log, clock, check_payload);
  } else {
    return {};
  }
}

}  // namespace qb::detail
