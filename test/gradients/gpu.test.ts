// The same finite-difference gradient checks on the gpu.js backend (webasm mode here; its
// kernels are the ones the GLSL path compiles too). The device computes in float32, so the
// checks run on float32 graphs with eps 1e-2 and |analytic - numeric| <= 3e-2 + 3e-2·max(|a|,|n|):
// central differences in float32 have truncation error ~eps² and rounding error ~1e-7/eps.
// Each case must also leave no device buffer behind once its session is closed.
import * as fs from 'fs';
import * as path from 'path';
import 'tf1-ts';
import { createGpuBackend, gpuAvailability } from '../../src/backend/gpu/index';
import { checkGradients } from './gradcheck';
import { registeredGradChecks } from './registry';

const checksDir = path.join(__dirname, 'checks');
for (const f of fs.readdirSync(checksDir).sort()) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (f.endsWith('.ts')) require(path.join(checksDir, f));
}

const mode = gpuAvailability().headlessgl && process.env.TF1TS_GPU_GRADCHECK_GL ? 'headlessgl' : 'webasm';
const backend = createGpuBackend(mode);
const checks = registeredGradChecks();
// Cases that cannot run as float32 finite differences: they build float64 tensors themselves
// (the CPU suite covers them), or clip_by_value, whose kinks at ±0.5/±1 fall within eps = 1e-2 of
// random inputs (its gradient is a Select on comparisons, each checked here on its own).
const NOT_FLOAT32 = /^(cast through int32|TensorArray\.|clip_by_value)/;

for (const [opType, cases] of [...checks.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
  describe(`gpu.js ${mode}: gradient of ${opType}`, () => {
    const runnable = cases.filter((c) => !NOT_FLOAT32.test(c.name));
    if (runnable.length === 0) return;
    test.each(runnable.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const live = backend.stats.liveBuffers;
      const report = checkGradients(c, 7, { backend, float32: { eps: 1e-2, atol: 3e-2, rtol: 3e-2 } });
      expect(report.opTypes.has(opType)).toBe(true);
      // Every device buffer the case's runs made is freed by the time its session closes.
      expect(backend.stats.liveBuffers).toBe(live);
    });
  });
}
