/**
 * Backend selection: 'cpu' (typed arrays), 'gpu' (gpu.js shaders), 'auto' (gpu.js only where
 * it has a real GL/WebGPU context, else the CPU). Backends are created once per process.
 */
import { ValueError } from '../core/errors';
import { Backend } from './backend';
import { CpuBackend } from './cpu/index';

export type BackendName = 'cpu' | 'gpu' | 'auto';

const instances = new Map<string, Backend>();

/**
 * headless-gl cannot tell a GPU from Mesa's software renderer (llvmpipe under Xvfb), so 'auto'
 * also asks the OS for a GPU device node: a DRM render node or an NVIDIA device.
 */
function hardwareGpuPresent(): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('fs') as typeof import('fs');
  try {
    if (fs.existsSync('/dev/nvidia0')) return true;
    return fs.readdirSync('/dev/dri').some((f) => f.startsWith('renderD'));
  } catch {
    return false;
  }
}

export function getBackend(name: BackendName): Backend {
  const cached = instances.get(name);
  if (cached) return cached;
  let b: Backend;
  if (name === 'cpu') b = new CpuBackend();
  else if (name === 'gpu' || name === 'auto') {
    // Loaded lazily: gpu.js and headless-gl are only touched when asked for.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const gpu = require('./gpu/index') as typeof import('./gpu/index');
    if (name === 'gpu') b = gpu.createGpuBackend('auto');
    else b = gpu.gpuAvailability().hasRealContext && hardwareGpuPresent() ? gpu.createGpuBackend('auto') : getBackend('cpu');
  } else throw new ValueError(`Unknown backend '${String(name)}': expected 'cpu', 'gpu' or 'auto'`);
  instances.set(name, b);
  return b;
}
