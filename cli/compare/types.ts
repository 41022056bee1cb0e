/** Shared shapes of the `rnn compare` pipeline: original cells, ported cells, checks, results. */
import type { PlotData } from '../../src/notebook';
import type { NotebookCell } from '../../notebooks-ported/original/parse';

export type { NotebookCell, PlotData };

/** What one ported cell did during its section script's run. */
export interface PortedCell {
  id: string;
  section: string;
  /** The script called In(id). */
  reached: boolean;
  /** The cell's code finished: a later In() followed, or the script exited with code 0. */
  completed: boolean;
  /** stdout between In(id) and the next In(), markers removed. */
  output: string;
  /** metric() calls in call order; repeated names form a series. */
  metrics: Record<string, number[]>;
  plots: PlotData[];
  /** Lines of the section script between In(id) and the next In(). */
  code: string;
  /** Why the script stopped inside this cell (stderr tail, exit code), when it did. */
  error?: string;
}

export interface CheckContext {
  id: string;
  original: NotebookCell;
  ported: PortedCell;
  /** Other cells, for checks that relate two cells (In [26]'s state vs In [25]'s outputs). */
  originalCell(id: string): NotebookCell | undefined;
  portedCell(id: string): PortedCell | undefined;
}

export interface CheckOutcome {
  ok: boolean;
  /** What was measured, e.g. "original (4, 5), (4, 5); ported (4, 5), (4, 5)". */
  detail: string;
}

export interface Check {
  /** Short stable name shown in the terminal and used as data-check in the HTML. */
  name: string;
  /** One human sentence: what passing means. */
  description: string;
  run(ctx: CheckContext): CheckOutcome;
}

export interface CellSpec {
  checks: Check[];
  /** Plots derived from the outputs (training curves), drawn beside the script's own plot() calls. */
  plots?: (ctx: CheckContext) => PlotData[];
}

/** Keyed by cell id (`In [4]`, `In [None]#2`); every code cell of the notebook has an entry. */
export type CheckTable = Readonly<Record<string, CellSpec>>;

export interface CheckResult extends CheckOutcome {
  name: string;
  description: string;
}

export interface CellResult {
  id: string;
  section: string;
  original: NotebookCell;
  ported: PortedCell;
  checks: CheckResult[];
  ok: boolean;
  plots: PlotData[];
}

export interface ScriptOutcome {
  stdout: string;
  stderr: string;
  /** Exit code; null when killed by a signal. */
  code: number | null;
}

/** Runs one section script; injected so tests can hand back canned output. */
export type ScriptRunner = (file: string, args: string[], env: NodeJS.ProcessEnv) => Promise<ScriptOutcome>;

export interface SectionRun {
  section: string;
  /** Absolute path of notebooks-ported/<section>.ts. */
  script: string;
  exists: boolean;
  code: number | null;
  stderr: string;
  /** stdout printed before the first In() (should be empty). */
  preamble: string;
  /** Script lines before the first In(): imports and helpers. */
  preambleCode: string;
  /** Cell ids the script entered, first entry order. */
  entered: string[];
  durationMs: number;
  /** In() ids that name no cell of the notebook, and markers that did not parse. */
  problems: string[];
}

export interface CompareResult {
  sections: SectionRun[];
  /** Code cells of the selected sections, in notebook order. */
  cells: CellResult[];
  /** Markdown cells of the selected sections, for the HTML report's reading flow. */
  markdown: NotebookCell[];
  /** All selected cells (markdown and code) in notebook order, by id. */
  order: string[];
  passed: number;
  failed: number;
}
