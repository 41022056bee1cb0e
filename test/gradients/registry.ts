/**
 * The map op type -> gradient-check cases. Every op type registered with a gradient must have
 * an entry (test/gradients/ops.test.ts fails otherwise). To add checks for new ops, put a file
 * in test/gradients/checks/ that calls registerGradCheck(opType, ...cases); the suite loads
 * every file of that folder. Not a test file itself.
 */
import { GradCase } from './gradcheck';

const checks = new Map<string, GradCase[]>();

export function registerGradCheck(opType: string, ...cases: GradCase[]): void {
  if (cases.length === 0) throw new Error(`registerGradCheck(${opType}): give at least one case`);
  const list = checks.get(opType) ?? [];
  list.push(...cases);
  checks.set(opType, list);
}

export function registeredGradChecks(): ReadonlyMap<string, readonly GradCase[]> {
  return checks;
}
