import { defineTarget } from './lib/define.ts';
import { FLASK, PYTHON_APP_DIR } from './lib/python.ts';

export default defineTarget({
  name: 'flask-dev',
  description: "Flask's development server as it runs by default: a new thread per connection, no fixed limit",
  groups: ['python'],
  command: ['{python}', '-m', 'flask', '--app', 'app:app', 'run', '--host', '{host}', '--port', '{port}'],
  cwd: PYTHON_APP_DIR,
  requires: [FLASK],
  // A thread per connection: as many requests at once as there are clients (recorded as 0, no declared bound).
  concurrency: () => Infinity,
});
