// --queue's small language: which registered queues a run takes.
//
// A comma list of items applied left to right to a selection that starts
// empty:
//   NAME or GLOB  adds the queues it matches (shell globs: * ? [...], as
//                 fnmatch(3) reads them; "all" matches every queue);
//   -NAME, -GLOB  removes the queues it matches.
// A list that starts with an exclusion starts from all ("-ck_ring_mpmc" is
// every queue but that one). The result is in the order the items added the
// queues, a glob's matches in registry order, each queue once. An item that
// matches no queue of this build is an error naming it (a typo must not
// silently shrink a sweep), except an exclusion naming a peer this build left
// out: there is nothing to remove, and the same command line works on builds
// with and without that peer. A list that leaves nothing is an error too.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace qb {

// `registry`: the queue names in registry order. Throws UsageError, one line
// starting with `option`.
std::vector<std::string> select_queues(std::string_view option, std::string_view text,
                                       const std::vector<std::string>& registry);

}  // namespace qb
