#!/bin/sh
# Rebuilds gemm.wasm from gemm.c (needs clang and wasm-ld: `apt-get install clang lld`).
# The built gemm.wasm is committed, so running the project never needs these tools.
set -e
cd "$(dirname "$0")"
clang --target=wasm32 -O3 -msimd128 -matomics -mbulk-memory -nostdlib -ffreestanding \
  -fno-builtin -Wall -Wextra \
  -Wl,--no-entry -Wl,--import-memory -Wl,--shared-memory -Wl,--max-memory=4294967296 \
  -Wl,--export=__heap_base -Wl,-z,stack-size=0 \
  -o gemm.wasm gemm.c
ls -l gemm.wasm
