// What a workload gives the run skeleton (timeline.hpp) and what it gets
// back. The skeleton owns every phase of a repetition; a workload supplies
// only what differs, as a Steps object:
//
//   static constexpr bool kPublishEveryPop;   // its sampler reads pops as they happen
//   int sources() const;                      // validation sources (producers, or producers x lanes)
//   std::uint64_t e2e_sample_period() const;  // 1 in N items' latency; 0: none
//   bool keep_pairs() const;                  // finish() wants every (tag, ns) of the sample
//   bool blocks() const;                      // --wait block: the steps can block (every queue now)
//   bool blocks_natively() const;             // ... through the queue's own blocking calls
//   void before_start(const Clock&);          // just before the start barrier opens
//   Sent produce(ProducerCtx<Item>&, const detail::Worker&);  // one try at sending
//   int consume(ConsumerCtx&, Item&);         // one try at receiving: the lane, or -1
//   void after_pop(ConsumerCtx&, int lane);   // after an item was received and checked
//   bool samples() const;                     // the controller samples while the window is open
//   std::chrono::nanoseconds sample_interval(std::chrono::nanoseconds window) const;
//   void window_opened(const SampleView&);   // right after the window opens (the sampler's baseline)
//   void sample(const SampleView&);
//   std::uint64_t drain_left_over();          // pops what is left, once quiescent
//   std::vector<std::uint64_t> pushed_per_source(const std::vector<detail::Worker>&) const;
//   void finish(RepResult&, const TimelineRecord&);  // its own metrics
//
// and, optionally, for steps whose push and pop are plain (nothing after a
// pop, no sampler reading pops), the window's fast path (timeline_bursts.hpp):
//   bool try_send(Item&&);                    // one untimed, non-blocking push
//   bool try_receive(Item&);                  // one untimed, non-blocking pop
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "harness/measure/clock.hpp"
#include "harness/measure/latency.hpp"
#include "harness/measure/latency_sample.hpp"
#include "harness/model/run_types.hpp"
#include "harness/run/payload.hpp"
#include "harness/run/phase.hpp"
#include "harness/run/worker.hpp"

namespace qb {

// What one producer step did.
enum class Sent {
  pushed,     // an item went in: the skeleton counts it
  full,       // try_push failed: a failed op, then the thread waits
  retry,      // try_push failed and the step tries again at once (give_up): a failed op, no wait
  held_back,  // nothing was tried (admission refused it): the thread waits, nothing is counted
  none,       // nothing was tried and no wait is due (a paced or idle wait already happened)
};

template <class Item>
struct ProducerCtx {
  int index = 0;
  bool counting = false;         // inside the measured window
  // Send times are noted inside the window and, in duration mode, during the
  // warm-up too: a backlog built there is popped inside the window, and
  // leaving its items out would leave out the longest waits. (Fixed-count
  // windows open on an empty queue, so there only the window's are noted.)
  bool noting_sends = false;
  bool block = false;            // --wait block
  const Clock* clock = nullptr;
  SampleLog* log = nullptr;      // null when e2e latency is off
  ThreadLatency* ops = nullptr;  // null unless per-operation timing is on
  const std::atomic<Phase>* phase = nullptr;  // for a step that waits (pacing, idling) to notice Phase::stop

  // The item of `source` numbered `seq`: its tag and the fill the consumer checks.
  static Item make(std::uint32_t source, std::uint64_t seq) noexcept {
    return make_item<Item>(make_tag(source, seq));
  }
  // Notes the send time of `tag` (now) when it is in the latency sample.
  void note_send(std::uint64_t tag) const noexcept {
    if (log != nullptr && noting_sends && log->wants(tag)) log->note(tag, clock->now_unfenced());
  }
  // The same with an intended send time (paced workloads).
  void note_send_at(std::uint64_t tag, std::uint64_t ticks) const noexcept {
    if (log != nullptr && noting_sends && log->wants(tag)) log->note(tag, ticks);
  }
};

struct ConsumerCtx {
  int index = 0;
  bool counting = false;
  bool block = false;
  const Clock* clock = nullptr;
  ThreadLatency* ops = nullptr;
};

// What the controller's sampler may read while the window is open.
struct SampleView {
  detail::SteadyClock::time_point window_start;
  const std::vector<detail::Worker>* consumers;  // `published`: items popped so far (kPublishEveryPop)
};

// What finish() is given.
struct TimelineRecord {
  const std::vector<detail::Worker>* producers;
  const std::vector<detail::Worker>* consumers;
  const E2eSample* e2e;  // null when e2e latency is off
};

}  // namespace qb
