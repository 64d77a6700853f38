// Plain throughput: one repetition of one point, through the run skeleton
// (timeline.hpp): P producer and C consumer threads over a fresh queue, each
// producer pushing its items numbered 0, 1, 2, ..., each consumer popping.
// What the steps add to the skeleton is only the push and the pop themselves,
// as --wait asks (try_* or the queue's blocking call), and, with --latency
// ops, the sampled timing of about one call in op_sample_period, at random
// gaps (measure/op_sample.hpp) so that it never beats in step with the queue.
//
// An item is one push and its pop: throughput = items moved inside the
// window / window length. Under --batch N the window's calls move up to N
// items each (timeline_batches.hpp): the queue's own bulk calls where it
// models qb::BulkQueue, else a loop over try_push / try_pop.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "harness/measure/clock.hpp"
#include "harness/measure/op_sample.hpp"
#include "harness/run/harness_block.hpp"
#include "harness/run/make_queue.hpp"
#include "harness/run/timeline.hpp"
#include "queues/queue.hpp"

namespace qb {

namespace detail {

// --wait block: how long one blocking push or pop may wait before its thread
// looks at the phase again.
inline constexpr std::chrono::milliseconds kBlockSlice{5};

template <class Q>
inline constexpr bool kHasBlockingOps = BlockingQueue<Q>;

// One push or pop as --wait asks: try_* (the harness spins, then yields,
// between attempts), or, with --wait block (`block` not null), the queue's own
// blocking call where it has one, else the harness's (harness_block.hpp), for
// at most kBlockSlice either way.
template <class Q>
bool push_once(Q& q, typename Q::value_type&& item, BlockingWaits* block) {
  if (block != nullptr) {
    if constexpr (kHasBlockingOps<Q>) {
      return q.push(std::move(item), kBlockSlice);
    } else {
      return harness_push(q, std::move(item), *block, kBlockSlice);
    }
  }
  return q.try_push(std::move(item));
}

template <class Q>
bool pop_once(Q& q, typename Q::value_type& item, BlockingWaits* block) {
  if (block != nullptr) {
    if constexpr (kHasBlockingOps<Q>) {
      return q.pop(item, kBlockSlice);
    } else {
      return harness_pop(q, item, *block, kBlockSlice);
    }
  }
  return q.try_pop(item);
}

// The harness's waits for a queue of type Q under --wait block.
template <class Q>
void set_up_waits(BlockingWaits& waits, const PointParams& params) {
  waits.spin = params.block_spin;
  if constexpr (requires { Q::traits.bounded; }) waits.bounded = Q::traits.bounded;
}

}  // namespace detail

template <Queue Q>
class ThroughputSteps {
 public:
  using Item = typename Q::value_type;
  static constexpr bool kPublishEveryPop = false;

  ThroughputSteps(const PointParams& params, const Clock& clock)
      : params_(params), clock_(clock), period_(std::max<std::uint32_t>(1, params.op_sample_period)) {
    construct_queue(queue_, params);
    detail::set_up_waits<Q>(waits_, params);
  }

  int sources() const { return params_.producers; }
  std::uint64_t e2e_sample_period() const { return params_.latency_sample_period; }
  bool keep_pairs() const { return false; }
  bool blocks() const { return true; }
  bool blocks_natively() const { return detail::kHasBlockingOps<Q>; }
  void before_start(const Clock&) {}

  Sent produce(ProducerCtx<Item>& ctx, const detail::Worker& w) {
    Item item = ProducerCtx<Item>::make(static_cast<std::uint32_t>(ctx.index), w.total);
    ctx.note_send(item.tag);
    const bool pushed = call(ctx.ops, ctx.counting, samplers_[0][static_cast<std::size_t>(ctx.index)],
                             [&] { return detail::push_once(*queue_, std::move(item), ctx.block ? &waits_ : nullptr); });
    return pushed ? Sent::pushed : Sent::full;
  }

  int consume(ConsumerCtx& ctx, Item& out) {
    const bool popped = call(ctx.ops, ctx.counting, samplers_[1][static_cast<std::size_t>(ctx.index)],
                             [&] { return detail::pop_once(*queue_, out, ctx.block ? &waits_ : nullptr); });
    return popped ? 0 : -1;
  }

  // The window's bursts (timeline_bursts.hpp), when no call is timed and
  // none blocks: the bare try_push and try_pop.
  bool try_send(Item&& item) { return queue_->try_push(std::move(item)); }
  bool try_receive(Item& out) { return queue_->try_pop(out); }

  // --batch N (timeline_batches.hpp): the queue's bulk calls, where it has
  // them (native); for any other queue the window loops over try_send and
  // try_receive (looped).
  std::size_t try_send_bulk(Item* items, std::size_t n)
    requires BulkQueue<Q>
  {
    return queue_->try_push_bulk(items, n);
  }
  std::size_t try_receive_bulk(Item* out, std::size_t n)
    requires BulkQueue<Q>
  {
    return queue_->try_pop_bulk(out, n);
  }

  void after_pop(ConsumerCtx&, int) {}
  bool samples() const { return false; }
  std::chrono::nanoseconds sample_interval(std::chrono::nanoseconds window) const { return window; }
  void window_opened(const SampleView&) {}
  void sample(const SampleView&) {}

  std::uint64_t drain_left_over() {
    std::uint64_t n = 0;
    for (Item item{}; queue_->try_pop(item);) ++n;
    return n;
  }

  std::vector<std::uint64_t> pushed_per_source(const std::vector<detail::Worker>& producers) const {
    std::vector<std::uint64_t> out;
    for (const auto& w : producers) out.push_back(w.total);
    return out;
  }

  void finish(RepResult&, const TimelineRecord&) {}

 private:
  // Makes one push or pop; with --latency ops (`ops` set), about one call
  // in period_ is timed, successes and failures apart. One sampler per
  // thread, each on its own line (threads index disjoint entries).
  template <class Op>
  bool call(ThreadLatency* ops, bool counting, OpSampler& sampler, Op op) {
    if (ops == nullptr || !sampler.next()) return op();
    const auto t0 = clock_.now();
    const bool ok = op();
    const auto dt = clock_.to_ns(clock_.now() - t0);
    if (counting) (ok ? ops->op_ok : ops->op_failed).record(dt);
    return ok;
  }

  const PointParams& params_;
  const Clock& clock_;
  const std::uint32_t period_;
  std::optional<Q> queue_;
  BlockingWaits waits_;  // --wait block on a queue without blocking calls
  std::vector<OpSampler> samplers_[2] = {samplers(0, params_.producers), samplers(1, params_.consumers)};

  std::vector<OpSampler> samplers(std::uint64_t role, int threads) const {
    std::vector<OpSampler> out;
    out.reserve(static_cast<std::size_t>(threads));
    for (int i = 0; i < threads; ++i) out.emplace_back(period_, params_.seed * 4099 + role * 1031 + static_cast<std::uint64_t>(i));
    return out;
  }
};

// Runs one repetition. `cpus` has one entry per thread (producers first), -1
// for unpinned. Throws what the queue's constructor throws.
// The second form, on a clock that needs no calibration, is for tests.
template <Queue Q>
RepResult run_repetition(const PointParams& params, const std::vector<int>& cpus, const Clock& clock) {
  return run_with_steps<ThroughputSteps, Q>(params, cpus, clock);
}
template <Queue Q>
RepResult run_repetition(const PointParams& params, const std::vector<int>& cpus) {
  return run_with_steps<ThroughputSteps, Q>(params, cpus, uncalibrated_clock());
}

}  // namespace qb
