// The machine as the runner needs it: which logical CPUs this process may use,
// how they group into cores and packages, and where to pin each worker thread.
//
// hwloc is read once, in detect(), and only plain vectors are kept, so a
// Topology is cheap to copy into a forked child and holds no library handle.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "harness/machine/placement.hpp"

namespace qb {

class Topology {
 public:
  // One usable logical CPU. `core` and `package` are hwloc logical indexes,
  // used only to tell siblings apart (a PU with no core object above it gets
  // a key of its own, so it counts as a core).
  struct Pu {
    int os_index = -1;
    int core = -1;
    int package = -1;
  };

  // One kind of cache (level, type, size, line, sharing) and how many of it
  // cover usable CPUs: two L3 entries of 16 PUs each mean two L3 domains.
  struct Cache {
    int level = 0;
    std::string type;               // "data", "instruction" or "unified"
    std::uint64_t size_bytes = 0;
    unsigned line_bytes = 0;
    int shared_by_pus = 0;          // PUs of the machine behind one such cache
    int count = 0;
  };

  // The machine, restricted to the CPUs the process (its main thread's
  // affinity mask) may run on. Call it before pinning anything. Never fails:
  // without hwloc it falls back to one core per allowed CPU.
  static Topology detect();

  // An hwloc synthetic machine ("Package:2 Core:4 PU:2"), every PU usable:
  // for tests, and for planning placements for a machine one is not on.
  // Throws std::invalid_argument when hwloc rejects the description.
  static Topology synthetic(std::string_view description);

  int cpu_count() const { return static_cast<int>(compact_.size()); }
  int core_count() const { return cores_; }
  int package_count() const { return packages_; }
  int numa_count() const { return numa_nodes_; }
  bool smt() const { return smt_; }

  // The CPU (OS index) for each of `threads` worker threads, in thread order;
  // every entry -1 for Placement::none.
  //   compact: PUs in topology order (SMT siblings adjacent, then the next
  //            core, the same package before the next).
  //   scatter: one PU per core first, round-robin across packages, then the
  //            second SMT siblings in the same order, and so on.
  // Past cpu_count() threads it wraps around; the caller flags the run as
  // oversubscribed.
  std::vector<int> cpu_map(Placement placement, int threads) const;

  // {"pus","cores","packages","numa_nodes","smt","pu_order_compact","caches"}
  nlohmann::json describe() const;

 private:
  Topology(std::vector<Pu> pus_in_topology_order, int numa_nodes, std::vector<Cache> caches);

  std::vector<int> compact_;  // OS indexes, topology order; never empty
  std::vector<int> scatter_;  // the same PUs in scatter order
  int cores_ = 0;
  int packages_ = 0;
  int numa_nodes_ = 0;
  bool smt_ = false;          // some usable core has two or more usable PUs
  std::vector<Cache> caches_;
};

// Pins the calling thread to one CPU (OS index). cpu < 0 means "not pinned"
// and is a no-op that succeeds.
bool pin_current_thread(int cpu);

}  // namespace qb
