/**
 * Backend selection: 'cpu' (typed arrays), 'gpu' (gpu.js shaders), 'auto' (gpu.js only where
 * it has a real GL/WebGPU context, else the CPU). Backends are created once per process.
 */
import { ValueError } from '../core/errors';
import { Backend } from './backend';
import { CpuBackend } from './cpu/index';

export type BackendName = 'cpu' | 'gpu' | 'auto';

const instances = new Map<string, Backend>();

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
    else b = gpu.gpuAvailability().hasRealContext ? gpu.createGpuBackend('auto') : getBackend('cpu');
  } else throw new ValueError(`Unknown backend '${String(name)}': expected 'cpu', 'gpu' or 'auto'`);
  instances.set(name, b);
  return b;
}
