import { defineTarget } from './lib/define.ts';
import { FLASK, PYTHON_APP_DIR } from './lib/python.ts';

export default defineTarget({
  name: 'flask-dev-nothreads',
  description: "Flask's development server with --without-threads: one request at a time, HTTP/1.0 (the original article's debug server)",
  groups: ['python'],
  command: ['{python}', '-m', 'flask', '--app', 'app:app', 'run', '--without-threads', '--host', '{host}', '--port', '{port}'],
  cwd: PYTHON_APP_DIR,
  requires: [FLASK],
  concurrency: () => 1,
});
