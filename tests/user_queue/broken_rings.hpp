// Header queues that break one rule each, for the header_queue_end_to_end
// test: qbench check must name each fault, as it does for the test plugins
// (tests/plugins/broken_plugin.cpp). Every 1000th operation misbehaves.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include <qbench/queue.hpp>

namespace broken {

enum class Fault { loss, dup, reorder, torn };

constexpr std::string_view name_of(Fault f) {
  switch (f) {
    case Fault::loss: return "header_loss";
    case Fault::dup: return "header_dup";
    case Fault::reorder: return "header_reorder";
    case Fault::torn: return "header_torn";
  }
  return "?";
}

// An unbounded MPMC FIFO behind a mutex, with one fault.
template <class T, Fault kFault>
class Faulty {
 public:
  using value_type = T;
  static constexpr qb::QueueTraits traits{.name = name_of(kFault), .bounded = false,
                                          .producers = qb::Multiplicity::many, .consumers = qb::Multiplicity::many,
                                          .progress = qb::Progress::blocking, .order = qb::Order::fifo,
                                          .capacity_required = false};
  explicit Faulty(std::size_t) {}

  bool try_push(T&& v) {
    std::lock_guard lock(mutex_);
    const bool strike = ++pushes_ % 1000 == 0;
    if (kFault == Fault::loss && strike) return true;
    items_.push_back(std::move(v));
    if (kFault == Fault::reorder && strike && items_.size() >= 2) std::swap(items_.back(), items_[items_.size() - 2]);
    return true;
  }

  bool try_pop(T& out) {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return false;
    const bool strike = ++pops_ % 1000 == 0;
    out = items_.front();
    if (kFault == Fault::dup && strike) return true;  // left in place: popped again
    items_.pop_front();
    if (kFault == Fault::torn && strike && sizeof(T) > 8) reinterpret_cast<unsigned char*>(&out)[sizeof(T) - 1] ^= 0xff;
    return true;
  }

 private:
  std::mutex mutex_;
  std::deque<T> items_;
  std::uint64_t pushes_ = 0, pops_ = 0;
};

template <class T>
using Loss = Faulty<T, Fault::loss>;
template <class T>
using Dup = Faulty<T, Fault::dup>;
template <class T>
using Reorder = Faulty<T, Fault::reorder>;
template <class T>
using Torn = Faulty<T, Fault::torn>;

// A Vyukov ring whose push publishes the slot (release store of its
// sequence) before it writes the item: a consumer can read the slot before
// the item is in it. Correct on one thread; racy by design on several.
template <class T>
class PublishEarly {
 public:
  using value_type = T;
  static constexpr qb::QueueTraits traits{.name = "header_publish_early", .bounded = true,
                                          .producers = qb::Multiplicity::many, .consumers = qb::Multiplicity::many,
                                          .progress = qb::Progress::slot_blocking, .order = qb::Order::fifo,
                                          .capacity_required = true};
  static void check_capacity(std::size_t capacity) {
    if (capacity < 2 || (capacity & (capacity - 1)) != 0 || capacity > (std::size_t{1} << 30)) {
      throw std::invalid_argument("header_publish_early: capacity must be a power of two from 2 to 2^30");
    }
  }
  explicit PublishEarly(std::size_t capacity)
      : mask_((check_capacity(capacity), capacity - 1)), cells_(new Cell[capacity]) {
    for (std::size_t i = 0; i < capacity; ++i) cells_[i].seq.store(i, std::memory_order_relaxed);
  }

  bool try_push(T&& v) {
    std::size_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& c = cells_[pos & mask_];
      const std::size_t seq = c.seq.load(std::memory_order_acquire);
      if (seq == pos) {
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          c.seq.store(pos + 1, std::memory_order_release);  // the fault: published before written
          if ((pos & 63) == 0) std::this_thread::yield();   // widens the window
          std::memcpy(static_cast<void*>(&c.value), &v, sizeof(T));
          return true;
        }
      } else if (seq < pos) {
        return false;
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
  }

  bool try_pop(T& out) {
    std::size_t pos = head_.load(std::memory_order_relaxed);
    for (;;) {
      Cell& c = cells_[pos & mask_];
      const std::size_t seq = c.seq.load(std::memory_order_acquire);
      if (seq == pos + 1) {
        if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
          std::memcpy(static_cast<void*>(&out), &c.value, sizeof(T));
          c.seq.store(pos + mask_ + 1, std::memory_order_release);
          return true;
        }
      } else if (seq < pos + 1) {
        return false;
      } else {
        pos = head_.load(std::memory_order_relaxed);
      }
    }
  }

 private:
  struct Cell {
    std::atomic<std::size_t> seq;
    T value{};
  };
  const std::size_t mask_;
  std::unique_ptr<Cell[]> cells_;
  alignas(128) std::atomic<std::size_t> tail_{0};
  alignas(128) std::atomic<std::size_t> head_{0};
};

QBENCH_QUEUE(broken::Loss);
QBENCH_QUEUE(broken::Dup);
QBENCH_QUEUE(broken::Reorder);
QBENCH_QUEUE(broken::Torn);
QBENCH_QUEUE(broken::PublishEarly);

}  // namespace broken
