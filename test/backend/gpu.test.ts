/**
 * The shared backend conformance suite (conformance.ts) on the gpu.js backend, once per gpu.js
 * mode available here:
 *  - headlessgl: kernels compiled to GLSL and run by Mesa through headless-gl. Needs an X
 *    display, so run `xvfb-run -a npx jest test/backend/gpu`. When CI is set, a missing
 *    headlessgl fails the suite (CI runs it under xvfb-run with the gl package built).
 *  - webasm: gpu.js's WebAssembly (SIMD) kernels;
 *  - cpu: gpu.js's transpiled-JS kernels (cheap, and a third compiler of the same sources).
 *
 * Tolerance: rtol 1e-4, atol 1e-5. The device computes in float32 (eps 1.2e-7), and its
 * transcendentals are not correctly rounded: GLSL ES allows exp/log/pow a few ulp of error
 * (more for pow, evaluated as exp2(y log2 x)), sin/cos an absolute error, and tanh / log1p /
 * softmax / cross-entropy compose three or four of them; sums also run in another order than
 * the float64 reference. 1e-4 relative (~800 ulp) covers those compositions with margin; 1e-5
 * absolute covers results near zero (sin(pi), tiny probabilities, Adam updates). Matmul cases use
 * dyadic inputs, exact in float32, so indexing bugs still show; integers and bools are exact.
 */
import { createGpuBackend, gpuAvailability } from '../../src/backend/gpu';
import { describeConformance } from './conformance';

const TOLERANCE = { rtol: 1e-4, atol: 1e-5 };
const avail = gpuAvailability();

describe('gpu.js modes', () => {
  it('headlessgl is available (required when CI is set)', () => {
    if (avail.headlessgl) return;
    const why = avail.reasons.headlessgl ?? 'unknown reason';
    if (process.env.CI) {
      throw new Error(
        `gpu.js headlessgl mode is unavailable on CI: ${why}. CI must run this suite under \`xvfb-run -a\` ` +
          'with the optional `gl` package built (Debian: libxi-dev libglu1-mesa-dev libglew-dev pkg-config xvfb).',
      );
    }
    console.warn(`gpu.js headlessgl mode unavailable (${why}); tested webasm and cpu modes only. Run under \`xvfb-run -a\` to test real GLSL shaders.`);
  });

  it('webasm and cpu modes are available', () => {
    expect(avail.webasm).toBe(true);
    expect(avail.cpu).toBe(true);
    expect(avail.best).toBe(avail.headlessgl ? 'headlessgl' : 'webasm');
  });
});

if (avail.headlessgl) describeConformance('gpu.js headlessgl', () => createGpuBackend('headlessgl'), TOLERANCE);
describeConformance('gpu.js webasm', () => createGpuBackend('webasm'), TOLERANCE);
describeConformance('gpu.js cpu', () => createGpuBackend('cpu'), TOLERANCE);
