// The registry: every queue qbench knows, listed once. Tests instantiate their
// typed suites from it and the harness iterates it; nothing else keeps a list.
// Adding one of ours is one header and one line here; a user's header takes
// no line at all (cmake/user_queues.cmake). Adding a peer (another
// library's queue) takes: its adapter header in queues/peers/, an include and
// a line in peers.hpp under its QB_HAS_<LIB>, its find in peers.cmake, its
// row in catalog.hpp (the package, and whether TSan can check it), and its
// Debian package in scripts/qb's QB_PACKAGES.
#pragma once

#include "queues/elastic_locked.hpp"
#include "queues/linked_cas.hpp"
#include "queues/locked_ring.hpp"
#include "queues/mpsc_elastic.hpp"
#include "queues/mutex_deque.hpp"
#include "queues/segmented.hpp"
#include "queues/sequence_ring.hpp"
#include "queues/spinlock_deque.hpp"

// Then the peers, other libraries' queues, those whose packages were found.
#include "queues/peers/peers.hpp"

namespace qb {

// A header queue's origin, "header PATH", which the generated header below
// states for each of its queues; nullptr for every other queue.
template <class Q>
struct UserQueueOrigin {
  static constexpr const char* value = nullptr;
};

}  // namespace qb

// Last, the queues of headers from outside the tree (cmake/user_queues.cmake
// generates this header from QBENCH_QUEUES).
#if defined(QB_HAS_USER_QUEUES)
#include <qbench_user_queues.hpp>
#endif

namespace qb {

// ThenUsers<List, T>::list<Qs...> is List<Qs..., every header queue for T...>.
template <template <class...> class List, class T>
struct ThenUsers {
#if defined(QB_HAS_USER_QUEUES)
  template <class... Qs>
  using list = List<Qs..., QB_USER_QUEUE_LIST(T)>;
#else
  template <class... Qs>
  using list = List<Qs...>;
#endif
};

// Applies a variadic template to every registered queue instantiated for T:
// `apply_registry<::testing::Types, Item>`, `apply_registry<std::tuple, Item>`.
template <template <class...> class List, class T>
using apply_registry = typename peers::ThenPeers<T>::template apply<ThenUsers<List, T>::template list,
    MutexDeque<T>,
    Segmented<T>,
    SequenceRing<T>,
    LockedRing<T>,
    ElasticLocked<T>,
    SpinlockDeque<T>,
    LinkedCas<T>,
    MpscElastic<T>>;

}  // namespace qb
