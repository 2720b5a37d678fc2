import { defineTarget } from './lib/define.ts';
import { FLASK, GUNICORN, PYTHON_APP_DIR } from './lib/python.ts';

export default defineTarget({
  name: 'gunicorn-4',
  description: 'gunicorn with `size` sync worker processes (default 4) serving the Flask app',
  groups: ['python'],
  command: ['{python}', '-m', 'gunicorn', '--workers', '{size}', '--bind', '{host}:{port}', '--config', 'gunicorn_conf.py', 'app:app'],
  cwd: PYTHON_APP_DIR,
  requires: [FLASK, GUNICORN],
  defaultSize: 4,
  concurrency: (size) => size,
});
