#include "harness/plugins/plugin_loader.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <set>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/model/usage_error.hpp"
#include "harness/plugins/plugin_entry.hpp"
#include "harness/plugins/sha256.hpp"
#include "harness/registry/queue_table.hpp"
#include "qbench/queue_plugin.h"
#include "queues/peers/catalog.hpp"

namespace qb {

namespace {

constexpr std::size_t kMaxQueuesPerPlugin = 256;
constexpr std::size_t kMaxNameLength = 64;

// Loaded plugins, and the names their traits point into: deques, so that
// neither moves once handed out.
std::deque<LoadedPlugin>& plugins() {
  static std::deque<LoadedPlugin> list;
  return list;
}
std::deque<std::string>& names() {
  static std::deque<std::string> list;
  return list;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength || name[0] < 'a' || name[0] > 'z') return false;
  for (char ch : name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

// The traits qbench reads from `ops`, or a reason they are out of range.
std::string check_ops(const qbench_queue_ops& ops, QueueTraits* traits) {
  auto bool_field = [](const char* field, int value) {
    return value == 0 || value == 1 ? std::string() : fmt::format("{} is {}, not 0 or 1", field, value);
  };
  for (const auto& problem : {bool_field("bounded", ops.bounded), bool_field("capacity_required", ops.capacity_required),
                              bool_field("producers", ops.producers), bool_field("consumers", ops.consumers)}) {
    if (!problem.empty()) return problem;
  }
  if (ops.progress < QBENCH_PROGRESS_BLOCKING || ops.progress > QBENCH_PROGRESS_WAIT_FREE) {
    return fmt::format("progress is {}, not one of 0-3 (QBENCH_PROGRESS_BLOCKING ... QBENCH_PROGRESS_WAIT_FREE)",
                       ops.progress);
  }
  if (ops.order < QBENCH_ORDER_FIFO || ops.order > QBENCH_ORDER_NONE) {
    return fmt::format("order is {}, not one of 0-2 (QBENCH_ORDER_FIFO ... QBENCH_ORDER_NONE)", ops.order);
  }
  if (ops.item_sizes == 0 || (ops.item_sizes & ~QBENCH_ITEM_ANY) != 0) {
    return fmt::format("item_sizes is {:#x}: qbench moves 8, 64 and 256-byte items (QBENCH_ITEM_8 {:#x}, "
                       "QBENCH_ITEM_64 {:#x}, QBENCH_ITEM_256 {:#x}), at least one",
                       ops.item_sizes, QBENCH_ITEM_8, QBENCH_ITEM_64, QBENCH_ITEM_256);
  }
  if (ops.capacity_required != 0 && ops.default_capacity == 0) {
    return "default_capacity is 0 although capacity_required is 1: name the capacity to use when the user gives none";
  }
  if (ops.create == nullptr || ops.destroy == nullptr || ops.try_push == nullptr || ops.try_pop == nullptr) {
    return "create, destroy, try_push and try_pop must all be set";
  }
  traits->bounded = ops.bounded != 0;
  traits->producers = ops.producers == QBENCH_MANY ? Multiplicity::many : Multiplicity::one;
  traits->consumers = ops.consumers == QBENCH_MANY ? Multiplicity::many : Multiplicity::one;
  traits->progress = static_cast<Progress>(ops.progress);
  traits->order = static_cast<Order>(ops.order);
  traits->capacity_required = ops.capacity_required != 0;
  return {};
}

}  // namespace

const LoadedPlugin& load_plugin(const std::filesystem::path& path, const std::string& option, bool bundled) {
  auto fail = [&](const std::string& why) { return UsageError(fmt::format("{}: '{}' {}", option, path.string(), why)); };
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw fail("is not a file");
  const std::string canonical = std::filesystem::canonical(path, ec).string();
  if (ec) throw fail(fmt::format("cannot be resolved: {}", ec.message()));
  for (const auto& loaded : plugins()) {
    if (loaded.path == canonical) return loaded;
  }

  // RTLD_NOW: a missing symbol shows now, in one line, not mid-run.
  // RTLD_LOCAL: two plugins' symbols never resolve to each other.
  void* handle = ::dlopen(canonical.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) throw fail(fmt::format("is not a loadable shared library: {}", ::dlerror()));
  ::dlerror();
  void* symbol = ::dlsym(handle, QBENCH_PLUGIN_ENTRY_POINT);
  if (symbol == nullptr) {
    const char* why = ::dlerror();
    throw fail(fmt::format("has no entry point {}: {}", QBENCH_PLUGIN_ENTRY_POINT, why != nullptr ? why : "NULL"));
  }
  auto describe = reinterpret_cast<qbench_plugin_describe_fn>(symbol);
  const qbench_plugin* plugin = describe();
  if (plugin == nullptr) throw fail(fmt::format("{} returned NULL", QBENCH_PLUGIN_ENTRY_POINT));
  if (plugin->abi_version != QBENCH_PLUGIN_ABI_VERSION) {
    throw fail(fmt::format("was built for plugin ABI version {}; this qbench loads version {} "
                           "(include/qbench/queue_plugin.h): rebuild it against that header",
                           plugin->abi_version, QBENCH_PLUGIN_ABI_VERSION));
  }
  if (plugin->version == nullptr) throw fail("has no version string (qbench_plugin.version is NULL)");
  if (plugin->queue_count == 0 || plugin->queues == nullptr) throw fail("declares no queue");
  if (plugin->queue_count > kMaxQueuesPerPlugin) {
    throw fail(fmt::format("declares {} queues, more than {}", plugin->queue_count, kMaxQueuesPerPlugin));
  }

  LoadedPlugin loaded;
  loaded.path = canonical;
  loaded.sha256 = sha256_file(canonical);
  loaded.abi_version = plugin->abi_version;
  loaded.version = plugin->version;
  loaded.bundled = bundled;
  std::vector<QueueEntry> entries;
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < plugin->queue_count; ++i) {
    const qbench_queue_ops& ops = plugin->queues[i];
    const std::string_view name = ops.name != nullptr ? std::string_view(ops.name) : std::string_view();
    if (!valid_name(name)) {
      throw fail(fmt::format("queue {}: name '{}' is not 1-{} characters of [a-z0-9_] starting with a letter", i,
                             ops.name != nullptr ? ops.name : "(NULL)", kMaxNameLength));
    }
    // Another queue of that name: qbench's, a peer's (even one this build
    // left out), another plugin's, or one earlier in this same plugin.
    const QueueEntry* other = find_queue(name);
    const bool peer = peers::find_peer(name) != nullptr;
    const std::string whose = peer                                 ? std::string("a peer queue qbench knows")
                              : other != nullptr && other->origin == "built-in" ? std::string("one of qbench's own queues")
                              : other != nullptr                    ? "a queue from " + other->origin
                              : seen.count(name) != 0             ? std::string("another queue of the same plugin")
                                                                  : std::string();
    if (!whose.empty()) throw fail(fmt::format("queue '{}' clashes with {} of that name; rename it", name, whose));
    seen.insert(name);
    QueueTraits traits{};
    if (const auto problem = check_ops(ops, &traits); !problem.empty()) {
      throw fail(fmt::format("queue '{}': {}", name, problem));
    }
    names().emplace_back(name);
    traits.name = names().back();
    entries.push_back(plugin_entry(&ops, traits, fmt::format("plugin {}", canonical)));
    loaded.queues.emplace_back(name);
  }
  add_queues(std::move(entries));
  plugins().push_back(std::move(loaded));
  return plugins().back();
}

void load_bundled_plugins() {
#ifdef QB_BUNDLED_PLUGINS
  // Paths separated by ':', as in PATH (harness/CMakeLists.txt).
  const std::string_view list = QB_BUNDLED_PLUGINS;
  for (std::size_t start = 0; start < list.size();) {
    const auto end = std::min(list.find(':', start), list.size());
    const std::string path(list.substr(start, end - start));
    start = end + 1;
    std::error_code ec;
    if (path.empty() || !std::filesystem::exists(path, ec)) continue;  // not built: its CMake said why
    try {
      load_plugin(path, "bundled plugin", true);
    } catch (const UsageError& e) {
      std::fprintf(stderr, "qbench: %s; its queues are left out\n", e.what());
    }
  }
#endif
}

const std::deque<LoadedPlugin>& loaded_plugins() { return plugins(); }

nlohmann::json plugins_json() {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : plugins()) {
    out.push_back({{"path", p.path},
                   {"sha256", p.sha256},
                   {"abi_version", p.abi_version},
                   {"version", p.version},
                   {"queues", p.queues},
                   {"bundled", p.bundled}});
  }
  return out;
}

}  // namespace qb
