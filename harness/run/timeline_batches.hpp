// The measured window's fast path under --batch N (N > 1): the bursts of
// timeline_bursts.hpp, each call moving up to N items. Every item keeps its
// own tag, payload fill, exactly-once and order check, payload check and e2e
// sample test, as in a burst of single calls; what changes is only how many
// items one call to the steps moves.
//
// native: steps with bulk calls (the queue is a qb::BulkQueue) fill an array
// of N items and push it in one call, and pop up to N into an array, then
// check each. looped: any other queue's "call" is a burst of up to N single
// try_push / try_pop (timeline_bursts.hpp), each item made, or checked, as
// it goes: an array between the calls and the checks (this file at 1f9d3d4)
// cost the looped consumer ~11 instructions an item more than --batch 1 and
// the producer ~4 (callgrind, sequence_ring at --batch 256, counted as
// results/vm-2core/issue28/batch_ir.sh counts), which the queue's own bulk
// call pays for in the native kind only.
//
// A partial call (the queue took or gave k of the n asked, 0 < k < n) is
// counted and ends the burst, and the caller waits once, as after a failed
// try, since the queue was found full or empty (trying again at once cost a
// looped consumer that had caught up a second failed try_pop a call); at a
// native producer, the n - k items not taken stay in the batch, in order, at
// its front, and the next call offers them first, so none is lost or
// reordered (a looped producer makes the item it failed to push again, from
// its tag). A call that moves nothing ends the burst as a failed try does
// (the caller counts it as one and waits).
//
// A burst ends once it has moved kBurst items or more, so it reads the phase
// (timeline_state.hpp's (5)) at most max(kBurst, N) + N items late.
//
// e2e latency, native: the send time of each sampled item is the clock read
// just before the call that took it; the receive time, the read just after
// the call that gave it (one read a call, and only with e2e on). Looped: as
// single calls, each sampled item's own read before its push, after its pop.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "harness/measure/clock.hpp"
#include "harness/measure/latency_sample.hpp"
#include "harness/run/payload.hpp"
#include "harness/run/run_tracker.hpp"
#include "harness/run/timeline_bursts.hpp"
#include "harness/run/timeline_steps.hpp"

namespace qb::detail {

// Steps with a fast path that also offer the queue's bulk calls (native).
template <class Steps, class Item>
concept BulkSteps = BurstSteps<Steps, Item> && requires(Steps& steps, Item* items, std::size_t n) {
  { steps.try_send_bulk(items, n) } -> std::same_as<std::size_t>;
  { steps.try_receive_bulk(items, n) } -> std::same_as<std::size_t>;
};

// A producer's batch: items_[0, held_) were made and not yet taken by the
// queue; their tags follow the producer's last pushed item, in order. Items
// still held when the window closes are never pushed and never counted.
// held_ never exceeds the next call's `want` (min(size, end - seq)): each
// held item was made under the same `end`, for a sequence past `seq`.
template <class Item>
class ProducerBatch {
 public:
  explicit ProducerBatch(std::size_t n) : items_(n) {}

  std::size_t size() const noexcept { return items_.size(); }
  Item* data() noexcept { return items_.data(); }
  std::size_t held() const noexcept { return held_; }

  // Fills the batch up to `want` items (want <= size()), the next ones
  // tagged from `next_tag` on.
  void fill(std::size_t want, std::uint64_t next_tag) noexcept {
    for (; held_ < want; ++held_, ++next_tag) items_[held_] = make_item<Item>(next_tag);
  }

  // The queue took the first k of `offered`: the rest move to the front.
  void taken(std::size_t k, std::size_t offered) noexcept {
    if (k != 0) std::move(items_.begin() + static_cast<std::ptrdiff_t>(k), items_.begin() + static_cast<std::ptrdiff_t>(offered),
              items_.begin());
    held_ = offered - k;
  }

 private:
  std::vector<Item> items_;
  std::size_t held_ = 0;
};

// What a producer's batched burst did.
struct BatchPush {
  std::uint64_t pushed = 0;
  bool partial = false;  // its last call moved some items, not all (the caller counts it and waits)
  bool failed = false;   // its last call moved nothing (the caller counts it and waits)
};

// Pushes this producer's items from `seq` up to `end` (exclusive), at most
// about kBurst of them, N = batch.size() a call through the bulk push.
// kNote: e2e latency is on.
template <bool kNote, class Item, class Steps>
BatchPush produce_native_as(Steps& steps, const ProducerCtx<Item>& ctx, ProducerBatch<Item>& batch, std::uint64_t seq,
                            std::uint64_t end) {
  BatchPush out;
  const auto source = static_cast<std::uint32_t>(ctx.index);
  [[maybe_unused]] SampleTest sample(ctx.log);
  while (seq != end && out.pushed < kBurst) {
    const std::uint64_t tag = make_tag(source, seq);
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(batch.size(), end - seq));
    batch.fill(want, tag + batch.held());
    [[maybe_unused]] std::uint64_t ticks = 0;
    if constexpr (kNote) ticks = ctx.clock->now_unfenced();
    const std::size_t k = steps.try_send_bulk(batch.data(), want);
    if constexpr (kNote) {
      for (std::uint64_t t = tag; t != tag + k; ++t) {
        if (sample.wants(t)) sample.note(t, ticks);
      }
    }
    batch.taken(k, want);
    seq += k;
    out.pushed += k;
    if (k == 0) {
      out.failed = true;
      break;
    }
    if (k < want) {
      out.partial = true;
      break;
    }
  }
  return out;
}

// The same, `n` items a looped call: a burst of single pushes
// (produce_burst_as) that stops at n items or the first failed try.
template <bool kNote, class Item, class Steps>
BatchPush produce_looped_as(Steps& steps, const ProducerCtx<Item>& ctx, std::uint64_t n, std::uint64_t seq,
                            std::uint64_t end) {
  BatchPush out;
  while (seq != end && out.pushed < kBurst) {
    const std::uint64_t stop = seq + std::min(n, end - seq);
    const std::uint64_t k = produce_burst_as<kNote>(steps, ctx, seq, stop);
    seq += k;
    out.pushed += k;
    if (k == 0) {
      out.failed = true;
      break;
    }
    if (seq != stop) {
      out.partial = true;
      break;
    }
  }
  return out;
}

// What a consumer's batched burst found besides its items.
struct BatchPop {
  BurstTally tally;
  bool partial = false;  // its last call gave some items, not all (the caller counts it and waits)
};

// A consumer's per-item checks, as consume_burst_as makes them: the e2e
// sample's note, the payload, and one compare an item while the tags extend
// the tracker's run (RunTracker::see for any other tag).
template <bool kNote, class Item>
class ItemChecks {
 public:
  ItemChecks(RunTracker& runs, SampleLog* log, bool check_payload) noexcept
      : runs_(runs), sample_(log), check_payload_(check_payload), expected_(runs.next()), run_start_(expected_) {}

  // `ticks()`: the receive time, read only for a sampled item.
  template <class Ticks>
  void check(const Item& item, BurstTally& tally, Ticks ticks) noexcept {
    if constexpr (kNote) {
      if (sample_.wants(item.tag)) sample_.note(item.tag, ticks());
    }
    if constexpr (Item::kFillWords > 0) {
      if (check_payload_ && !payload_intact(item)) ++tally.corrupted;
    }
    if (item.tag != expected_) [[unlikely]] {
      runs_.extend(expected_ - run_start_);
      runs_.see(item.tag);
      expected_ = run_start_ = runs_.next();
      return;
    }
    ++expected_;
  }

  // After the last item: the run so far goes to the tracker.
  void finish() noexcept { runs_.extend(expected_ - run_start_); }

 private:
  RunTracker& runs_;
  [[maybe_unused]] SampleTest sample_;
  const bool check_payload_;
  std::uint64_t expected_, run_start_;
};

// Pops about kBurst items at most, up to out.size() a bulk call, each
// checked as consume_burst_as checks it. kNote: e2e latency is on.
template <bool kNote, class Item, class Steps>
BatchPop consume_native_as(Steps& steps, std::vector<Item>& out, RunTracker& runs, SampleLog* log, const Clock& clock,
                           bool check_payload) {
  BatchPop result;
  ItemChecks<kNote, Item> checks(runs, log, check_payload);
  const std::size_t n = out.size();
  while (result.tally.popped < kBurst) {
    const std::size_t k = steps.try_receive_bulk(out.data(), n);
    if (k == 0) {
      result.tally.failed = true;
      break;
    }
    [[maybe_unused]] std::uint64_t ticks = 0;
    if constexpr (kNote) ticks = clock.now_unfenced();
    for (std::size_t i = 0; i < k; ++i) checks.check(out[i], result.tally, [ticks] { return ticks; });
    result.tally.popped += k;
    if (k < n) {
      result.partial = true;
      break;
    }
  }
  checks.finish();
  return result;
}

// The same, `n` items a looped call: a burst of single pops
// (consume_burst_as) that stops at n items or the first failed try.
template <bool kNote, class Item, class Steps>
BatchPop consume_looped_as(Steps& steps, std::uint64_t n, RunTracker& runs, SampleLog* log, const Clock& clock,
                           bool check_payload) {
  BatchPop result;
  while (result.tally.popped < kBurst) {
    const BurstTally t = consume_burst_as<kNote, Item>(steps, runs, log, clock, check_payload, n);
    result.tally.popped += t.popped;
    result.tally.corrupted += t.corrupted;
    if (t.popped == 0) {
      result.tally.failed = true;
      break;
    }
    if (t.failed) {  // some, not n
      result.partial = true;
      break;
    }
  }
  return result;
}

// The right one of the above for the steps (native or looped) and the run's
// e2e setting; nothing for steps without bursts (the caller never gets here
// with them). `n`: items a call, the batch's size where there is one.
template <class Item, class Steps>
BatchPush produce_batches(Steps& steps, const ProducerCtx<Item>& ctx, ProducerBatch<Item>& batch, std::uint64_t n,
                          std::uint64_t seq, std::uint64_t end) {
  const bool note = ctx.log != nullptr;
  if constexpr (BulkSteps<Steps, Item>) {
    return note ? produce_native_as<true>(steps, ctx, batch, seq, end)
                : produce_native_as<false>(steps, ctx, batch, seq, end);
  } else if constexpr (BurstSteps<Steps, Item>) {
    return note ? produce_looped_as<true>(steps, ctx, n, seq, end) : produce_looped_as<false>(steps, ctx, n, seq, end);
  } else {
    return {};
  }
}

template <class Item, class Steps>
BatchPop consume_batches(Steps& steps, std::vector<Item>& out, std::uint64_t n, RunTracker& runs, SampleLog* log,
                         const Clock& clock, bool check_payload) {
  if constexpr (BulkSteps<Steps, Item>) {
    return log != nullptr ? consume_native_as<true, Item>(steps, out, runs, log, clock, check_payload)
                          : consume_native_as<false, Item>(steps, out, runs, log, clock, check_payload);
  } else if constexpr (BurstSteps<Steps, Item>) {
    return log != nullptr ? consume_looped_as<true, Item>(steps, n, runs, log, clock, check_payload)
                          : consume_looped_as<false, Item>(steps, n, runs, log, clock, check_payload);
  } else {
    return {};
  }
}

}  // namespace qb::detail
