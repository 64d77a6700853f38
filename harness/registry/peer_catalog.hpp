// What the command line says about a queue name this build does not have. A
// peer in queues/peers/catalog.hpp is known even when the build left it out,
// so the message can say why and what to do: install its Debian package, or,
// in a ThreadSanitizer build, use another build.
#pragma once

#include <string>
#include <string_view>

namespace qb {

// One line, starting with `option` (e.g. "--queue"); `known` lists the names
// this build has, for a name that is not a peer at all.
std::string missing_queue_message(std::string_view option, std::string_view name, std::string_view known);

}  // namespace qb
