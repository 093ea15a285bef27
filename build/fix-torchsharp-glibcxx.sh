#!/usr/bin/env bash
# Makes TorchSharp's libLibTorchSharp.so load on systems whose libstdc++ predates GLIBCXX_3.4.32
# (Debian 12). Does nothing where the system libstdc++ is new enough or the file is already fixed.
# Usage: fix-torchsharp-glibcxx.sh DIR   (every libLibTorchSharp.so under DIR is fixed in place)
set -euo pipefail
dir=${1:?usage: $0 DIR}
here=$(cd "$(dirname "$0")" && pwd)
[ "$(uname -s)" = Linux ] || exit 0

libstdcxx=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
libstdcxx=${libstdcxx:-/usr/lib/x86_64-linux-gnu/libstdc++.so.6}
if [ -f "$libstdcxx" ] && grep -qa 'GLIBCXX_3\.4\.32' "$libstdcxx"; then
  exit 0  # the system library is new enough
fi

for tool in patchelf g++ python3; do
  command -v "$tool" >/dev/null || { echo "error: TorchSharp needs GLIBCXX_3.4.32, which $libstdcxx lacks; fixing it needs '$tool' (apt-get install patchelf g++ python3)" >&2; exit 1; }
done

shim=libglibcxx_shim.so
find "$dir" -name libLibTorchSharp.so | while read -r lib; do
  libdir=$(dirname "$lib")
  if patchelf --print-needed "$lib" | grep -qx "$shim"; then
    [ -f "$libdir/$shim" ] && continue
  else
    python3 "$here/elf_weaken_verneed.py" "$lib" GLIBCXX_3.4.32 >/dev/null
    patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$lib"
    patchelf --add-needed "$shim" "$lib"
    patchelf --add-rpath '$ORIGIN' "$lib"
  fi
  g++ -shared -fPIC -O2 -o "$libdir/$shim" "$here/glibcxx_shim.cpp"
  echo "fixed $lib for $libstdcxx (no GLIBCXX_3.4.32)"
done
