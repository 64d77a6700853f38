#!/usr/bin/env bash
# qb device-pack: the release build's shared libraries, for a machine of the
# same architecture without the Debian packages. Run as `./scripts/qb
# device-pack`; it takes qb's helpers (ensure_qbench, usage_error, die).
set -euo pipefail
# shellcheck source=scripts/qb
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/qb"

usage() {
  cat <<'EOF'
usage: ./scripts/qb device-pack [DIR]

For a machine that has the same architecture but not the Debian packages:
build the release preset if qbench is missing, then copy into DIR (default
.qb-libs, relative to the repository root) every shared library that the ELF
executables under build/release load from /lib or /usr/lib, symlinks
dereferenced. glibc's own libraries (ld-linux, libc, libm, libmvec,
libpthread, libdl, librt, libresolv, libutil, libanl, libnss_*,
libthread_db) stay behind: the remote's newer glibc serves them. libstdc++ and
libgcc_s are copied. Prints the command line to use on the remote, where
build/release and DIR must both be carried along.
EOF
}

is_elf() {
  [[ "$(head -c4 -- "$1" | od -An -tx1 | tr -d ' \n')" == 7f454c46 ]]
}

dir=""
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    -*) usage_error "device-pack: unknown option '$arg'" ;;
    *)
      [[ -z "$dir" ]] || usage_error "device-pack: unexpected argument '$arg' (one DIR only)"
      dir="$arg" ;;
  esac
done
dir="${dir:-.qb-libs}"
dir="${dir%/}"
cd "$ROOT"
ensure_qbench
mkdir -p "$dir"

declare -A copied=()
not_found=()
while IFS= read -r -d '' exe; do
  is_elf "$exe" || continue
  # ldd lines: "libfmt.so.9 => /lib/x86_64-linux-gnu/libfmt.so.9 (0x...)",
  # "libx.so => not found", or the vdso and loader without "=>".
  while read -r soname sep path _; do
    [[ "$sep" == "=>" ]] || continue
    if [[ "$path" == not ]]; then
      not_found+=("$soname (${exe})")
      continue
    fi
    case "$path" in
      /lib/* | /lib64/* | /usr/lib/* | /usr/lib64/*) ;;
      *) continue ;;
    esac
    case "$soname" in
      ld-linux* | libc.so* | libm.so* | libmvec.so* | libpthread.so* | libdl.so* | \
        librt.so* | libresolv.so* | libutil.so* | libanl.so* | libnss_* | libthread_db.so*)
        continue ;;
    esac
    if [[ -z "${copied[$soname]:-}" ]]; then
      # Named by soname, which is what the loader looks for.
      cp -L -- "$path" "$dir/$soname"
      copied[$soname]="$path"
    fi
  done < <(ldd "$exe" 2>/dev/null || true)
done < <(find build/release -path '*/CMakeFiles' -prune -o -type f -executable -print0)

if ((${#not_found[@]})); then
  printf 'qb device-pack: ldd found no library for: %s\n' "${not_found[@]}" >&2
  die "device-pack: the release build does not run here either; fix the build first"
fi

# Literal $PWD: it is expanded on the remote, in its copy of the repository.
# shellcheck disable=SC2016
prefix='$PWD/'
[[ "$dir" == /* ]] && prefix=""
printf 'qb device-pack: %d libraries in %s:\n' "${#copied[@]}" "$dir"
if ((${#copied[@]})); then
  mapfile -t names < <(printf '%s\n' "${!copied[@]}" | sort)
  printf '  %s\n' "${names[@]}"
fi
printf 'sizes: %s\n' "$(du -sh build/release "$dir" | awk '{printf "%s %s  ", $2, $1}')"
printf '\nOn the remote machine, from the repository root:\n'
printf '  LD_LIBRARY_PATH=%s%s build/release/harness/qbench ...\n' "$prefix" "$dir"
printf 'build/release and %s are git-ignored: both must be in the device call'"'"'s carry list.\n' "$dir"
if [[ "$dir" == /* || "$dir" == ../* ]]; then
  printf 'qb device-pack: warning: %s is outside the repository; carry takes paths inside it\n' "$dir" >&2
fi
