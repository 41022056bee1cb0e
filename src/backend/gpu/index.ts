/**
 * The gpu.js backend: GpuBackend, a factory that picks a gpu.js mode, and a probe of which
 * modes this process can use. See README.md in this folder.
 */
import { GPUJS_MODES, GpuJsMode, bestMode, modeUnavailableReason } from './gpujs_adapter';
import { GpuBackend, GpuBackendOptions } from './gpu_backend';

export { GpuBackend } from './gpu_backend';
export type { GpuBackendOptions, GpuStats } from './gpu_backend';
export type { GpuJsMode } from './gpujs_adapter';

export interface GpuAvailability {
  headlessgl: boolean;
  webgl2: boolean;
  webgpu: boolean;
  webasm: boolean;
  cpu: boolean;
  /** The mode 'auto' picks. */
  best: GpuJsMode;
  /** Whether a real GL context exists (shaders run on a GPU or Mesa), not only wasm/JS. */
  hasRealContext: boolean;
  /** Why each unavailable mode is unavailable. */
  reasons: Partial<Record<GpuJsMode, string>>;
}

/** Which gpu.js modes the GpuBackend can drive in this process. */
export function gpuAvailability(): GpuAvailability {
  const reasons: Partial<Record<GpuJsMode, string>> = {};
  const ok = {} as Record<GpuJsMode, boolean>;
  for (const m of GPUJS_MODES) {
    const why = modeUnavailableReason(m);
    ok[m] = why === null;
    if (why !== null) reasons[m] = why;
  }
  return { ...ok, best: bestMode(), hasRealContext: ok.headlessgl || ok.webgl2, reasons };
}

/**
 * A GpuBackend on the given gpu.js mode ('auto': the best available). An unavailable mode is
 * an error that says why (e.g. no X display for headless-gl: run under `xvfb-run -a`).
 */
export function createGpuBackend(mode: GpuJsMode | 'auto' = 'auto', options: Omit<GpuBackendOptions, 'mode'> = {}): GpuBackend {
  const m = mode === 'auto' ? bestMode() : mode;
  return new GpuBackend({ ...options, mode: m });
}
