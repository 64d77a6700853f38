// The one interface every queue in qbench satisfies, ours, a peer's or a
// user's: what a queue author codes against (README, "Bring your own queue").
// A header from outside the tree joins qbench at configure time
// (cmake -DQBENCH_QUEUES=/abs/my_queue.hpp) by naming its queue templates,
// after their definitions, with QBENCH_QUEUE(my_namespace::MyQueue) (below).
//
// A queue is a type with `value_type`, non-waiting `try_push`/`try_pop` and a
// `static constexpr QueueTraits traits`. Everything that decides whether a
// workload point can run (two consumers on an MPSC queue?) and which checks a
// run must pass (per-producer order?) reads the traits; there is no hand-kept
// support matrix.
//
// Construction is `explicit Q(std::size_t capacity)`: bounded queues take it
// as their size, unbounded queues as an optional cap (0 = none) or ignore it,
// as their traits say. A queue that requires a capacity but refuses the
// harness's default of 1024 names the one to use instead in
// `static constexpr std::size_t kDefaultCapacity`.
//
// A queue that can also wait (for space, for an item) up to a timeout models
// BlockingQueue as well; the harness's `--wait block` mode needs it.
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace qb {

enum class Multiplicity { one, many };

// How a stalled thread (preempted, or dead) affects the others.
enum class Progress {
  blocking,       // a lock: a stalled lock holder stalls every thread
  slot_blocking,  // no lock, but a thread stalled between claiming a slot and
                  // finishing it stalls the peer that needs that slot (the
                  // Vyukov ring, crossbeam's SegQueue): not strictly lock-free
  lock_free,      // some thread always completes in a bounded number of steps
  wait_free,      // every thread completes in a bounded number of steps
};

// What a consumer may assume about the order of the items it pops.
enum class Order {
  fifo,               // linearizable FIFO: in particular, the items of one
                      // producer reach any one consumer in push order
  per_producer_fifo,  // only the items of one producer keep their order
  none,
};

struct QueueTraits {
  std::string_view name;
  bool bounded;               // try_push can fail because the queue is full
  Multiplicity producers;
  Multiplicity consumers;
  Progress progress;
  Order order;
  bool capacity_required;     // constructing it with capacity 0 is an error
};

template <class Q>
concept Queue = requires(Q& q, typename Q::value_type v) {
  { q.try_push(std::move(v)) } -> std::same_as<bool>;
  { q.try_pop(v) } -> std::same_as<bool>;
  { Q::traits } -> std::convertible_to<QueueTraits>;
};

// push and pop wait up to `timeout` for space or for an item and return false
// if it passes first (a failed push leaves its argument alone, a failed pop its
// output); a zero or negative timeout makes them try_push and try_pop.
template <class Q>
concept BlockingQueue =
    Queue<Q> && requires(Q& q, typename Q::value_type v, std::chrono::nanoseconds timeout) {
      { q.push(std::move(v), timeout) } -> std::same_as<bool>;
      { q.pop(v, timeout) } -> std::same_as<bool>;
    };

// A queue that can move several items in one call models BulkQueue too;
// `qbench run --batch N` then uses these calls (the JSON marks the point
// `native`) and loops over try_push/try_pop for every other queue (`looped`).
//
// try_push_bulk moves items[0], items[1], ... into the queue, in that order,
// and returns how many it took, k in [0, n]: the first k are moved from, the
// rest untouched (k < n when the queue had room for fewer, or while a peer
// is mid-operation on a slot it needs: callers loop; 0 when full).
// try_pop_bulk writes up to n items to out[0..k) and returns k: k may be less
// than the queue holds (at a block's or a ring's end, say), and is 0 only
// when try_pop would fail then. For a FIFO queue the k items are the next k
// in the queue's order, and the items one producer pushes in one call keep
// their order as single pushes do; they need not lie together in the queue
// (a call may make several claims, and other producers' items fall between).
// Neither waits.
template <class Q>
concept BulkQueue = Queue<Q> && requires(Q& q, typename Q::value_type* items, std::size_t n) {
  { q.try_push_bulk(items, n) } -> std::same_as<std::size_t>;
  { q.try_pop_bulk(items, n) } -> std::same_as<std::size_t>;
};

// Why Q cannot be built for its value_type, or nullptr when it can. A peer
// whose library refuses some element types at compile time (boost's
// lockfree::queue takes only trivially copyable ones) specialises this by
// template match next to its adapter, so asking never instantiates Q; typed
// tests that rebind a queue to another element skip, printing the reason.
template <class Q>
inline constexpr const char* kUnsupportedElementReason = nullptr;

constexpr std::string_view to_string(Multiplicity m) {
  return m == Multiplicity::one ? "one" : "many";
}

constexpr std::string_view to_string(Progress p) {
  switch (p) {
    case Progress::blocking: return "blocking";
    case Progress::slot_blocking: return "slot_blocking";
    case Progress::lock_free: return "lock_free";
    case Progress::wait_free: return "wait_free";
  }
  return "?";
}

constexpr std::string_view to_string(Order o) {
  switch (o) {
    case Order::fifo: return "fifo";
    case Order::per_producer_fifo: return "per_producer_fifo";
    case Order::none: return "none";
  }
  return "?";
}

// True when the order a consumer observes must keep each producer's items in
// push order, which the stress checks and the harness then verify.
constexpr bool promises_per_producer_order(const QueueTraits& t) {
  return t.order == Order::fifo || t.order == Order::per_producer_fifo;
}

// Whether a point with `p` producers and `c` consumers is possible, and if
// not, why (nullptr when it is).
constexpr const char* unsupported_reason(const QueueTraits& t, int p, int c) {
  if (p > 1 && t.producers == Multiplicity::one) return "queue allows one producer";
  if (c > 1 && t.consumers == Multiplicity::one) return "queue allows one consumer";
  return nullptr;
}

namespace author {

// What QBENCH_QUEUE instantiates a queue template with to check it: an item
// of qbench's smallest size. Each concept is one member a queue must have,
// so that a missing one is named alone.
struct Probe {
  std::uint64_t tag = 0;
};
template <template <class...> class Q>
concept has_value_type = requires { typename Q<Probe>::value_type; };
template <template <class...> class Q>
concept value_type_is_its_argument = std::same_as<typename Q<Probe>::value_type, Probe>;
template <template <class...> class Q>
concept takes_a_capacity = std::constructible_from<Q<Probe>, std::size_t>;
template <template <class...> class Q>
concept has_try_push = requires(Q<Probe>& q, Probe v) {
  { q.try_push(std::move(v)) } -> std::same_as<bool>;
};
template <template <class...> class Q>
concept has_try_pop = requires(Q<Probe>& q, Probe& v) {
  { q.try_pop(v) } -> std::same_as<bool>;
};
template <template <class...> class Q>
concept has_traits = requires {
  { Q<Probe>::traits } -> std::convertible_to<QueueTraits>;
};

}  // namespace author

}  // namespace qb

// Registers a queue template of one type parameter (template <class T>; give
// a template with more parameters an alias template of one) with qbench's
// configure step, which reads these lines, and checks it here: a member the
// concept needs and the queue lacks fails the build with a message naming
// this header and that member.
#define QBENCH_QUEUE(...)                                                                                   \
  static_assert(::qb::author::has_value_type<__VA_ARGS__>,                                                  \
                "qbench: " __FILE__ ": " #__VA_ARGS__ "<T> has no member type value_type (using value_type = T;)"); \
  static_assert(::qb::author::value_type_is_its_argument<__VA_ARGS__>,                                      \
                "qbench: " __FILE__ ": " #__VA_ARGS__ "<T>::value_type is not T");                          \
  static_assert(::qb::author::takes_a_capacity<__VA_ARGS__>,                                                \
                "qbench: " __FILE__ ": " #__VA_ARGS__ "<T> has no constructor from a capacity "             \
                "(explicit Queue(std::size_t capacity))");                                                 \
  static_assert(::qb::author::has_try_push<__VA_ARGS__>,                                                    \
                "qbench: " __FILE__ ": " #__VA_ARGS__ "<T> has no bool try_push(value_type&&)");            \
  static_assert(::qb::author::has_try_pop<__VA_ARGS__>,                                                     \
                "qbench: " __FILE__ ": " #__VA_ARGS__ "<T> has no bool try_pop(value_type&)");              \
  static_assert(::qb::author::has_traits<__VA_ARGS__>,                                                      \
                "qbench: " __FILE__ ": " #__VA_ARGS__ "<T> has no static constexpr qb::QueueTraits traits")
