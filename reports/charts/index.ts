import type { ChartSection } from './common.ts';
import { errorsSection } from './errors.ts';
import { fairnessSection } from './fairness.ts';
import { kneeSection } from './knee.ts';
import { latencySection } from './latency.ts';
import { loadSection } from './load.ts';
import { capacityChart, kneeSearchChart, spreadChart } from './modes.ts';
import { saturationSection } from './saturation.ts';
import { spectrumSection, stageSpectrumSection } from './spectrum.ts';
import { stageP95Section } from './stage-p95.ts';
import { throughputSection } from './throughput.ts';

/**
 * Every chart of the report, in page order within its place (ChartSection.place): the story first
 * (where latency broke and why), then the detail. The one registry: a new chart is a module
 * exporting a ChartSection plus its line here; the page sections draw what is listed for them.
 */
export const CHART_SECTIONS: readonly ChartSection[] = [
  spreadChart,
  capacityChart,
  kneeSearchChart,
  stageP95Section,
  kneeSection,
  latencySection,
  throughputSection,
  loadSection,
  errorsSection,
  spectrumSection,
  stageSpectrumSection,
  saturationSection,
  fairnessSection,
];
