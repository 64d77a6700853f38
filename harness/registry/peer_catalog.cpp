#include "harness/registry/peer_catalog.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness/model/closest_name.hpp"

#include "queues/peers/catalog.hpp"

namespace qb {

namespace {

// The bundled Rust plugin's queues (queues/rust/), which a build without
// Debian's cargo, rustc and crossbeam crates, or a TSan build, leaves out.
constexpr std::array<std::string_view, 5> kRustQueues{"crossbeam_seg_queue", "crossbeam_array_queue",
                                                      "crossbeam_channel_bounded", "crossbeam_channel_unbounded",
                                                      "rust_mutex_vecdeque"};

}  // namespace

std::string missing_queue_message(std::string_view option, std::string_view name,
                                  const std::vector<std::string>& known) {
  if (std::find(kRustQueues.begin(), kRustQueues.end(), name) != kRustQueues.end()) {
    return fmt::format("{}: queue '{}' is one of the Rust queues (queues/rust/), left out of this build: a "
                       "ThreadSanitizer build leaves them out; elsewhere install Debian packages cargo rustc "
                       "librust-crossbeam-queue-dev librust-crossbeam-channel-dev and rebuild",
                       option, name);
  }
  const peers::PeerInfo* peer = peers::find_peer(name);
  if (peer == nullptr) {
    if (const auto meant = closest_name(name, known)) {
      return fmt::format("{}: unknown queue '{}'; did you mean {}? ('qbench list' shows all {})", option, name,
                         *meant, known.size());
    }
    return fmt::format("{}: unknown queue '{}' (known: {})", option, name, fmt::join(known, ", "));
  }
  if (peers::left_out_here(name)) {
    return fmt::format("{}: queue '{}' ({}) is left out of ThreadSanitizer builds: {}; use the release or asan build",
                       option, name, peer->library, peer->tsan_blind);
  }
  return fmt::format("{}: queue '{}' ({}) was left out of this build; install Debian package {} and rebuild",
                     option, name, peer->library, peer->package);
}

}  // namespace qb
