/** Input the report cannot be built from (not a run folder, unreadable manifest, …). */
export class ReportInputError extends Error {
  readonly code: 'E_NOT_RUN_DIR' | 'E_BAD_MANIFEST' | 'E_NOT_RESULTS_ROOT';
  constructor(code: ReportInputError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReportInputError';
    this.code = code;
  }
}
