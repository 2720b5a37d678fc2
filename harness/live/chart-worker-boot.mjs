// The chart thread's entry: a worker thread does not inherit the lab's tsx loader, so it registers
// its own before loading the TypeScript module (chart-worker.ts).
import { register } from 'tsx/esm/api';

register();
await import(new URL('./chart-worker.ts', import.meta.url).href);
