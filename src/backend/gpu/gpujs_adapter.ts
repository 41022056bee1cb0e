/**
 * The one place that talks to gpu.js. gpu.js's typings are loose (kernels return a union of
 * arrays, textures and void), so every cast lives here and the rest of the backend sees a small
 * typed surface: compile a kernel source for an output length, run it on device buffers and
 * scalars, upload, download, release.
 *
 * A DeviceBuf is a gpu.js Texture on GL modes (stays in GPU memory between kernels) and a
 * Float32Array on webasm / cpu modes (gpu.js has no device memory there: "pipeline" results are
 * plain typed arrays that pass straight into the next kernel).
 */
import { GPU, Texture } from 'gpu.js';
import { ValueError } from '../../core/errors';

/** gpu.js modes this backend can drive synchronously. */
export type GpuJsMode = 'headlessgl' | 'webgl2' | 'webgpu' | 'webasm' | 'cpu';
export const GPUJS_MODES: readonly GpuJsMode[] = ['headlessgl', 'webgl2', 'webgpu', 'webasm', 'cpu'];

/** Opaque device storage of `length` float32 values (wraps what gpu.js returned). */
export class DeviceBuf {
  /** @internal */
  constructor(
    readonly raw: TextureLike | Float32Array,
    readonly length: number,
  ) {}
}

export type KernelArg = DeviceBuf | number;

export interface CompiledKernel {
  run(args: readonly KernelArg[]): DeviceBuf;
}

/** The parts of a gpu.js kernel shortcut we use; it is callable and has the kernel's settings. */
interface KernelShortcut {
  (...args: unknown[]): unknown;
  destroy(removeCanvasReferences?: boolean): void;
}

export interface TextureLike {
  toArray(): unknown;
  delete(): void;
}

function isTexture(x: unknown): x is TextureLike {
  return x instanceof Texture || (typeof x === 'object' && x !== null && typeof (x as TextureLike).toArray === 'function' && typeof (x as TextureLike).delete === 'function');
}

/** Why a mode is unavailable here, or null when it is available. */
export function modeUnavailableReason(mode: GpuJsMode): string | null {
  switch (mode) {
    case 'headlessgl':
      return GPU.isHeadlessGLSupported
        ? null
        : 'headless-gl could not create a WebGL context (is the optional `gl` package built, and is there an X display? run under `xvfb-run -a`)';
    case 'webgl2':
      return GPU.isWebGL2Supported ? null : 'WebGL2 exists only in browsers (Node has no WebGL2RenderingContext)';
    case 'webgpu':
      // Even where an adapter exists, gpu.js's webgpu kernels return Promises; the Backend
      // interface is synchronous, so this backend cannot drive them.
      return GPU.isWebGPUSupported
        ? 'gpu.js webgpu kernels are asynchronous only; the synchronous Backend interface cannot use them'
        : 'WebGPU is not available here (no navigator.gpu)';
    case 'webasm':
      return GPU.isWebAssemblySupported ? null : 'WebAssembly is not supported by this runtime';
    case 'cpu':
      return null;
  }
}

/** Real GL first, then gpu.js's SIMD wasm kernels, then its transpiled JS. */
export function bestMode(): GpuJsMode {
  for (const m of ['headlessgl', 'webgl2', 'webasm'] as const) if (modeUnavailableReason(m) === null) return m;
  return 'cpu';
}

export class GpuJsDevice {
  readonly mode: GpuJsMode;
  readonly isGL: boolean;
  private readonly gpu: GPU;
  private readonly kernels: KernelShortcut[] = [];
  private readonly uploaders = new Map<number, CompiledKernel>();
  /** Kernels this device compiled (uploaders included). */
  compiles = 0;

  constructor(mode: GpuJsMode) {
    const why = modeUnavailableReason(mode);
    if (why !== null) throw new ValueError(`gpu.js mode '${mode}' is unavailable: ${why}`);
    this.mode = mode;
    this.isGL = mode === 'headlessgl' || mode === 'webgl2';
    this.gpu = new GPU({ mode });
  }

  /** Kernel objects gpu.js itself holds: grows if gpu.js silently recompiles (argument-type switch). */
  get gpuJsKernelCount(): number {
    return (this.gpu as unknown as { kernels: unknown[] }).kernels.length;
  }

  /** Compiles `source` (a JS function expression gpu.js transpiles) for a 1-D output of `outputSize`. */
  compile(source: string, outputSize: number): CompiledKernel {
    const shortcut = this.gpu.createKernel(source, {
      output: [Math.max(outputSize, 1)],
      pipeline: true,
      immutable: true,
      precision: 'single',
      // highp everywhere: the default picks lowp/mediump for small outputs.
      tactic: 'precision',
      // Index math divides with its own exact correction; gpu.js's int check costs every '/'.
      fixIntegerDivisionAccuracy: false,
      // one float per RGBA texel: packing four costs a channel select per read (slower on Mesa)
      optimizeFloatMemory: false,
    } as Parameters<GPU['createKernel']>[1]) as unknown as KernelShortcut;
    this.kernels.push(shortcut);
    this.compiles++;
    return {
      run: (args: readonly KernelArg[]): DeviceBuf => {
        const out = shortcut(...args.map((a) => (a instanceof DeviceBuf ? a.raw : a)));
        return this.wrap(out, outputSize);
      },
    };
  }

  private wrap(out: unknown, length: number): DeviceBuf {
    if (out instanceof Float32Array || isTexture(out)) return new DeviceBuf(out, length);
    if (Array.isArray(out)) return new DeviceBuf(Float32Array.from(out as number[]), length);
    throw new Error(`gpu.js returned an unexpected kernel result (${Object.prototype.toString.call(out)})`);
  }

  /** Host -> device. GL modes copy through a per-length identity kernel into a texture. */
  upload(data: Float32Array): DeviceBuf {
    // no device memory: the (immutable) host array itself is what kernels read
    if (!this.isGL) return new DeviceBuf(data, data.length);
    const n = data.length;
    let k = this.uploaders.get(n);
    if (!k) {
      k = this.compile('function (a) { return a[this.thread.x]; }', n);
      this.uploaders.set(n, k);
    }
    // gpu.js textures need at least one texel
    return k.run([new DeviceBuf(n === 0 ? new Float32Array(1) : data, n)]);
  }

  /** Device -> host (the only download path). */
  download(b: DeviceBuf): Float32Array {
    const raw = b.raw;
    if (raw instanceof Float32Array) return raw.length === b.length ? raw : raw.subarray(0, b.length);
    const arr = raw.toArray();
    if (arr instanceof Float32Array) return arr.length === b.length ? arr : arr.slice(0, b.length);
    return Float32Array.from(arr as ArrayLike<number>).slice(0, b.length);
  }

  /** Blocks until queued device work is done (GL draws are asynchronous); for timing. */
  sync(): void {
    const gl = (this.gpu as unknown as { context: { finish?: () => void } | null }).context;
    if (gl && typeof gl.finish === 'function') gl.finish();
  }

  release(b: DeviceBuf): void {
    if (!(b.raw instanceof Float32Array)) b.raw.delete();
  }

  destroy(): void {
    for (const k of this.kernels) {
      try {
        k.destroy(true);
      } catch {
        // best effort: a context already lost has nothing left to free
      }
    }
    this.kernels.length = 0;
    this.uploaders.clear();
  }
}
