// Every peer queue qbench has an adapter for: the library and the Debian
// package that provide it, and, for the peers ThreadSanitizer cannot check,
// why. It is compiled in whether or not a peer is, so that asking for a peer
// the build left out can say what to do, and peers.hpp reads it to leave the
// TSan-blind peers out of TSan builds.
//
// A TSan-blind peer synchronises in a way TSan does not see, so TSan reports
// races that are not there (or, worse, misses some): through fences (GCC
// itself warns that TSan does not support them, -Wtsan), inside a library not
// built with TSan, or through inline assembly. boost_lockfree_queue is the
// exception: what TSan reports there is a real data race by the C++ rules,
// one that Boost relies on being harmless. These peers are still tested in
// the release and asan presets.
#pragma once

#include <array>
#include <string_view>

namespace qb::peers {

struct PeerInfo {
  std::string_view queue;       // the name `qbench list` shows
  std::string_view library;
  std::string_view package;     // the Debian package that provides it
  std::string_view tsan_blind;  // why TSan cannot check it; empty if it can
};

inline constexpr std::string_view kFences =
    "it synchronises through std::atomic_thread_fence, which TSan does not model";

inline constexpr std::array kCatalog{
    PeerInfo{"moodycamel_queue", "moodycamel::ConcurrentQueue", "libconcurrentqueue-dev", kFences},
    PeerInfo{"moodycamel_tokens", "moodycamel::ConcurrentQueue", "libconcurrentqueue-dev", kFences},
    PeerInfo{"moodycamel_blocking", "moodycamel::BlockingConcurrentQueue", "libconcurrentqueue-dev", kFences},
    PeerInfo{"moodycamel_rwq", "moodycamel::ReaderWriterQueue", "libreaderwriterqueue-dev", kFences},
    PeerInfo{"boost_lockfree_queue", "Boost.Lockfree", "libboost-dev",
             "its node pool rewrites a free node's link with a plain store while a pop may still read it "
             "atomically: a data race by the C++ rules, which Boost relies on being harmless and TSan reports"},
    PeerInfo{"boost_spsc_queue", "Boost.Lockfree", "libboost-dev", ""},
    PeerInfo{"tbb_queue", "oneTBB", "libtbb-dev",
             "its pages come from libtbb's allocator, which is not built with TSan, so reused memory looks raced"},
    PeerInfo{"tbb_bounded_queue", "oneTBB", "libtbb-dev",
             "its pages come from libtbb's allocator, which is not built with TSan, so reused memory looks raced"},
    PeerInfo{"atomic_queue_b2", "atomic_queue", "libatomic-queue-dev", ""},
    PeerInfo{"atomic_queue_b2_spsc", "atomic_queue", "libatomic-queue-dev", ""},
    PeerInfo{"xenium_ms_queue", "xenium", "libxenium-dev",
             "its epoch-based reclaimer synchronises through fences, which TSan does not model"},
    PeerInfo{"xenium_ramalhete_queue", "xenium", "libxenium-dev",
             "its epoch-based reclaimer synchronises through fences, which TSan does not model"},
    PeerInfo{"xenium_vyukov_bounded", "xenium", "libxenium-dev", ""},
    PeerInfo{"urcu_wfcqueue", "liburcu", "liburcu-dev",
             "its operations run inside liburcu, which is not built with TSan"},
    PeerInfo{"ck_ring_mpmc", "Concurrency Kit", "libck-dev",
             "ck's atomic operations are inline assembly, which TSan does not see"},
};

constexpr const PeerInfo* find_peer(std::string_view queue) {
  for (const auto& peer : kCatalog) {
    if (peer.queue == queue) return &peer;
  }
  return nullptr;
}

#if defined(__SANITIZE_THREAD__)
inline constexpr bool kTsanBuild = true;
#else
inline constexpr bool kTsanBuild = false;
#endif

// Whether this build leaves the peer out because TSan cannot check it.
constexpr bool left_out_here(std::string_view queue) {
  const PeerInfo* peer = find_peer(queue);
  return kTsanBuild && peer != nullptr && !peer->tsan_blind.empty();
}

}  // namespace qb::peers
