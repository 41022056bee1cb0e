// Every op type with a gradient is checked against finite differences (test/gradients/gradcheck.ts),
// on broadcasting shapes and unknown batch sizes. The meta test fails when an op type with a
// gradient has no registered check: add one in test/gradients/checks/.
import * as fs from 'fs';
import * as path from 'path';
import 'tf1-ts';
import { allOpDefs } from 'tf1-ts/ops/registry';
import { checkGradients } from './gradcheck';
import { registeredGradChecks } from './registry';

const checksDir = path.join(__dirname, 'checks');
for (const f of fs.readdirSync(checksDir).sort()) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (f.endsWith('.ts')) require(path.join(checksDir, f));
}

const differentiable = allOpDefs()
  .filter((d) => d.grad !== null)
  .map((d) => d.type)
  .sort();
const checks = registeredGradChecks();

describe('gradient checks registry', () => {
  test('every op type with a gradient has a finite-difference check', () => {
    const missing = differentiable.filter((t) => !checks.has(t));
    expect(missing).toEqual([]);
  });

  test('checks are registered only for known op types', () => {
    const known = new Set(allOpDefs().map((d) => d.type));
    expect([...checks.keys()].filter((t) => !known.has(t))).toEqual([]);
  });
});

for (const [opType, cases] of [...checks.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
  describe(`gradient of ${opType}`, () => {
    test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const report = checkGradients(c);
      // The case must actually build the op it claims to check.
      expect(report.opTypes.has(opType)).toBe(true);
    });
  });
}
