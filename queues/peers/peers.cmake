# Peers: other libraries' queues, measured through the adapters in this
# folder. Each is compiled when its Debian package is installed and skipped
# with a notice otherwise, so that a machine missing one still builds and
# tests everything else; qbench names the package when asked for a peer that
# was left out (queues/peers/catalog.hpp). Included from the top-level
# CMakeLists.txt, not added as a subdirectory, because imported targets
# (TBB::tbb, PkgConfig::...) are visible only in the directory that found
# them and below, and qb_queues hands them on to harness/ and tests/.

# Marks a peer library as present: qb_queues and everything that links it
# get QB_HAS_<name> (queues/peers/peers.hpp lists the peer under it) and
# link `libs`, if any.
function(qb_peer_found name package)
  target_compile_definitions(qb_queues INTERFACE QB_HAS_${name})
  if(ARGN)
    target_link_libraries(qb_queues INTERFACE ${ARGN})
  endif()
  message(STATUS "qbench peer ${name}: found (${package})")
endfunction()

function(qb_peer_missing name package)
  message(STATUS "qbench peer ${name}: skipped, Debian package ${package} not found")
endfunction()

# A header-only library: present when its header is.
function(qb_peer_header name header package)
  find_path(QB_PEER_${name}_INCLUDE_DIR ${header})
  if(QB_PEER_${name}_INCLUDE_DIR)
    qb_peer_found(${name} ${package})
  else()
    qb_peer_missing(${name} ${package})
  endif()
endfunction()

qb_peer_header(MOODYCAMEL concurrentqueue/concurrentqueue.h libconcurrentqueue-dev)
qb_peer_header(READERWRITERQUEUE readerwriterqueue/readerwriterqueue.h libreaderwriterqueue-dev)
# Boost.Lockfree is header-only (it uses std::atomic on a C++11 compiler).
qb_peer_header(BOOST_LOCKFREE boost/lockfree/queue.hpp libboost-dev)

# oneTBB ships a CMake package; its queues' headers call into libtbb.
find_package(TBB CONFIG QUIET)
if(TARGET TBB::tbb)
  qb_peer_found(TBB libtbb-dev TBB::tbb)
else()
  qb_peer_missing(TBB libtbb-dev)
endif()

qb_peer_header(ATOMIC_QUEUE atomic_queue/atomic_queue.h libatomic-queue-dev)
qb_peer_header(XENIUM xenium/michael_scott_queue.hpp libxenium-dev)

# liburcu ships pkg-config files only; wfcqueue's functions live in
# liburcu-common, which liburcu-cds.pc links.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(QB_URCU_CDS QUIET IMPORTED_TARGET liburcu-cds)
endif()
if(TARGET PkgConfig::QB_URCU_CDS)
  qb_peer_found(URCU liburcu-dev PkgConfig::QB_URCU_CDS)
else()
  qb_peer_missing(URCU liburcu-dev)
endif()

# ck ships ck.pc. ck_ring.h is C that C++ rejects, so its ring operations are
# compiled as C in a small static library (queues/peers/ck_ring_shim.c) that
# the adapter calls.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(QB_CK QUIET IMPORTED_TARGET ck)
endif()
set(_qb_ck_include "")
if(TARGET PkgConfig::QB_CK)
  set(_qb_ck_link PkgConfig::QB_CK)
else()
  # Older libck-dev packages have no ck.pc: look for the header and library.
  find_path(QB_PEER_CK_INCLUDE_DIR ck_ring.h)
  find_library(QB_PEER_CK_LIBRARY ck)
  if(QB_PEER_CK_INCLUDE_DIR AND QB_PEER_CK_LIBRARY)
    set(_qb_ck_link ${QB_PEER_CK_LIBRARY})
    set(_qb_ck_include ${QB_PEER_CK_INCLUDE_DIR})
  endif()
endif()
if(_qb_ck_link)
  enable_language(C)
  add_library(qb_peer_ck_shim STATIC ${CMAKE_CURRENT_LIST_DIR}/ck_ring_shim.c)
  # Only the fallback's own find: a NOTFOUND left in the cache by a configure
  # from before libck-dev was installed must not reach the include path.
  target_include_directories(qb_peer_ck_shim PRIVATE ${PROJECT_SOURCE_DIR} ${_qb_ck_include})
  set_target_properties(qb_peer_ck_shim PROPERTIES C_STANDARD 11 C_STANDARD_REQUIRED ON)
  # qb_options: the same warnings and sanitizer as the C++ that calls it.
  target_link_libraries(qb_peer_ck_shim PUBLIC ${_qb_ck_link} PRIVATE qb_options)
  qb_peer_found(CK libck-dev qb_peer_ck_shim)
else()
  qb_peer_missing(CK libck-dev)
endif()

# TSan cannot check some peers (fences, libraries not built with TSan, inline
# assembly; boost_lockfree_queue's pool races by design), so a tsan build
# leaves them out, as queues/peers/catalog.hpp lists; release and asan test
# them.
if(QB_SANITIZER STREQUAL "thread")
  message(STATUS "qbench peers: this ThreadSanitizer build leaves out the peers TSan cannot check "
                 "(queues/peers/catalog.hpp says why for each)")
endif()
