#include "harness/machine/topology.hpp"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <hwloc.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <stdexcept>
#include <tuple>

#include <nlohmann/json.hpp>

namespace qb {
namespace {

using TopologyHandle = std::unique_ptr<hwloc_topology, decltype(&hwloc_topology_destroy)>;
using Bitmap = std::unique_ptr<hwloc_bitmap_s, decltype(&hwloc_bitmap_free)>;

// A dynamically sized cpu_set_t: a fixed one stops at 1024 CPUs, and the
// kernel rejects a mask smaller than its own with EINVAL.
class CpuSet {
 public:
  explicit CpuSet(int cpus) : cpus_(cpus), set_(CPU_ALLOC(cpus)), bytes_(CPU_ALLOC_SIZE(cpus)) {
    if (set_ == nullptr) throw std::bad_alloc();
    CPU_ZERO_S(bytes_, set_);
  }
  ~CpuSet() { CPU_FREE(set_); }
  CpuSet(const CpuSet&) = delete;
  CpuSet& operator=(const CpuSet&) = delete;

  int cpus() const { return cpus_; }
  std::size_t bytes() const { return bytes_; }
  cpu_set_t* get() { return set_; }
  bool has(int cpu) const { return CPU_ISSET_S(static_cast<std::size_t>(cpu), bytes_, set_); }
  void add(int cpu) { CPU_SET_S(static_cast<std::size_t>(cpu), bytes_, set_); }

 private:
  int cpus_;
  cpu_set_t* set_;
  std::size_t bytes_;
};

// The CPUs the process may run on, ascending; empty when the kernel will not
// say. The main thread's mask (pid, not 0) stands for the process, so a
// worker that calls this after pinning itself still sees the whole set.
std::vector<int> process_cpus() {
  int size = std::max(1024, static_cast<int>(sysconf(_SC_NPROCESSORS_CONF)));
  for (; size <= (1 << 22); size *= 2) {
    CpuSet set(size);
    if (sched_getaffinity(getpid(), set.bytes(), set.get()) == 0) {
      std::vector<int> cpus;
      for (int cpu = 0; cpu < set.cpus(); ++cpu)
        if (set.has(cpu)) cpus.push_back(cpu);
      return cpus;
    }
    if (errno != EINVAL) break;
  }
  return {};
}

const char* cache_type_name(hwloc_obj_cache_type_e type) {
  switch (type) {
    case HWLOC_OBJ_CACHE_DATA: return "data";
    case HWLOC_OBJ_CACHE_INSTRUCTION: return "instruction";
    case HWLOC_OBJ_CACHE_UNIFIED: return "unified";
  }
  return "unknown";
}

struct Layout {
  std::vector<Topology::Pu> pus;
  int numa_nodes = 0;
  std::vector<Topology::Cache> caches;
};

// Walks a loaded topology, keeping only what touches `usable`.
Layout read_layout(hwloc_topology_t topo, hwloc_const_bitmap_t usable) {
  Layout layout;
  // Logical PU order is depth-first through the tree, which is exactly the
  // compact order: siblings of a core, then cores of a package.
  const int pu_total = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
  for (int i = 0; i < pu_total; ++i) {
    hwloc_obj_t pu = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, static_cast<unsigned>(i));
    if (pu == nullptr || !hwloc_bitmap_isset(usable, pu->os_index)) continue;
    const int os_index = static_cast<int>(pu->os_index);
    hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);
    hwloc_obj_t package = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, pu);
    layout.pus.push_back({os_index,
                          core != nullptr ? static_cast<int>(core->logical_index) : -1 - os_index,
                          package != nullptr ? static_cast<int>(package->logical_index) : -1});
  }

  const int numa_total = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
  for (int i = 0; i < numa_total; ++i) {
    hwloc_obj_t node = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, static_cast<unsigned>(i));
    if (node != nullptr && node->cpuset != nullptr && hwloc_bitmap_intersects(node->cpuset, usable))
      ++layout.numa_nodes;
  }
  // CPU-less NUMA nodes (memory expanders) are not counted, but hwloc always
  // has at least one node and so do we.
  layout.numa_nodes = std::max(layout.numa_nodes, 1);

  static constexpr hwloc_obj_type_t kCacheTypes[] = {
      HWLOC_OBJ_L1CACHE,  HWLOC_OBJ_L2CACHE,  HWLOC_OBJ_L3CACHE,  HWLOC_OBJ_L4CACHE,
      HWLOC_OBJ_L5CACHE,  HWLOC_OBJ_L1ICACHE, HWLOC_OBJ_L2ICACHE, HWLOC_OBJ_L3ICACHE};
  for (hwloc_obj_type_t type : kCacheTypes) {
    const int total = hwloc_get_nbobjs_by_type(topo, type);
    for (int i = 0; i < total; ++i) {
      hwloc_obj_t obj = hwloc_get_obj_by_type(topo, type, static_cast<unsigned>(i));
      if (obj == nullptr || obj->attr == nullptr || !hwloc_bitmap_intersects(obj->cpuset, usable))
        continue;
      const auto& attr = obj->attr->cache;
      Topology::Cache kind{static_cast<int>(attr.depth), cache_type_name(attr.type), attr.size,
                           attr.linesize, hwloc_bitmap_weight(obj->cpuset), 1};
      auto same = std::find_if(layout.caches.begin(), layout.caches.end(), [&](const Topology::Cache& c) {
        return c.level == kind.level && c.type == kind.type && c.size_bytes == kind.size_bytes &&
               c.line_bytes == kind.line_bytes && c.shared_by_pus == kind.shared_by_pus;
      });
      if (same != layout.caches.end())
        ++same->count;
      else
        layout.caches.push_back(std::move(kind));
    }
  }
  std::stable_sort(layout.caches.begin(), layout.caches.end(), [](const auto& a, const auto& b) {
    return std::tie(a.level, a.type) < std::tie(b.level, b.type);
  });
  return layout;
}

// Loads a topology; `synthetic` empty means this machine. Returns null when
// hwloc fails, so detect() can fall back.
TopologyHandle load(const std::string& synthetic) {
  hwloc_topology_t raw = nullptr;
  if (hwloc_topology_init(&raw) != 0) return {nullptr, &hwloc_topology_destroy};
  TopologyHandle topo(raw, &hwloc_topology_destroy);
  // No I/O devices: they are not needed for placement, and discovering them
  // would load PCI plugins that a minimal install (or a container) lacks.
  hwloc_topology_set_io_types_filter(raw, HWLOC_TYPE_FILTER_KEEP_NONE);
  // Instruction caches are off by default; the context records them too.
  hwloc_topology_set_icache_types_filter(raw, HWLOC_TYPE_FILTER_KEEP_ALL);
  if (!synthetic.empty() && hwloc_topology_set_synthetic(raw, synthetic.c_str()) != 0)
    throw std::invalid_argument("hwloc rejects the synthetic topology '" + synthetic + "'");
  if (hwloc_topology_load(raw) != 0) return {nullptr, &hwloc_topology_destroy};
  return topo;
}

}  // namespace

Topology Topology::detect() {
  std::vector<int> allowed = process_cpus();
  if (TopologyHandle topo = load(""); topo != nullptr) {
    Bitmap usable(hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(topo.get())), &hwloc_bitmap_free);
    if (usable != nullptr && !allowed.empty()) {
      Bitmap mask(hwloc_bitmap_alloc(), &hwloc_bitmap_free);
      if (mask != nullptr) {
        for (int cpu : allowed) hwloc_bitmap_set(mask.get(), static_cast<unsigned>(cpu));
        hwloc_bitmap_and(usable.get(), usable.get(), mask.get());
      }
    }
    if (usable != nullptr) {
      Layout layout = read_layout(topo.get(), usable.get());
      if (!layout.pus.empty())
        return Topology(std::move(layout.pus), layout.numa_nodes, std::move(layout.caches));
    }
  }
  // No hwloc view: every allowed CPU is a core of its own in one package,
  // which makes compact and scatter the same plain order.
  if (allowed.empty()) {
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    for (long cpu = 0; cpu < std::max(online, 1L); ++cpu) allowed.push_back(static_cast<int>(cpu));
  }
  std::vector<Pu> pus;
  for (int cpu : allowed) pus.push_back({cpu, cpu, 0});
  return Topology(std::move(pus), 1, {});
}

Topology Topology::synthetic(std::string_view description) {
  const std::string text(description);
  if (text.empty()) throw std::invalid_argument("empty synthetic topology");
  TopologyHandle topo = load(text);
  if (topo == nullptr) throw std::invalid_argument("hwloc cannot load the synthetic topology '" + text + "'");
  Layout layout = read_layout(topo.get(), hwloc_topology_get_topology_cpuset(topo.get()));
  if (layout.pus.empty()) throw std::invalid_argument("synthetic topology '" + text + "' has no PU");
  return Topology(std::move(layout.pus), layout.numa_nodes, std::move(layout.caches));
}

Topology::Topology(std::vector<Pu> pus, int numa_nodes, std::vector<Cache> caches)
    : numa_nodes_(numa_nodes), caches_(std::move(caches)) {
  // Group PUs by core and cores by package, each in order of first
  // appearance, which keeps topology order inside every group.
  struct CoreGroup { int key; std::vector<int> pus; };
  struct PackageGroup { int key; std::vector<std::size_t> cores; };
  std::vector<CoreGroup> cores;
  std::vector<PackageGroup> packages;
  for (const Pu& pu : pus) {
    compact_.push_back(pu.os_index);
    auto core = std::find_if(cores.begin(), cores.end(), [&](const CoreGroup& c) { return c.key == pu.core; });
    if (core != cores.end()) {
      core->pus.push_back(pu.os_index);
      continue;
    }
    cores.push_back({pu.core, {pu.os_index}});
    auto package = std::find_if(packages.begin(), packages.end(),
                                [&](const PackageGroup& p) { return p.key == pu.package; });
    if (package == packages.end()) package = packages.insert(packages.end(), {pu.package, {}});
    package->cores.push_back(cores.size() - 1);
  }
  cores_ = static_cast<int>(cores.size());
  packages_ = static_cast<int>(packages.size());

  std::size_t max_smt = 0, max_cores = 0;
  for (const CoreGroup& c : cores) max_smt = std::max(max_smt, c.pus.size());
  for (const PackageGroup& p : packages) max_cores = std::max(max_cores, p.cores.size());
  smt_ = max_smt > 1;
  // Sibling rank outermost, so every core gets a thread before any core gets
  // two; package innermost, so consecutive threads land on different packages.
  for (std::size_t rank = 0; rank < max_smt; ++rank)
    for (std::size_t i = 0; i < max_cores; ++i)
      for (const PackageGroup& p : packages)
        if (i < p.cores.size() && rank < cores[p.cores[i]].pus.size())
          scatter_.push_back(cores[p.cores[i]].pus[rank]);
}

std::vector<int> Topology::cpu_map(Placement placement, int threads) const {
  if (threads <= 0) return {};
  std::vector<int> map(static_cast<std::size_t>(threads), -1);
  if (placement == Placement::none) return map;
  const std::vector<int>& order = placement == Placement::scatter ? scatter_ : compact_;
  for (std::size_t i = 0; i < map.size(); ++i) map[i] = order[i % order.size()];
  return map;
}

nlohmann::json Topology::describe() const {
  nlohmann::json caches = nlohmann::json::array();
  for (const Cache& c : caches_)
    caches.push_back({{"level", c.level}, {"type", c.type}, {"size_bytes", c.size_bytes},
                      {"line_bytes", c.line_bytes}, {"shared_by_pus", c.shared_by_pus}, {"count", c.count}});
  return {{"pus", cpu_count()},   {"cores", cores_},           {"packages", packages_},
          {"numa_nodes", numa_nodes_}, {"smt", smt_},          {"pu_order_compact", compact_},
          {"caches", std::move(caches)}};
}

bool pin_current_thread(int cpu) {
  if (cpu < 0) return true;
  CpuSet set(cpu + 1);
  set.add(cpu);
  return pthread_setaffinity_np(pthread_self(), set.bytes(), set.get()) == 0;
}

}  // namespace qb
