# libpfm4 (Debian's libpfm4-dev), which names and encodes the native PMU
# events of every CPU it knows. It ships neither a CMake package nor a
# pkg-config file, so this module finds its header and library and makes
# the imported target Libpfm::pfm.
find_path(Libpfm_INCLUDE_DIR perfmon/pfmlib_perf_event.h)
find_library(Libpfm_LIBRARY pfm)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libpfm REQUIRED_VARS Libpfm_LIBRARY Libpfm_INCLUDE_DIR)

if(Libpfm_FOUND AND NOT TARGET Libpfm::pfm)
  add_library(Libpfm::pfm UNKNOWN IMPORTED)
  set_target_properties(Libpfm::pfm PROPERTIES IMPORTED_LOCATION "${Libpfm_LIBRARY}"
                                               INTERFACE_INCLUDE_DIRECTORIES "${Libpfm_INCLUDE_DIR}")
endif()
mark_as_advanced(Libpfm_INCLUDE_DIR Libpfm_LIBRARY)
