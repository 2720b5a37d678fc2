import { z } from 'zod';
import { ERROR_KINDS } from '../results/format.ts';

/*
 * The live page's event stream (server-sent events): a `status` message about once a second
 * while the run goes on, then one `end`. Each message is the whole picture, not a delta, so a
 * page opened late (or reconnected) is right from its first message.
 */

const ms = z.number().nonnegative().nullable();

export const chartSchema = z.object({
  /** The report's chart id (reports/charts/*), so the live chart and the report's are the same chart. */
  id: z.string().min(1),
  title: z.string(),
  caption: z.string(),
  /** The vega-lite spec the report's builder made from the data so far; null: no data yet. */
  spec: z.record(z.unknown()).nullable(),
});

/** summary.json's validity verdict (harness/analysis/validity.ts): valid, or suspect with one line per failed check. */
export const validitySchema = z.object({ verdict: z.enum(['valid', 'suspect']), why: z.array(z.string()) });

/** One threshold's outcome for one target, as summary.json `thresholds` has it (docs/thresholds.md). */
export const thresholdLineSchema = z.object({
  target: z.string(),
  expression: z.string(),
  status: z.enum(['pass', 'fail', 'skipped']),
  message: z.string(),
});

export const doneTargetSchema = z.object({
  name: z.string(),
  state: z.enum(['ok', 'failed', 'interrupted', 'skipped']),
  /** summary.json's verdict, once written. */
  status: z.string().nullable(),
  verdict: z.string().nullable(),
  /** Its validity verdict, once summary.json has it; null for a target that did not finish (or before it is written). */
  validity: validitySchema.nullable(),
  /** Its files, relative to the run folder ('/'-separated), served under /run/. */
  files: z.array(z.object({ path: z.string(), bytes: z.number().int().nonnegative() })),
});

export const statusSchema = z.object({
  type: z.literal('status'),
  runDir: z.string(),
  profile: z.object({ name: z.string(), model: z.enum(['closed', 'open']), duration: z.number().positive(), stageCount: z.number().int().positive() }),
  /** The target being driven; null between targets. */
  current: z.object({
    name: z.string(),
    index: z.number().int().nonnegative(),
    count: z.number().int().positive(),
    /** starting: started, warming up (not recorded); running: the profile is being driven. */
    phase: z.enum(['starting', 'running']),
    /** 0-based stage index; null before the first recorded second. */
    stage: z.number().int().nonnegative().nullable(),
    /** Users (closed model) or scheduled arrivals per second (open model) in the last second. */
    load: z.number().nonnegative().nullable(),
    /** Seconds of the profile done, and its length. */
    elapsed: z.number().nonnegative(),
    total: z.number().positive(),
  }).nullable(),
  /** The last recorded second of the current target. */
  latest: z.object({
    t: z.number().int().nonnegative(),
    p50: ms, p95: ms, p99: ms,
    rps: z.number().nonnegative(),
    errors: z.object(Object.fromEntries(ERROR_KINDS.map((k) => [k, z.number().nonnegative()])) as Record<(typeof ERROR_KINDS)[number], z.ZodNumber>),
    errorsTotal: z.number().nonnegative(),
  }).nullable(),
  /** The last saturation sample of the current target (saturation.json's row). */
  saturation: z.object({
    cpuPct: z.number().nullable(), rssMb: z.number().nullable(),
    genCpuPct: z.number().nullable(), genEldP99Ms: z.number().nullable(),
  }).nullable(),
  done: z.array(doneTargetSchema),
  charts: z.array(chartSchema),
});

export const endSchema = z.object({
  type: z.literal('end'),
  /** False when the run was stopped (Ctrl-C or the Stop button): results so far only. */
  complete: z.boolean(),
  /** report.html relative to the run folder, null when it could not be written. */
  report: z.string().nullable(),
  /** Where the report is on disk, for after the live page has gone. */
  reportFile: z.string().nullable(),
  /** The run's validity verdict (summary.json); null when it has none (no target finished). */
  validity: validitySchema.nullable(),
  /** The thresholds' outcomes (summary.json); empty when the run had none. */
  thresholds: z.array(thresholdLineSchema),
});

export const liveMessageSchema = z.discriminatedUnion('type', [statusSchema, endSchema]);

export type LiveChart = z.infer<typeof chartSchema>;
export type DoneTarget = z.infer<typeof doneTargetSchema>;
export type StatusMessage = z.infer<typeof statusSchema>;
export type EndMessage = z.infer<typeof endSchema>;
export type LiveValidity = z.infer<typeof validitySchema>;
export type ThresholdLine = z.infer<typeof thresholdLineSchema>;
export type LiveMessage = z.infer<typeof liveMessageSchema>;

/** One server-sent event: the event name is the message type, the data its JSON (one line). */
export function sseFrame(m: LiveMessage): string {
  return `event: ${m.type}\ndata: ${JSON.stringify(m)}\n\n`;
}

/**
 * A status frame whose charts come already as JSON (from the chart thread): the lab's thread
 * does not parse or re-serialize them. `m.charts` is ignored.
 */
export function statusFrame(m: StatusMessage, chartsJson: string): string {
  const head = JSON.stringify({ ...m, charts: undefined });
  return `event: status\ndata: ${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"charts":${chartsJson}}\n\n`;
}
