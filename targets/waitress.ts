import { defineTarget } from './lib/define.ts';
import { FLASK, PYTHON_APP_DIR, WAITRESS } from './lib/python.ts';

export default defineTarget({
  name: 'waitress',
  description: 'waitress serving the Flask app with `size` threads (its default, 4)',
  groups: ['python'],
  command: ['{python}', '-m', 'waitress', '--host={host}', '--port={port}', '--threads={size}', 'app:app'],
  cwd: PYTHON_APP_DIR,
  requires: [FLASK, WAITRESS],
  defaultSize: 4,
  concurrency: (size) => size,
});
