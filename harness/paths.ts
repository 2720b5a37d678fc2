import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: targets/, profiles/ and results/ are found from here. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
