# The Rust queues (queues/rust/: crossbeam-queue's, crossbeam-channel's and
# std's Mutex<VecDeque>) as a cdylib that qbench loads through
# include/qbench/queue_plugin.h, as it would a user's plugin. Built with
# Debian's cargo, rustc and packaged crates, offline, and skipped with a
# one-line notice when any is missing, as the peers are (peers.cmake), so a
# machine without Rust still builds and tests everything else.
#
# Included from the top-level CMakeLists.txt. When the plugin is built, sets
# QB_RUST_PLUGIN_TARGET (the target to depend on) and appends the library's
# path to the global property QB_BUNDLED_PLUGINS, which qbench loads.
#
# Cargo.lock pins the versions Debian 12 ships. After a change to
# Cargo.toml's dependencies, regenerate it against the same registry, from a
# configured build folder B:
#   CARGO_HOME=B/queues/rust/cargo-home RUSTC=/usr/bin/rustc /usr/bin/cargo \
#     generate-lockfile --offline --config B/queues/rust/cargo-config.toml \
#     --manifest-path queues/rust/Cargo.toml

# Debian's toolchain only, by absolute path: a rustup toolchain that comes
# first on PATH (~/.cargo/bin) is another rustc than the one this crate is
# built and checked with, and a fresh Debian machine has none.
find_program(QB_RUST_CARGO cargo PATHS /usr/bin NO_DEFAULT_PATH DOC "Debian's cargo (package cargo)")
find_program(QB_RUST_RUSTC rustc PATHS /usr/bin NO_DEFAULT_PATH DOC "Debian's rustc (package rustc)")
# Where the librust-*-dev packages unpack their crates, one folder per crate
# and version; a cache variable so that a check can point it elsewhere.
set(QB_RUST_REGISTRY /usr/share/cargo/registry CACHE PATH "Debian's packaged Rust crates")

# A function so that a skip can return early; what it sets for the caller
# goes through PARENT_SCOPE.
function(qb_rust_plugin)
  if(QB_SANITIZER STREQUAL "thread")
    message(STATUS "qbench rust queues: skipped in this ThreadSanitizer build: TSan cannot see inside "
                   "the uninstrumented Rust code, so it would report the queues' own synchronisation "
                   "as races or miss real ones")
    return()
  endif()

  # Globbed, not cached: a package installed since the last configure is
  # found by the next one.
  file(GLOB queue_crate LIST_DIRECTORIES true "${QB_RUST_REGISTRY}/crossbeam-queue-0.3.*")
  file(GLOB channel_crate LIST_DIRECTORIES true "${QB_RUST_REGISTRY}/crossbeam-channel-0.5.*")
  set(missing "")
  if(NOT QB_RUST_CARGO)
    list(APPEND missing cargo)
  endif()
  if(NOT QB_RUST_RUSTC)
    list(APPEND missing rustc)
  endif()
  if(NOT queue_crate)
    list(APPEND missing librust-crossbeam-queue-dev)
  endif()
  if(NOT channel_crate)
    list(APPEND missing librust-crossbeam-channel-dev)
  endif()
  if(missing)
    list(LENGTH missing count)
    list(JOIN missing " " missing)
    if(count EQUAL 1)
      message(STATUS "qbench rust queues: skipped, Debian package ${missing} not found")
    else()
      message(STATUS "qbench rust queues: skipped, Debian packages ${missing} not found")
    endif()
    return()
  endif()

  # The build is --locked: a registry that holds other versions than
  # Cargo.lock names (another Debian release) would fail the whole build, so
  # say so here and skip. A registry package's `source` line follows its
  # `name` and `version`; ours has none.
  set(source_dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR})
  file(STRINGS ${source_dir}/Cargo.lock lock_lines REGEX "^(name|version|source) = ")
  set(unlocked "")
  foreach(line IN LISTS lock_lines)
    if(line MATCHES "^name = \"(.*)\"$")
      set(name ${CMAKE_MATCH_1})
    elseif(line MATCHES "^version = \"(.*)\"$")
      set(version ${CMAKE_MATCH_1})
    elseif(NOT line MATCHES "^source = ")
      # The lock file's own `version = 3`.
    elseif(IS_DIRECTORY "${QB_RUST_REGISTRY}/${name}-${version}")
      set(locked_${name} ${version})
    else()
      list(APPEND unlocked "${name} ${version}")
    endif()
  endforeach()
  if(unlocked)
    list(JOIN unlocked ", " unlocked)
    message(STATUS "qbench rust queues: skipped, ${QB_RUST_REGISTRY} lacks ${unlocked} that "
                   "queues/rust/Cargo.lock names (regenerate it: see queues/rust/rust.cmake)")
    return()
  endif()

  # Everything cargo writes (its home, the target folder) lives in the build
  # folder, never in the source tree.
  set(out ${CMAKE_BINARY_DIR}/queues/rust)
  configure_file(${source_dir}/cargo-config.toml.in ${out}/cargo-config.toml @ONLY)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${source_dir}/src/*.rs)
  set(library ${out}/target/release/libqbench_rust.so)
  # Warnings fail the Rust build where they fail the C++ one; cargo caps the
  # dependencies' lints, so this reaches our crate only. Setting RUSTFLAGS
  # either way also keeps a developer's own RUSTFLAGS out of the build.
  set(rustflags "")
  if(QB_WERROR)
    set(rustflags -Dwarnings)
  endif()
  # How cargo runs offline: `--config FILE` (which Debian 12's cargo 1.65
  # takes) replaces crates-io with the directory source of Debian's
  # registry, and outranks any .cargo/config.toml above the working folder;
  # CARGO_HOME in the build folder keeps cargo off ~/.cargo, neither reading
  # its config nor writing its caches there. --locked --offline: exactly
  # Cargo.lock's versions, no network. Release always, asan preset included:
  # the plugin is measured, and ASan cannot instrument Rust code anyway.
  # The touch: cargo leaves the library alone when only Cargo.lock's or
  # build.rs's timestamp changed, and ninja would then rerun it every build.
  add_custom_command(OUTPUT ${library}
    COMMAND ${CMAKE_COMMAND} -E env CARGO_HOME=${out}/cargo-home RUSTC=${QB_RUST_RUSTC}
            RUSTFLAGS=${rustflags}
            ${QB_RUST_CARGO} build --release --locked --offline
            --config ${out}/cargo-config.toml
            --manifest-path ${source_dir}/Cargo.toml --target-dir ${out}/target
    COMMAND ${CMAKE_COMMAND} -E touch ${library}
    DEPENDS ${sources} ${source_dir}/build.rs ${source_dir}/Cargo.toml ${source_dir}/Cargo.lock
            ${out}/cargo-config.toml
    WORKING_DIRECTORY ${out}
    COMMENT "Building the Rust queues' plugin with cargo (offline, Debian's crates)"
    VERBATIM)
  add_custom_target(qb_rust_plugin ALL DEPENDS ${library})
  set_property(TARGET qb_rust_plugin APPEND PROPERTY ADDITIONAL_CLEAN_FILES ${out}/target)
  set_property(GLOBAL APPEND PROPERTY QB_BUNDLED_PLUGINS ${library})
  set(QB_RUST_PLUGIN_TARGET qb_rust_plugin PARENT_SCOPE)
  message(STATUS "qbench rust queues: found (crossbeam-queue ${locked_crossbeam-queue}, "
                 "crossbeam-channel ${locked_crossbeam-channel})")
endfunction()

qb_rust_plugin()
