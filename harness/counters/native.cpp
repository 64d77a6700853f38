// encode_native_event (counters.hpp): a native PMU event's perf_event_attr
// fields from libpfm4, which knows the event tables of every CPU it supports
// and picks the ones of this machine's PMUs.
#include <perfmon/pfmlib_perf_event.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "harness/counters/native.hpp"

namespace qb {
namespace {

struct Libpfm {
  int init = PFM_SUCCESS;  // pfm_initialize's result
  std::string pmus;        // the PMUs libpfm4 found here, for the reasons
};

const Libpfm& libpfm() {
  static const Libpfm state = [] {
    Libpfm s;
    s.init = pfm_initialize();
    if (s.init != PFM_SUCCESS) return s;
    // pfm_for_all_pmus in C++: the enum has no ++.
    for (int pmu = PFM_PMU_NONE; pmu < PFM_PMU_MAX; ++pmu) {
      pfm_pmu_info_t info{};
      info.size = sizeof info;
      if (pfm_get_pmu_info(static_cast<pfm_pmu_t>(pmu), &info) != PFM_SUCCESS || info.is_present == 0) continue;
      s.pmus += fmt::format("{}{}", s.pmus.empty() ? "" : ", ", info.name);
    }
    return s;
  }();
  return state;
}

// libpfm4's result; on success `attr` and `full` (its fully qualified name) are set.
int encode(const std::string& name, perf_event_attr& attr, std::string& full) {
  attr = perf_event_attr{};
  char* fstr = nullptr;
  pfm_perf_encode_arg_t arg{};
  arg.attr = &attr;
  arg.fstr = &fstr;
  arg.size = sizeof arg;
  // User and kernel: ThreadCounters decides exclude_kernel itself, as for the generic events.
  const int rc = pfm_get_os_event_encoding(name.c_str(), PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT, &arg);
  if (rc == PFM_SUCCESS && fstr != nullptr) full = fstr;
  std::free(fstr);  // NOLINT: libpfm4 allocates it with malloc
  return rc;
}

}  // namespace

NativeEvent encode_native_event(std::string_view name) {
  NativeEvent n;
  n.name = std::string(name);
  const Libpfm& pfm = libpfm();
  if (pfm.init != PFM_SUCCESS) {
    n.problem = fmt::format("libpfm4 could not start on this machine: {}", pfm_strerror(pfm.init));
    return n;
  }
  perf_event_attr attr{};
  std::string full;
  int rc = encode(n.name, attr, full);
  // perf writes EVENT.UMASK where libpfm4 writes EVENT:UMASK.
  std::string also;
  if (rc != PFM_SUCCESS && n.name.find('.') != std::string::npos && n.name.find(':') == std::string::npos) {
    also = n.name;
    std::replace(also.begin(), also.end(), '.', ':');
    if (encode(also, attr, full) == PFM_SUCCESS) rc = PFM_SUCCESS;
  }
  if (rc != PFM_SUCCESS) {
    // The head, before ": ", is what the console says of it.
    n.problem = fmt::format("not an event of this machine's PMUs: libpfm4 cannot encode {}{} for them: {} (the PMUs "
                            "it found here: {})",
                            n.name,
                            also.empty() ? "" : fmt::format(" (nor {})", also), pfm_strerror(rc),
                            pfm.pmus.empty() ? "none" : pfm.pmus);
    return n;
  }
  n.encoded_as = full;
  n.type = attr.type;
  n.config = attr.config;
  n.config1 = attr.config1;
  n.config2 = attr.config2;
  return n;
}

}  // namespace qb
