// What the command line says about a queue name this build does not have. A
// peer in queues/peers/catalog.hpp is known even when the build left it out,
// so the message can say why and what to do: install its Debian package, or,
// in a ThreadSanitizer build, use another build.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace qb {

// One line, starting with `option` (e.g. "--queue"); `known` is the names
// this build has: for a name that is not a peer at all, the closest of them
// (closest_name.hpp), or all of them where none is close.
std::string missing_queue_message(std::string_view option, std::string_view name,
                                  const std::vector<std::string>& known);

}  // namespace qb
