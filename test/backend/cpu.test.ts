import { CpuBackend } from '../../src/backend/cpu';
import { describeConformance } from './conformance';

describeConformance('cpu', () => new CpuBackend(), { rtol: 1e-6, atol: 1e-6 });
