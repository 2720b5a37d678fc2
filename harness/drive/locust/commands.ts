/** The master's and a worker's command lines; the export bundle's README prints the same ones. */
export interface LocustCommandOptions {
  python: string;
  locustfile: string;
  origin: string;
  workers: number;
  /** The master's port for its workers (a shell variable in the bundle's scripts). */
  port: number | string;
  /** Prefix of Locust's CSV files. */
  csv: string;
  /** Seconds a stopping user may finish its request (Locust's --stop-timeout). */
  stopTimeoutS: number;
  /** Address the master listens on for workers. @default 127.0.0.1 (loopback only) */
  bindHost?: string;
  /** Address the workers reach the master at. @default 127.0.0.1 */
  masterHost?: string;
}

export function locustArgv(o: LocustCommandOptions): { master: string[]; worker: string[] } {
  return {
    master: [o.python, '-m', 'locust', '-f', o.locustfile, '--master', '--headless', '--expect-workers', String(o.workers),
      '--master-bind-host', o.bindHost ?? '127.0.0.1', '--master-bind-port', String(o.port), '--host', o.origin,
      '--csv', o.csv, '--csv-full-history', '--stop-timeout', String(o.stopTimeoutS), '--exit-code-on-error', '0', '--only-summary'],
    worker: [o.python, '-m', 'locust', '-f', o.locustfile, '--worker', '--master-host', o.masterHost ?? '127.0.0.1', '--master-port', String(o.port)],
  };
}
