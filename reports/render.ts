import path from 'node:path';
import { vegaScripts } from './assets.ts';
import { html } from './html.ts';
import { loadRun } from '../harness/results/load.ts';
import { writeFileAtomic } from '../harness/results/atomic.ts';
import type { RunData } from '../harness/results/run-data.ts';
import { page } from './page.ts';
import { chartsSection } from './sections/charts.ts';
import { failuresSection } from './sections/failures.ts';
import { fairnessSection } from './sections/fairness.ts';
import { filesSection } from './sections/files.ts';
import { headlineSection } from './sections/headline.ts';
import { incompleteBanner, problemsBox, runInfoSection } from './sections/run-info.ts';
import { capacitySection, kneeSearchSection, spreadSection } from './sections/modes.ts';
import { stageTablesSection } from './sections/stage-table.ts';
import { thresholdOutcomes, thresholdsSection } from './sections/thresholds.ts';
import { crossCheckSection } from './sections/cross-check.ts';

export const REPORT_FILE = 'report.html';

/** The page for an already loaded run; pure apart from the inlined vega builds. */
export function reportHtml(run: RunData, scripts: string[]): string {
  const m = run.manifest;
  const profile = run.kind === 'profile';
  const failures = failuresSection(run);
  const links: [string, string, boolean][] = [
    ['headline', 'Finding', true], ['thresholds', 'Thresholds', thresholdOutcomes(run).length > 0], ['spread', 'Spread', Boolean(run.spread)], ['capacity', 'Capacity', Boolean(run.capacity)],
    ['knee', 'Knee', Boolean(run.knee)], ['charts', 'Charts', profile], ['fairness', 'Fairness', profile], ['stages', 'Per stage', profile],
    ['failures', 'Errors', failures.value !== ''], ['run', 'The run', true], ['files', 'Raw data', true],
  ];
  const sub = run.hasManifest
    ? html`Run ${m.runId} · started ${m.startedAt} · ${m.cores} cores · Node ${m.node}`
    : html`Run ${m.runId} · no manifest.json: start time, machine and Node version not recorded`;
  const body = html`<h1>loadlab: ${run.profile.name} <span class="muted">· work ${m.work}</span></h1>
<p class="sub">${sub}</p>
<nav>${links.filter(([, , on]) => on).map(([id, text]) => html`<a href="#${id}">${text}</a>`)}</nav>
${incompleteBanner(run)}
${headlineSection(run)}
${thresholdsSection(run)}
${problemsBox(run)}
${spreadSection(run)}
${capacitySection(run)}
${kneeSearchSection(run)}
${chartsSection(run)}
${fairnessSection(run)}
${stageTablesSection(run)}
${crossCheckSection(run)}
${failures}
${runInfoSection(run)}
${filesSection(run)}`;
  return page({ title: `loadlab report: ${run.profile.name} (${m.runId})`, body, scripts });
}

/** Self-contained HTML report of a run folder, built from its files only. Same folder → same bytes. */
export async function renderReport(runDir: string): Promise<string> {
  const [run, scripts] = await Promise.all([loadRun(runDir), vegaScripts()]);
  return reportHtml(run, scripts);
}

/** Write RUN_DIR/report.html atomically (a reader never sees half a page) and return its path. */
export async function writeReport(runDir: string): Promise<string> {
  const htmlText = await renderReport(runDir);
  const file = path.join(path.resolve(runDir), REPORT_FILE);
  await writeFileAtomic(file, htmlText);
  return file;
}
