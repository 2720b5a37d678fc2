import type { Requirement } from './define.ts';

/** The Python app every Python target serves (targets/python/app.py) needs Flask, whatever serves it. */
export const FLASK: Requirement = { python: 'flask', install: 'apt-get install -y python3-flask' };
export const WAITRESS: Requirement = { python: 'waitress', install: 'apt-get install -y python3-waitress' };
export const GUNICORN: Requirement = { python: 'gunicorn', install: 'apt-get install -y gunicorn' };
/** Where app.py lives, relative to a target file; its folder is the command's cwd so `app:app` imports. */
export const PYTHON_APP_DIR = 'python';
