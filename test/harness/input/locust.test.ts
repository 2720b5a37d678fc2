import { describe, expect, it } from 'vitest';
import { findLocust, LOCUST_INSTALL } from '../../../harness/input/locust.ts';
import { LabError } from '../../../harness/errors.ts';

describe('findLocust', () => {
  it('finds Debian\'s python3-locust', async () => {
    expect((await findLocust(['/usr/bin/python3'])).python).toBe('/usr/bin/python3');
  });

  it('missing: one line with the install command, as BAD_INPUT (exit 2)', async () => {
    // node is no Python: it cannot import locust, like an interpreter without the package.
    const err = await findLocust([process.execPath]).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).code).toBe('BAD_INPUT');
    expect((err as LabError).message).toContain(LOCUST_INSTALL);
    expect((err as LabError).message).not.toContain('\n');
  });
});
