import { defineTarget } from './lib/define.ts';
import { FLASK, GUNICORN, PYTHON_APP_DIR } from './lib/python.ts';

export default defineTarget({
  name: 'gunicorn-1',
  description: 'gunicorn with 1 sync worker process serving the Flask app',
  groups: ['python'],
  command: ['{python}', '-m', 'gunicorn', '--workers', '1', '--bind', '{host}:{port}', '--config', 'gunicorn_conf.py', 'app:app'],
  cwd: PYTHON_APP_DIR,
  requires: [FLASK, GUNICORN],
  concurrency: () => 1,
});
