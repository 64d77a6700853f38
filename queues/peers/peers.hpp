// The peers: queues from other libraries, each behind an adapter in this
// folder, listed once. The build defines QB_HAS_<LIB> on qb_queues for every
// library whose Debian package it found (queues/peers/peers.cmake), so a
// missing package drops that line and nothing else; a ThreadSanitizer build
// also drops the peers TSan cannot check (catalog.hpp says why for each).
// registry.hpp appends this list to our own queues.
#pragma once

#include <cstdint>
#include <type_traits>

#include "queues/peers/catalog.hpp"

#if defined(QB_HAS_MOODYCAMEL)
#include "queues/peers/moodycamel.hpp"
#include "queues/peers/moodycamel_blocking.hpp"
#endif
#if defined(QB_HAS_READERWRITERQUEUE)
#include "queues/peers/readerwriterqueue.hpp"
#endif
#if defined(QB_HAS_BOOST_LOCKFREE)
#include "queues/peers/boost_lockfree.hpp"
#endif
#if defined(QB_HAS_TBB)
#include "queues/peers/tbb.hpp"
#endif
#if defined(QB_HAS_ATOMIC_QUEUE)
#include "queues/peers/atomic_queue.hpp"
#endif
#if defined(QB_HAS_XENIUM)
#include "queues/peers/xenium.hpp"
#endif
#if defined(QB_HAS_URCU)
#include "queues/peers/urcu.hpp"
#endif
#if defined(QB_HAS_CK)
#include "queues/peers/ck.hpp"
#endif

namespace qb::peers {

template <class... Qs>
struct TypeList {};

template <class... Lists>
struct Concat;
template <>
struct Concat<> {
  using type = TypeList<>;
};
template <class... As, class... Rest>
struct Concat<TypeList<As...>, Rest...> {
  template <class Tail>
  struct Prepend;
  template <class... Bs>
  struct Prepend<TypeList<Bs...>> {
    using type = TypeList<As..., Bs...>;
  };
  using type = typename Prepend<typename Concat<Rest...>::type>::type;
};

// Every peer whose library was found, instantiated for element T.
template <class T>
using FoundPeers = typename Concat<
#if defined(QB_HAS_MOODYCAMEL)
    TypeList<MoodycamelQueue<T>>,
    TypeList<MoodycamelTokens<T>>,
    TypeList<MoodycamelBlocking<T>>,
#endif
#if defined(QB_HAS_READERWRITERQUEUE)
    TypeList<MoodycamelRwq<T>>,
#endif
#if defined(QB_HAS_BOOST_LOCKFREE)
    TypeList<BoostLockfreeQueue<T>>,
    TypeList<BoostSpscQueue<T>>,
#endif
#if defined(QB_HAS_TBB)
    TypeList<TbbQueue<T>>,
    TypeList<TbbBoundedQueue<T>>,
#endif
#if defined(QB_HAS_ATOMIC_QUEUE)
    TypeList<AtomicB2Queue<T, AtomicQueueMode::mpmc>>,
    TypeList<AtomicB2Queue<T, AtomicQueueMode::spsc>>,
#endif
#if defined(QB_HAS_XENIUM)
    TypeList<XeniumMsQueue<T>>,
    TypeList<XeniumRamalheteQueue<T>>,
    TypeList<XeniumVyukovBounded<T>>,
#endif
#if defined(QB_HAS_URCU)
    TypeList<UrcuWfcqueue<T>>,
#endif
#if defined(QB_HAS_CK)
    TypeList<CkRingMpmc<T>>,
#endif
    TypeList<>>::type;

// FoundPeers<T> less those this build leaves out. Whether to keep a peer is
// asked of its std::uint64_t instance, which every peer can hold, so that
// the answer never instantiates a peer for an element it refuses.
template <class Probes, class Peers>
struct KeepListed;
template <class... Probes, class... Peers>
struct KeepListed<TypeList<Probes...>, TypeList<Peers...>> {
  using type = typename Concat<
      std::conditional_t<left_out_here(Probes::traits.name), TypeList<>, TypeList<Peers>>...>::type;
};

// Every peer compiled into this build, instantiated for element T, in the
// order above.
template <class T>
using PeerList = typename KeepListed<FoundPeers<std::uint64_t>, FoundPeers<T>>::type;

// Ours, then the peers: ThenPeers<T>::apply<List, Ours...> is
// List<Ours..., every peer for T...>.
template <class T, class Peers = PeerList<T>>
struct ThenPeers;
template <class T, class... Ps>
struct ThenPeers<T, TypeList<Ps...>> {
  template <template <class...> class List, class... Ours>
  using apply = List<Ours..., Ps...>;
};

}  // namespace qb::peers
