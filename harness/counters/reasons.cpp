#include "harness/counters/reasons.hpp"

#include <linux/perf_event.h>

#include <cerrno>

#include <fmt/format.h>

#include "harness/counters/perf_backend.hpp"

namespace qb {
namespace {

std::string permission_reason(const CounterEventInfo& info, int error_number, bool wanted_kernel,
                              std::optional<int> paranoid) {
  // Level 2 allows user-space counting of one's own threads, level 1 adds
  // kernel space; CAP_PERFMON (5.8+) or root bypasses the level.
  const int needed = wanted_kernel ? 1 : 2;
  std::string text =
      fmt::format("permission denied: perf_event_open returned {} for {}{}", errno_name(error_number),
                  info.name, wanted_kernel ? " counting kernel time" : "");
  if (info.kernel_only)
    text +=
        fmt::format(" ({} happen in kernel context, so user-space-only counting would read 0)", info.name);
  if (!paranoid) {
    text += "; /proc/sys/kernel/perf_event_paranoid is missing, so this kernel may have perf events disabled";
  } else if (*paranoid > needed) {
    text += fmt::format(
        " with kernel.perf_event_paranoid = {}: set kernel.perf_event_paranoid <= {} "
        "(sysctl -w kernel.perf_event_paranoid={}) or run as root or with CAP_PERFMON",
        *paranoid, needed, needed);
  } else {
    text += fmt::format(
        "; kernel.perf_event_paranoid = {} already allows it, so a security module or a "
        "container's seccomp profile refuses perf_event_open: run as root or with CAP_PERFMON, "
        "or allow the system call",
        *paranoid);
  }
  if (error_number == EPERM && paranoid && *paranoid > needed)
    text += " (EPERM can also mean a container's seccomp profile blocks perf_event_open)";
  return text;
}

}  // namespace

bool is_permission_errno(int error_number) { return error_number == EACCES || error_number == EPERM; }

CounterStatus status_for_open_errno(int error_number) {
  switch (error_number) {
    case ENOENT:      // no PMU takes the type, or the generic event is unmapped (a VM without a vPMU)
    case EOPNOTSUPP:  // the PMU lacks a feature the attr asks for
    case ENODEV:
    case ENXIO:
    case ENOSYS:  // no perf events in this kernel, or hidden by seccomp
      return CounterStatus::not_supported;
    case EACCES:
    case EPERM:
      return CounterStatus::permission_denied;
    default:
      return CounterStatus::error;
  }
}

std::string open_failure_reason(const CounterEventInfo& info, int error_number, bool wanted_kernel,
                                std::optional<int> paranoid) {
  // A native event is the PMU's own: a raw code, or a type the kernel gave a PMU (above PERF_TYPE_MAX).
  const bool hardware = info.type == PERF_TYPE_HARDWARE || info.type == PERF_TYPE_HW_CACHE ||
                        info.type == PERF_TYPE_RAW || info.type >= PERF_TYPE_MAX;
  switch (status_for_open_errno(error_number)) {
    case CounterStatus::not_supported:
      if (hardware && error_number == ENOENT)
        return fmt::format(
            "no hardware PMU: perf_event_open returned ENOENT for {} (this machine, like a "
            "virtual machine without a virtual PMU, has no counter for it)",
            info.name);
      if (error_number == ENOSYS)
        return "not supported: perf_event_open returned ENOSYS (a kernel without perf events, or a "
               "seccomp profile that hides the system call)";
      return fmt::format("not supported: perf_event_open returned {} ({}) for {}", errno_name(error_number),
                         errno_text(error_number), info.name);
    case CounterStatus::permission_denied:
      return permission_reason(info, error_number, wanted_kernel, paranoid);
    default:
      break;
  }
  std::string text = fmt::format("perf_event_open returned {} ({}) for {}", errno_name(error_number),
                                 errno_text(error_number), info.name);
  if (error_number == EMFILE || error_number == ENFILE)
    text += ": out of file descriptors (one per event per thread); raise the limit with ulimit -n";
  return text;
}

}  // namespace qb
