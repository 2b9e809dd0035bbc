#!/usr/bin/env bash
# Builds OpenSSL as static wasm32 libraries (libssl.a, libcrypto.a) with Emscripten, once per
# machine, into a cache outside any build tree (docs/tls.md, issue 14).
#
#   build.sh [--cache DIR] [--source DIR] [--debian-version V] [--update] [--jobs N]
#            [--configure-arg ARG]... [--verbose]
#
# Source: Debian's `openssl` source package (patches applied), fetched through a private apt
# state under the cache (a deb-src copy of the system's own apt sources; /etc/apt is never
# written), or an unpacked OpenSSL tree given with --source (built out of tree; not modified).
# Install prefix: <cache>/<version>-<key>/ with include/openssl/*.h, lib/libssl.a,
# lib/libcrypto.a and a stamp file; <key> hashes the Configure arguments, emcc's version and
# where the source came from. When the stamp exists nothing is done (no network either: the
# Debian route remembers its last result in <cache>/debian-<key>.current; --update asks apt again
# for a newer source package). Concurrent runs serialise on a lock; the second finds the stamp.
# The last line on stdout is the install prefix; progress goes to stderr, the build's output
# to <cache>/logs/.
set -euo pipefail

# Bump when the way the libraries are built changes: every cached build is then redone.
readonly RECIPE_REVISION=1
# Issue 14's measured recipe: portable C, no threads, static, no engines or loadable modules.
# --openssldir: the paths compiled into libcrypto are those of the program's (Emscripten) file
# system, not of this machine: the default trust store is /etc/ssl/cert.pem, where
# cmake/openssl.cmake embeds the CA bundle (docs/tls.md, "Trust").
readonly CONFIGURE_ARGS=(linux-generic32 no-asm no-threads no-shared no-dso no-engine
                         no-afalgeng no-tests --openssldir=/etc/ssl)

cache="${XDG_CACHE_HOME:-$HOME/.cache}/asio_directsockets/openssl-wasm"
source_dir=""
debian_version=""
update=0
jobs="$(nproc 2>/dev/null || echo 2)"
verbose=0
extra_args=()

usage() { sed -n '2,17s/^# \{0,1\}//p' "$0"; }
say() { echo "openssl-wasm: $*" >&2; }
die() { say "error: $*"; exit 1; }

while (($#)); do
  case "$1" in
    --cache) cache="$2"; shift 2 ;;
    --source) source_dir="$2"; shift 2 ;;
    --debian-version) debian_version="$2"; shift 2 ;;
    --update) update=1; shift ;;
    --jobs) jobs="$2"; shift 2 ;;
    --configure-arg) extra_args+=("$2"); shift 2 ;;
    --verbose) verbose=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done

for tool in emcc emconfigure emmake perl make flock sha256sum; do
  command -v "$tool" >/dev/null || die "'$tool' not found (Debian: apt-get install emscripten perl make util-linux coreutils)"
done

mkdir -p "$cache" "$cache/logs"
cache="$(cd "$cache" && pwd -P)"
emcc_version="$(emcc --version)"  # (no `| head`: emcc dies of the closed pipe under pipefail)
emcc_version="${emcc_version%%$'\n'*}"
configure_args=("${CONFIGURE_ARGS[@]}" ${extra_args[@]+"${extra_args[@]}"})

if [[ -n "$source_dir" ]]; then
  [[ -f "$source_dir/Configure" && -f "$source_dir/VERSION.dat" ]] ||
    die "--source $source_dir is not an OpenSSL 3 source tree (no Configure or VERSION.dat)"
  source_dir="$(cd "$source_dir" && pwd -P)"
  origin="dir:$source_dir"
else
  origin="debian"
fi
key="$(printf '%s\n' "recipe=$RECIPE_REVISION" "origin=$origin" "emcc=$emcc_version" \
         "configure=${configure_args[*]}" | sha256sum | cut -c1-12)"
pointer="$cache/debian-$key.current"  # the Debian route's last prefix

# finish_if_done <prefix>: if the prefix is complete (its stamp exists): print it and stop.
finish_if_done() {
  if [[ -f "$1/asio_ds_openssl.stamp" ]]; then
    say "up to date: $1"
    echo "$1"
    exit 0
  fi
}

# openssl_version <tree>: MAJOR.MINOR.PATCH[-TAG] from VERSION.dat.
openssl_version() {
  (
    # shellcheck disable=SC1091
    source "$1/VERSION.dat"
    # shellcheck disable=SC2153  # set by VERSION.dat
    echo "$MAJOR.$MINOR.$PATCH${PRE_RELEASE_TAG:+-$PRE_RELEASE_TAG}"
  )
}

# Fast path without the lock or the network.
if [[ -n "$source_dir" ]]; then
  prefix="$cache/$(openssl_version "$source_dir")-$key"
  finish_if_done "$prefix"
elif [[ $update == 0 && -z "$debian_version" && -f "$pointer" ]]; then
  finish_if_done "$(cat "$pointer")"
fi

exec 9>"$cache/.lock"
if ! flock -n 9; then
  say "another build holds $cache/.lock; waiting for it"
  flock 9
fi
# The holder may just have built what we want.
if [[ -n "$source_dir" ]]; then
  finish_if_done "$prefix"
elif [[ $update == 0 && -z "$debian_version" && -f "$pointer" ]]; then
  finish_if_done "$(cat "$pointer")"
fi

work=""
cleanup() { [[ -z "$work" ]] || rm -rf "$work"; }
trap cleanup EXIT

# --- the Debian source package, through a private apt state ------------------------------------
if [[ -z "$source_dir" ]]; then
  command -v apt-get >/dev/null || die "no apt-get: pass an OpenSSL source tree with --source DIR"
  apt_root="$cache/apt"
  mkdir -p "$apt_root/sources.list.d" "$apt_root/lists/partial" "$apt_root/cache/archives/partial"
  : >"$apt_root/sources.list"
  # The system's own sources (deb822 and one-line), as deb-src.
  rm -f "$apt_root/sources.list.d/"*
  for f in /etc/apt/sources.list.d/*.sources; do
    if [[ -f "$f" ]]; then
      sed -E 's/^Types:.*/Types: deb-src/' "$f" >"$apt_root/sources.list.d/${f##*/}"
    fi
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    if [[ -f "$f" ]]; then
      sed -nE 's/^[[:space:]]*deb([[:space:]])/deb-src\1/p' "$f" >>"$apt_root/sources.list"
    fi
  done
  apt=(-o "Dir::Etc::SourceList=$apt_root/sources.list"
       -o "Dir::Etc::SourceParts=$apt_root/sources.list.d"
       -o "Dir::State::Lists=$apt_root/lists" -o "Dir::Cache=$apt_root/cache")
  if [[ $EUID == 0 ]]; then
    apt+=(-o APT::Sandbox::User=root)  # _apt cannot enter a private cache under /root
  fi
  say "apt-get update (private state in $apt_root)"
  apt-get "${apt[@]}" -qq update >&2 || die "apt-get update of the deb-src entries failed"
  # Every version the sources offer, newest first: a mirror may list a version whose files it
  # does not serve yet, so each is tried in turn.
  mapfile -t versions < <(apt-cache "${apt[@]}" showsrc --only-source openssl |
                          sed -n 's/^Version: //p' | sort -u)
  ((${#versions[@]})) || die "no openssl source package in the system's apt sources"
  for ((i = 1; i < ${#versions[@]}; i++)); do  # insertion sort by dpkg's order, descending
    v="${versions[i]}"
    for ((j = i - 1; j >= 0; j--)); do
      dpkg --compare-versions "${versions[j]}" lt "$v" || break
      versions[j + 1]="${versions[j]}"
    done
    versions[j + 1]="$v"
  done
  if [[ -n "$debian_version" ]]; then versions=("$debian_version"); fi
  downloads="$cache/downloads"
  mkdir -p "$downloads"
  got=""
  for v in "${versions[@]}"; do
    plain="${v#*:}"  # no epoch
    plain="${plain//[^A-Za-z0-9.+_~-]/_}"
    prefix="$cache/${plain//\~/_}-$key"
    dsc="$downloads/$plain/openssl_$plain.dsc"
    # Into a scratch dir first: a version's dir exists only once all its files are there.
    if [[ ! -d "$downloads/$plain" ]]; then
      rm -rf "$downloads/.partial"
      mkdir -p "$downloads/.partial"
      if (cd "$downloads/.partial" && apt-get "${apt[@]}" -q source --download-only \
            "openssl=$v" >>"$cache/logs/apt.log" 2>&1); then
        mv "$downloads/.partial" "$downloads/$plain"
      fi
    fi
    if [[ -f "$dsc" ]]; then
      got="$v"
      break
    fi
    say "openssl $v is listed but could not be downloaded (see $cache/logs/apt.log); trying older"
  done
  rm -rf "$downloads/.partial"
  [[ -n "$got" ]] || die "no openssl source package could be downloaded"
  if [[ -f "$prefix/asio_ds_openssl.stamp" ]]; then
    echo "$prefix" >"$pointer"
    finish_if_done "$prefix"
  fi
  work="$(mktemp -d "$cache/build.XXXXXX")"
  say "unpacking Debian's openssl $got"
  if command -v dpkg-source >/dev/null; then
    dpkg-source --no-check -x "$dsc" "$work/src" >>"$cache/logs/apt.log" 2>&1 ||
      die "dpkg-source -x $dsc failed (see $cache/logs/apt.log)"
  else  # no dpkg-dev: unpack and apply debian/patches/series by hand
    mkdir -p "$work/src"
    full="${got#*:}"
    tar -xf "${dsc%/*}/openssl_${full%-*}.orig.tar.gz" -C "$work/src" --strip-components=1
    tar -xf "${dsc%/*}/openssl_$full.debian.tar.xz" -C "$work/src"
    while read -r patch _; do
      [[ -z "$patch" || "$patch" == \#* ]] || patch -s -p1 -d "$work/src" <"$work/src/debian/patches/$patch"
    done <"$work/src/debian/patches/series"
  fi
  src="$work/src"
  origin_detail="debian:$got"
else
  work="$(mktemp -d "$cache/build.XXXXXX")"
  src="$source_dir"
  origin_detail="$origin"
fi

# --- configure, build, install -------------------------------------------------------------------
version="$(openssl_version "$src")"
log="$cache/logs/${prefix##*/}.log"
: >"$log"
run() {  # the build's own output goes to the log (and to stderr with --verbose)
  if ((verbose)); then "$@" 2>&1 | tee -a "$log" >&2; else "$@" >>"$log" 2>&1; fi
}
fail() { tail -n 40 "$log" >&2; die "$1 failed; full log: $log"; }

say "building OpenSSL $version for wasm32 into $prefix (log: $log)"
start=$SECONDS
mkdir -p "$work/build"
cd "$work/build"
run emconfigure "$src/Configure" "${configure_args[@]}" --prefix="$prefix" --libdir=lib ||
  fail "Configure"
# emconfigure leaves CROSS_COMPILE=em in the Makefile, and make would then call `ememcc`.
sed -i 's/^CROSS_COMPILE=.*/CROSS_COMPILE=/' Makefile
run emmake make -j"$jobs" build_libs || fail "make build_libs"
# DESTDIR keeps the paths compiled into libcrypto (OPENSSLDIR, MODULESDIR) at the final prefix
# while the install itself lands in a scratch dir, moved into place only when complete.
run emmake make DESTDIR="$work/dest" install_dev || fail "make install_dev"
rm -rf "$prefix"
mkdir -p "$(dirname "$prefix")"
mv "$work/dest$prefix" "$prefix"
rmdir "$prefix/bin" 2>/dev/null || true
times >"$work/times"  # in this shell, not a subshell: user and system time of all it ran
cpu="$(tail -n1 "$work/times")"
{
  echo "openssl=$version"
  echo "source=$origin_detail"
  echo "configure=${configure_args[*]}"
  echo "emcc=$emcc_version"
  echo "recipe=$RECIPE_REVISION"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "wall_seconds=$((SECONDS - start))"
  echo "cpu_user_system=$cpu"
  echo "jobs=$jobs"
} >"$prefix/asio_ds_openssl.stamp"
[[ -n "$source_dir" ]] || echo "$prefix" >"$pointer"
say "built in $((SECONDS - start)) s (cpu user/system of the build: $cpu)"
echo "$prefix"
