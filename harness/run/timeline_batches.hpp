// The measured window's fast path under --batch N (N > 1): the bursts of
// timeline_bursts.hpp, each call moving up to N items. Every item keeps its
// own tag, payload fill, exactly-once and order check, payload check and e2e
// sample test, as in a burst of single calls; what changes is only how many
// items one call to the steps moves.
//
// The steps' bulk calls are the queue's own (a qb::BulkQueue: native) or a
// loop of try_push / try_pop over the items (looped), so the harness's work
// per item is the same whichever the queue is (point_runner.hpp).
//
// A partial call (the queue took or gave k of the n asked, 0 < k < n) is
// counted and the burst goes on: at the producer, the n - k items not taken
// stay in the batch, in order, at its front, and the next call offers them
// first (so none is lost or reordered); a call that moves nothing ends the
// burst as a failed try does (the caller counts it and waits).
//
// e2e latency: the send time of each sampled item is the clock read just
// before the call that took it; the receive time, the read just after the
// call that gave it (one read a call, not an item, and only with e2e on).
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

// Steps with a fast path that also move several items a call.
template <class Steps, class Item>
concept BatchSteps = BurstSteps<Steps, Item> && requires(Steps& steps, Item* items, std::size_t n) {
  { steps.try_send_bulk(items, n) } -> std::same_as<std::size_t>;
  { steps.try_receive_bulk(items, n) } -> std::same_as<std::size_t>;
  { Steps::kNativeBulk } -> std::convertible_to<bool>;
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
  std::uint64_t partial = 0;
  bool failed = false;  // its last call moved nothing (the caller counts it and waits)
};

// Pushes this producer's items from `seq` up to `end` (exclusive), at most
// about kBurst of them, a batch a call. kNote: e2e latency is on.
template <bool kNote, class Item, class Steps>
BatchPush produce_batches_as(Steps& steps, const ProducerCtx<Item>& ctx, ProducerBatch<Item>& batch, std::uint64_t seq,
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
    if (k < want) ++out.partial;
  }
  return out;
}

// What a consumer's batched burst found besides its items.
struct BatchPop {
  BurstTally tally;
  std::uint64_t partial = 0;
};

// Pops about kBurst items at most, up to out.size() a call, each checked as
// consume_burst_as checks it. kNote: e2e latency is on (`log` is set).
template <bool kNote, class Item, class Steps>
BatchPop consume_batches_as(Steps& steps, std::vector<Item>& out, RunTracker& runs, SampleLog* log, const Clock& clock,
                            bool check_payload) {
  BatchPop result;
  BurstTally& tally = result.tally;
  // As in consume_burst_as: one compare an item while the tags extend the
  // tracker's run; RunTracker::see for any other tag.
  std::uint64_t expected = runs.next(), run_start = expected;
  [[maybe_unused]] SampleTest sample(log);
  const std::size_t n = out.size();
  while (tally.popped < kBurst) {
    const std::size_t k = steps.try_receive_bulk(out.data(), n);
    if (k == 0) {
      tally.failed = true;
      break;
    }
    if (k < n) ++result.partial;
    [[maybe_unused]] std::uint64_t ticks = 0;
    if constexpr (kNote) ticks = clock.now_unfenced();
    for (std::size_t i = 0; i < k; ++i) {
      const Item& item = out[i];
      if constexpr (kNote) {
        if (sample.wants(item.tag)) sample.note(item.tag, ticks);
      }
      if constexpr (Item::kFillWords > 0) {
        if (check_payload && !payload_intact(item)) ++tally.corrupted;
      }
      if (item.tag != expected) [[unlikely]] {
        runs.extend(expected - run_start);
        runs.see(item.tag);
        expected = run_start = runs.next();
        continue;
      }
      ++expected;
    }
    tally.popped += k;
  }
  runs.extend(expected - run_start);
  return result;
}

// The two above for the run's e2e setting; nothing for steps without batches
// (the caller never gets here with them).
template <class Item, class Steps>
BatchPush produce_batches(Steps& steps, const ProducerCtx<Item>& ctx, ProducerBatch<Item>& batch, std::uint64_t seq,
                          std::uint64_t end) {
  if constexpr (BatchSteps<Steps, Item>) {
    return ctx.log != nullptr ? produce_batches_as<true>(steps, ctx, batch, seq, end)
                              : produce_batches_as<false>(steps, ctx, batch, seq, end);
  } else {
    return {};
  }
}

template <class Item, class Steps>
BatchPop consume_batches(Steps& steps, std::vector<Item>& out, RunTracker& runs, SampleLog* log, const Clock& clock,
                         bool check_payload) {
  if constexpr (BatchSteps<Steps, Item>) {
    return log != nullptr ? consume_batches_as<true, Item>(steps, out, runs, log, clock, check_payload)
                          : consume_batches_as<false, Item>(steps, out, runs, log, clock, check_payload);
  } else {
    return {};
  }
}

}  // namespace qb::detail
