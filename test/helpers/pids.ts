import { setTimeout as delay } from 'node:timers/promises';

/**
 * True once `process.kill(pid, 0)` throws. Orphans (e.g. cluster workers whose primary died
 * first) are reaped by init, not by us, so a zombie may linger a moment after it died.
 */
export async function gone(pid: number, withinMs = 3000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    if (Date.now() >= deadline) return false;
    await delay(25);
  }
}
