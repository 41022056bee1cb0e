#!/bin/sh
# Rebuilds the WebAssembly kernels from kernels.c (needs clang and wasm-ld: `apt-get install
# clang lld`). The built .wasm files are committed, so running the project never needs these tools.
#   kernels_st.wasm  SIMD, plain memory: work on the calling thread
#   kernels.wasm     SIMD + threads (shared memory): products split among worker threads
set -e
cd "$(dirname "$0")"
COMMON="--target=wasm32 -O3 -msimd128 -nostdlib -ffreestanding -fno-builtin -Wall -Wextra
  -Wl,--no-entry -Wl,--import-memory -Wl,--export=__heap_base -Wl,-z,stack-size=0"
# shellcheck disable=SC2086
clang $COMMON -o kernels_st.wasm kernels.c
# shellcheck disable=SC2086
clang $COMMON -matomics -mbulk-memory -Wl,--shared-memory -Wl,--max-memory=4294967296 -o kernels.wasm kernels.c
ls -l kernels_st.wasm kernels.wasm
