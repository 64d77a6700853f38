// moodycamel::ConcurrentQueue (Debian libconcurrentqueue-dev), used two ways:
// plain, where each producer thread gets the library's implicit sub-queue,
// and with the producer and consumer tokens its README recommends for speed.
//
// The queue is a set of per-producer sub-queues that consumers pick among, so
// only one producer's items keep their order: per_producer_fifo, not fifo.
// Progress: lock_free in the library's sense; try_push may allocate a block
// (malloc, with the allocator's own locks) when its sub-queue is full.
// try_pop can fail while items are in flight (a sub-queue it has passed over
// fills meanwhile); the harness reads a failed try_pop only as "empty now".
// Unbounded: the capacity argument is ignored.
// Bulk (qb::BulkQueue): enqueue_bulk is all or nothing (it returns a bool),
// so try_push_bulk takes n or 0, moving the items in through move iterators;
// try_dequeue_bulk takes up to n from one sub-queue after another.
#pragma once

#include <concurrentqueue/concurrentqueue.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include "queues/queue.hpp"

namespace qb {

template <class T>
class MoodycamelQueue {
 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = "moodycamel_queue", .bounded = false, .producers = Multiplicity::many,
      .consumers = Multiplicity::many, .progress = Progress::lock_free,
      .order = Order::per_producer_fifo, .capacity_required = false};

  explicit MoodycamelQueue(std::size_t /*capacity: unbounded*/ = 0) {}
  bool try_push(T&& value) { return queue_.enqueue(std::move(value)); }
  bool try_pop(T& out) { return queue_.try_dequeue(out); }
  std::size_t try_push_bulk(T* items, std::size_t n) {
    return queue_.enqueue_bulk(std::make_move_iterator(items), n) ? n : 0;
  }
  std::size_t try_pop_bulk(T* out, std::size_t n) { return queue_.try_dequeue_bulk(out, n); }

 private:
  moodycamel::ConcurrentQueue<T> queue_;
};

// Tokens belong to one thread at a time, so each thread that touches the
// queue gets its own pair, made on first use and owned by the queue (and
// destroyed before it). A thread finds its pair through a small thread_local
// cache keyed by a per-instance id that is never reused, so a cache entry of
// a destroyed queue can never match a new queue at the same address; on a
// miss it looks the pair up by thread id under mutex_. Two queues used
// alternately by one thread (pingpong) sit in different cache slots.
template <class T>
class MoodycamelTokens {
 public:
  using value_type = T;
  static constexpr QueueTraits traits{
      .name = "moodycamel_tokens", .bounded = false, .producers = Multiplicity::many,
      .consumers = Multiplicity::many, .progress = Progress::lock_free,
      .order = Order::per_producer_fifo, .capacity_required = false};

  explicit MoodycamelTokens(std::size_t /*capacity: unbounded*/ = 0) {}
  MoodycamelTokens(const MoodycamelTokens&) = delete;  // tokens point at queue_
  MoodycamelTokens& operator=(const MoodycamelTokens&) = delete;

  bool try_push(T&& value) {
    auto& producer = tokens().producer;
    if (!producer) producer.emplace(queue_);
    return queue_.enqueue(*producer, std::move(value));
  }
  bool try_pop(T& out) {
    auto& consumer = tokens().consumer;
    if (!consumer) consumer.emplace(queue_);
    return queue_.try_dequeue(*consumer, out);
  }
  std::size_t try_push_bulk(T* items, std::size_t n) {
    auto& producer = tokens().producer;
    if (!producer) producer.emplace(queue_);
    // A token whose sub-queue could not be allocated is not valid; the test
    // also tells GCC the sub-queue pointer is set (else -Wstringop-overflow
    // warns of a null sub-queue inside enqueue_bulk).
    if (!producer->valid()) return 0;
    return queue_.enqueue_bulk(*producer, std::make_move_iterator(items), n) ? n : 0;
  }
  std::size_t try_pop_bulk(T* out, std::size_t n) {
    auto& consumer = tokens().consumer;
    if (!consumer) consumer.emplace(queue_);
    return queue_.try_dequeue_bulk(*consumer, out, n);
  }

 private:
  struct Tokens {
    std::optional<moodycamel::ProducerToken> producer;  // made on first push
    std::optional<moodycamel::ConsumerToken> consumer;  // made on first pop
  };

  Tokens& tokens() {
    struct Entry {
      std::uint64_t id = 0;
      Tokens* tokens = nullptr;
    };
    thread_local std::array<Entry, 4> cache;
    Entry& entry = cache[id_ % cache.size()];
    if (entry.id != id_) {
      std::lock_guard lock(mutex_);
      auto& mine = by_thread_[std::this_thread::get_id()];
      if (!mine) mine = std::make_unique<Tokens>();
      entry = {id_, mine.get()};
    }
    return *entry.tokens;
  }

  // relaxed: the id only has to be unique, not ordered with anything.
  static std::uint64_t next_id() {
    static std::atomic<std::uint64_t> last{0};
    return last.fetch_add(1, std::memory_order_relaxed) + 1;
  }

  moodycamel::ConcurrentQueue<T> queue_;
  const std::uint64_t id_ = next_id();
  std::mutex mutex_;
  // Declared after queue_, so destroyed first: a token's destructor uses it.
  std::unordered_map<std::thread::id, std::unique_ptr<Tokens>> by_thread_;
};

}  // namespace qb
