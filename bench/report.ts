import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import type { Summary } from './stats.js';

/** One line of the printed table. */
export interface Row {
  /** The scenario number (1–5). */
  scenario: number;
  measure: string;
  /** Our value: a median with its min–max over rounds, or a count. */
  ours: string;
  /** What it is compared with, named. */
  reference?: string;
  /** ours / reference (or the value a goal is stated on), with the per-round min–max when paired. */
  ratio?: string;
  goal?: string;
  met?: boolean;
  /** A caveat, printed as a numbered note under the table. */
  note?: string;
}

/** What one scenario returns: table rows, and everything it measured for results.json. */
export interface ScenarioResult {
  id: number;
  title: string;
  rows: Row[];
  data: unknown;
}

/** `median (min–max)` with `digits` decimals. */
export function formatSummary(summary: Summary, digits = 0, unit = ''): string {
  const f = (n: number) => n.toFixed(digits);
  const spread = summary.values.length > 1 ? ` (${f(summary.min)}–${f(summary.max)})` : '';
  return `${f(summary.median)}${unit}${spread}`;
}

/** A ratio of medians, and the spread of the per-round ratios when the rounds were paired. */
export function formatRatio(ratio: number, perRound?: Summary): string {
  const spread =
    perRound && perRound.values.length > 1 ? ` (${perRound.min.toFixed(2)}–${perRound.max.toFixed(2)})` : '';
  return `${ratio.toFixed(2)}${spread}`;
}

/** The table every run prints: one line per measure, ratios next to their goals, notes under it. */
export function renderTable(rows: readonly Row[]): string {
  const header = ['#', 'measure', 'ours: median (min–max)', 'reference', 'ratio (per-round)', 'goal', 'met'];
  const notes: string[] = [];
  const marker = (note: string | undefined) => {
    if (note === undefined) return '';
    if (!notes.includes(note)) notes.push(note);
    return ` [${notes.indexOf(note) + 1}]`;
  };
  const cells = rows.map((r) => [
    String(r.scenario),
    r.measure + marker(r.note),
    r.ours,
    r.reference ?? '',
    r.ratio ?? '',
    r.goal ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...cells.map(line),
    ...(notes.length > 0 ? ['', ...notes.map((note, i) => `[${i + 1}] ${note}`)] : []),
  ].join('\n');
}

/** Writes results.json: the settings, the machine, the table rows and every scenario's raw data. */
export function writeResults(
  file: string,
  results: { settings: unknown; startedAt: string; finishedAt: string; scenarios: ScenarioResult[] },
): void {
  mkdirSync(dirname(file), { recursive: true });
  const document = {
    startedAt: results.startedAt,
    finishedAt: results.finishedAt,
    machine: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      loadAverageAtEnd: loadavg(),
    },
    settings: results.settings,
    table: results.scenarios.flatMap((s) => s.rows),
    scenarios: Object.fromEntries(
      results.scenarios.map((s) => [String(s.id), { title: s.title, rows: s.rows, data: s.data }]),
    ),
  };
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
}
