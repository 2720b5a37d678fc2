// The run-folder reader (harness/results/load.ts) throws it, so it lives with the reader.
export { ReportInputError } from '../harness/results/errors.ts';
