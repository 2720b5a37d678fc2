// A generator thread's entry: a worker thread does not inherit the lab's tsx loader, so it
// registers its own before loading the TypeScript module (thread.ts).
import { register } from 'tsx/esm/api';

register();
await import(new URL('./thread.ts', import.meta.url).href);
