#!/bin/sh
# Rebuilds kernels.wasm from kernels.c (needs clang and wasm-ld: `apt-get install clang lld`).
# The built kernels.wasm is committed, so running the project never needs these tools.
set -e
cd "$(dirname "$0")"
clang --target=wasm32 -O3 -msimd128 -matomics -mbulk-memory -nostdlib -ffreestanding \
  -fno-builtin -Wall -Wextra \
  -Wl,--no-entry -Wl,--import-memory -Wl,--shared-memory -Wl,--max-memory=4294967296 \
  -Wl,--export=__heap_base -Wl,-z,stack-size=0 \
  -o kernels.wasm kernels.c
ls -l kernels.wasm
