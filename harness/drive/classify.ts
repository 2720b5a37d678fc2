import type { ErrorKind } from '../results/format.ts';

const BY_CODE: Record<string, ErrorKind> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  LOADLAB_TIMEOUT: 'timeout',
  LOADLAB_SOCKET_CLOSED: 'reset',
  ETIMEDOUT: 'timeout',
};

/** Map a failed request to the error kinds the results count (undici nests the socket error in `cause`). */
export function classifyError(err: unknown): { kind: ErrorKind; message: string } {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    const kind = (typeof code === 'string' && BY_CODE[code]) || (name === 'TimeoutError' ? 'timeout' : undefined);
    if (kind) return { kind, message: describe(e) };
    e = (e as { cause?: unknown }).cause;
  }
  return { kind: 'other', message: describe(err) };
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}
