import type { ChartSection } from './common.ts';
import { errorsSection } from './errors.ts';
import { kneeSection } from './knee.ts';
import { latencySection } from './latency.ts';
import { loadSection } from './load.ts';
import { saturationSection } from './saturation.ts';
import { spectrumSection, stageSpectrumSection } from './spectrum.ts';
import { stageP95Section } from './stage-p95.ts';
import { throughputSection } from './throughput.ts';

/** Page order: the story first (where latency broke and why), then the detail. A new chart is one entry. */
export const CHART_SECTIONS: readonly ChartSection[] = [
  stageP95Section,
  kneeSection,
  latencySection,
  throughputSection,
  loadSection,
  errorsSection,
  spectrumSection,
  stageSpectrumSection,
  saturationSection,
];
