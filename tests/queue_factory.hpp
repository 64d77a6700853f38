// How tests build a registered queue with a given capacity, and which
// capacities each kind of queue takes. The traits answer most questions; the
// few facts they do not carry (a power-of-two ring, a floor on the capacity,
// a cap that an unbounded queue honours, an elastic queue's separate min and
// max) are stated here, once, by template match rather than by queue name.
#pragma once

#include <cstddef>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "queues/registry.hpp"

namespace qb::test {

// Which capacities a bounded queue accepts, where not every one from its
// minimum up.
enum class CapacityRule {
  any,
  power_of_two,            // rings indexed by ticket & mask
  power_of_two_minus_one,  // a ring of 2^k slots that keeps one empty (ck_ring)
};

template <class Q>
inline constexpr CapacityRule kCapacityRule = CapacityRule::any;
template <class T, Padding kPadding>
inline constexpr CapacityRule kCapacityRule<SequenceRing<T, kPadding>> = CapacityRule::power_of_two;
#if defined(QB_HAS_ATOMIC_QUEUE)
template <class T, AtomicQueueMode kMode>
inline constexpr CapacityRule kCapacityRule<AtomicB2Queue<T, kMode>> = CapacityRule::power_of_two;
#endif
#if defined(QB_HAS_XENIUM)
template <class T>
inline constexpr CapacityRule kCapacityRule<XeniumVyukovBounded<T>> = CapacityRule::power_of_two;
#endif
#if defined(QB_HAS_CK)
template <class T>
inline constexpr CapacityRule kCapacityRule<CkRingMpmc<T>> = CapacityRule::power_of_two_minus_one;
#endif

// The smallest capacity it accepts.
template <class Q>
inline constexpr std::size_t kMinCapacity = kCapacityRule<Q> == CapacityRule::power_of_two ? 2 : 1;
#if defined(QB_HAS_ATOMIC_QUEUE)
template <class T, AtomicQueueMode kMode>
inline constexpr std::size_t kMinCapacity<AtomicB2Queue<T, kMode>> = AtomicB2Queue<T, kMode>::kMinCapacity;
#endif

template <class Q>
constexpr bool accepts_capacity(std::size_t n) {
  if (n < kMinCapacity<Q>) return false;
  switch (kCapacityRule<Q>) {
    case CapacityRule::any: return true;
    case CapacityRule::power_of_two: return (n & (n - 1)) == 0;
    case CapacityRule::power_of_two_minus_one: return ((n + 1) & n) == 0;
  }
  return false;
}

// The smallest capacity Q accepts that is at least n.
template <class Q>
constexpr std::size_t capacity_at_least(std::size_t n) {
  while (!accepts_capacity<Q>(n)) ++n;
  return n;
}

// Unbounded by its traits, but try_push fails once a non-zero cap is reached.
template <class Q>
inline constexpr bool kHonoursOptionalCap = false;
template <class T>
inline constexpr bool kHonoursOptionalCap<MutexDeque<T>> = true;
template <class T>
inline constexpr bool kHonoursOptionalCap<SpinlockDeque<T>> = true;

// Built from an ElasticConfig (mpsc_elastic, elastic_locked): its capacity
// moves between a min and a max.
template <class Q>
inline constexpr bool kElastic = std::is_constructible_v<Q, const ElasticConfig&>;

// A push, once it has claimed its place, busy-waits (pause, no yield) until
// every earlier push has published. When producers outnumber the CPUs, each
// item can then wait out a scheduler time slice: ck_ring_mpmc moved about
// 150 items/s with 4 or 8 producers on two CPUs, against 12M/s with 2.
template <class Q>
inline constexpr bool kProducersSpinInTurn = false;
#if defined(QB_HAS_CK)
template <class T>
inline constexpr bool kProducersSpinInTurn<CkRingMpmc<T>> = true;
#endif

// Whether Q can be built at all (its library may refuse the element type).
// Tests put what needs Q in the `else` of an `if constexpr`, so a refused Q
// is never instantiated, and skip with kUnsupportedElementReason<Q>.
template <class Q>
inline constexpr bool kHoldsElement = kUnsupportedElementReason<Q> == nullptr;

// Whether a non-zero capacity makes try_push fail once the queue is full.
template <class Q>
inline constexpr bool kHasCapacity = Q::traits.bounded || kHonoursOptionalCap<Q>;

// The queue as `Q(capacity)` builds it. For an elastic queue the capacity is
// the max: it starts small and grows (and shrinks) on the way.
template <class Q>
std::unique_ptr<Q> make(std::size_t capacity) {
  return std::make_unique<Q>(capacity);
}

// A queue that holds exactly `capacity` items: for an elastic queue, min =
// initial = max, so it never resizes and "full" means `capacity` items.
template <class Q>
std::unique_ptr<Q> make_fixed(std::size_t capacity) {
  if constexpr (kElastic<Q>) {
    return std::make_unique<Q>(ElasticConfig{
        .initial_capacity = capacity, .min_capacity = capacity, .max_capacity = capacity});
  } else {
    return std::make_unique<Q>(capacity);
  }
}

// The capacity single-thread tests use when size does not matter: 1024, or
// the next one the queue accepts.
template <class Q>
constexpr std::size_t roomy_capacity() {
  return Q::traits.bounded || Q::traits.capacity_required ? capacity_at_least<Q>(1024) : 0;
}

// The smallest valid capacities, where every few items wrap around (those up
// to 8, at most four); empty for a queue without a capacity. A queue whose
// smallest capacity is large (atomic_queue: 4096) gets just that one.
template <class Q>
std::vector<std::size_t> smallest_capacities() {
  if constexpr (!kHasCapacity<Q>) {
    return {};
  } else if constexpr (kMinCapacity<Q> > 8) {
    return {kMinCapacity<Q>};
  } else {
    std::vector<std::size_t> capacities;
    for (std::size_t n = kMinCapacity<Q>; n <= 8 && capacities.size() < 4; ++n) {
      if (accepts_capacity<Q>(n)) capacities.push_back(n);
    }
    return capacities;
  }
}

// The capacity of a "tiny" stress run (0: the queue has none): 3, or for a
// power-of-two ring its smallest. An elastic queue gets room to resize a few
// times (1 -> 2 -> ... -> 16) under load.
template <class Q>
constexpr std::size_t tiny_capacity() {
  if constexpr (kElastic<Q>) {
    return 16;
  } else if constexpr (!kHasCapacity<Q>) {
    return 0;
  } else if constexpr (kCapacityRule<Q> == CapacityRule::power_of_two) {
    return kMinCapacity<Q>;
  } else {
    return capacity_at_least<Q>(3);
  }
}

// The registered queues, for element T, that satisfy Pred, as List<...>:
// registry_where<::testing::Types, IsBlocking, Item> types the suites that
// only some queues can run, chosen by what each queue is, never by its name.
template <class Q>
struct IsBlocking : std::bool_constant<BlockingQueue<Q>> {};
template <class Q>
struct IsElastic : std::bool_constant<kElastic<Q>> {};

template <class... Tuples>
struct Concat;
template <class... A>
struct Concat<std::tuple<A...>> {
  using type = std::tuple<A...>;
};
template <class... A, class... B, class... Rest>
struct Concat<std::tuple<A...>, std::tuple<B...>, Rest...> {
  using type = typename Concat<std::tuple<A..., B...>, Rest...>::type;
};

template <template <class> class Pred>
struct Keep {
  template <class... Qs>
  using list = typename Concat<std::tuple<>, std::conditional_t<Pred<Qs>::value, std::tuple<Qs>, std::tuple<>>...>::type;
};

template <template <class...> class List, class Tuple>
struct Rewrap;
template <template <class...> class List, class... Qs>
struct Rewrap<List, std::tuple<Qs...>> {
  using type = List<Qs...>;
};

template <template <class...> class List, template <class> class Pred, class T>
using registry_where = typename Rewrap<List, apply_registry<Keep<Pred>::template list, T>>::type;

// The registry's queue at Q's position, instantiated for element U instead:
// rebind_t<SequenceRing<Item>, Tracked> is SequenceRing<Tracked>. Typed
// suites run over apply_registry<::testing::Types, Item>, and a test that
// needs other elements (move-only, lifetime-tracked) rebinds its TypeParam.
template <class Q, class Tuple>
struct IndexIn;
template <class Q, class... Qs>
struct IndexIn<Q, std::tuple<Qs...>> {
  static constexpr std::size_t find() {
    constexpr bool match[] = {std::is_same_v<Q, Qs>...};
    for (std::size_t i = 0; i < sizeof...(Qs); ++i) {
      if (match[i]) return i;
    }
    return sizeof...(Qs);
  }
  static constexpr std::size_t value = find();
  static_assert(value < sizeof...(Qs), "Q is not a registered queue");
};

template <class Q, class U>
using rebind_t = std::tuple_element_t<
    IndexIn<Q, apply_registry<std::tuple, typename Q::value_type>>::value, apply_registry<std::tuple, U>>;

}  // namespace qb::test
