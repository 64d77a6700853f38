#include "harness/peer_catalog.hpp"

#include <fmt/format.h>

#include "queues/peers/catalog.hpp"

namespace qb {

std::string missing_queue_message(std::string_view option, std::string_view name, std::string_view known) {
  const peers::PeerInfo* peer = peers::find_peer(name);
  if (peer == nullptr) return fmt::format("{}: unknown queue '{}' (known: {})", option, name, known);
  if (peers::left_out_here(name)) {
    return fmt::format("{}: queue '{}' ({}) is left out of ThreadSanitizer builds: {}; use the release or asan build",
                       option, name, peer->library, peer->tsan_blind);
  }
  return fmt::format("{}: queue '{}' ({}) was left out of this build; install Debian package {} and rebuild",
                     option, name, peer->library, peer->package);
}

}  // namespace qb
