import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Deadlines, type Pending } from './deadlines.ts';

/**
 * Handshakes (and their first requests) a preconnect keeps in flight at once: few enough that a
 * burst never fills a server's accept queue (Node's default backlog is 511) nor queues behind a
 * slow one-request-at-a-time server, enough to open thousands to a fast one in a few hundred ms
 * (3,770 to fastify-hello in 0.4 s; docs/knee.md).
 */
export const PRECONNECT_BURST = 8;

/**
 * The lab's own HTTP/1.1 client: one request at a time per keep-alive connection, the request
 * written as one prebuilt buffer, the response read for its status and framing only
 * (Content-Length, chunked, or until close) with no header objects, no streams and no copies.
 * Like autocannon's, it writes the next request in the same loop turn the last answer arrived;
 * undici waits a turn (setImmediate) before reusing a socket. bench/README.md has the figures.
 *
 * Errors keep the codes `classifyError` reads: a socket's own (ECONNREFUSED, ECONNRESET, EPIPE),
 * LOADLAB_SOCKET_CLOSED (the server closed mid-response: reset), LOADLAB_PROTOCOL (not HTTP/1.x: other).
 */
export class H1Pool {
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private readonly idle: Conn[] = [];
  private readonly conns = new Set<Conn>();
  private readonly waiting: H1Request[] = [];
  private waitingHead = 0;
  private readonly bytes = new Map<string, Buffer>();
  private last: { method: string; path: string; close: boolean; bytes: Buffer } = { method: '', path: '', close: false, bytes: Buffer.alloc(0) };
  private destroyed = false;

  /** `connections`: most sockets open at once; requests beyond them wait for a free one. */
  constructor(origin: string, private readonly connections = 1) {
    const url = new URL(origin);
    if (url.protocol !== 'http:') throw new Error(`H1Pool: only http: origins, got ${url.protocol}`);
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port || 80);
    this.hostHeader = url.host;
  }

  /** Resolves with the status once the whole response has arrived; `close` asks for a new connection afterwards. */
  request(method: string, path: string, close: boolean, timeoutMs: number, deadlines: Deadlines<Pending>): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const req = new H1Request(this.requestBytes(method, path, close), method === 'HEAD', close, timeoutMs, resolve, reject, deadlines);
      deadlines.add(req);
      if (this.destroyed) return req.fail(new PoolDestroyedError('the connection pool was closed'));
      const conn = this.idle.pop() ?? (this.conns.size < this.connections ? this.open() : null);
      if (conn) conn.start(req);
      else this.waiting.push(req);
    });
  }

  /**
   * Open up to `n` more connections before they are needed, each confirmed by one request
   * (`method path`; its answer read for its framing only, as any other), at most `burst` at a
   * time, starting new ones only for `withinMs`; resolves when those started have been answered
   * (or failed, or hit `timeoutMs`), with how many are open and idle. A connection is only open
   * once the server has answered on it: a server that handles one connection at a time (gunicorn's
   * sync worker, Flask's one-thread server) would otherwise block on an idle one it accepted; if it
   * closes after the answer, the connection is reopened on first use, as without preconnect.
   */
  async preconnect(n: number, method: string, path: string, withinMs: number, timeoutMs: number, burst = PRECONNECT_BURST): Promise<number> {
    const deadlines = new Deadlines<Pending>();
    const bytes = this.requestBytes(method, path, false);
    const end = performance.now() + withinMs;
    let started = 0;
    // A server that closed a confirmed connection (no keep-alive) gains nothing from more.
    let kept = true;
    const one = () => new Promise<boolean>((done) => {
      const conn = this.open();
      const req = new H1Request(bytes, method === 'HEAD', false, timeoutMs, () => done(conn.connected), () => done(false), deadlines);
      deadlines.add(req);
      conn.start(req);
    });
    await Promise.all(Array.from({ length: Math.max(0, Math.min(burst, n)) }, async () => {
      while (kept && started < n && this.conns.size < this.connections && performance.now() < end && !this.destroyed) {
        started++;
        kept = await one();
      }
    }));
    return this.idle.filter((c) => c.connected).length;
  }

  /** Close every connection; requests still waiting or in flight fail. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    const err = new PoolDestroyedError('the connection pool was closed');
    for (let i = this.waitingHead; i < this.waiting.length; i++) this.waiting[i]!.fail(err);
    this.waiting.length = 0;
    this.waitingHead = 0;
    for (const c of [...this.conns]) c.destroy(err);
    this.idle.length = 0;
  }

  /** The drivers close after every request settled: the same as destroy. */
  close(): Promise<void> {
    return this.destroy();
  }

  /** A connection is free again: it takes the next request waiting, or goes idle. */
  release(conn: Conn): void {
    if (this.destroyed) return conn.destroy(null);
    while (this.waitingHead < this.waiting.length) {
      const next = this.waiting[this.waitingHead]!;
      this.waiting[this.waitingHead++] = undefined as unknown as H1Request;
      if (this.waitingHead === this.waiting.length) {
        this.waiting.length = 0;
        this.waitingHead = 0;
      }
      if (!next.settled) return conn.start(next);
    }
    this.idle.push(conn);
  }

  forget(conn: Conn): void {
    this.conns.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
  }

  /**
   * `onread`: the socket reads into one buffer shared by every connection and hands it to
   * `onData` directly, with no Buffer allocated and no stream event per read; `onData` parses
   * each read before the next one can land, and copies the rare head that straddles two reads.
   */
  connect(onData: (chunk: Buffer) => void): net.Socket {
    return net.connect({ host: this.host, port: this.port, noDelay: true, onread: { buffer: READ_BUFFER, callback: (n) => { onData(READ_BUFFER.subarray(0, n)); return true; } } });
  }

  private open(): Conn {
    const conn = new Conn(this);
    this.conns.add(conn);
    return conn;
  }

  private requestBytes(method: string, path: string, close: boolean): Buffer {
    // A user repeats its task: the last request's bytes, without building a key.
    if (method === this.last.method && path === this.last.path && close === this.last.close) return this.last.bytes;
    const key = `${close ? 'c' : 'k'}${method} ${path}`;
    let b = this.bytes.get(key);
    if (!b) {
      // No body is ever sent; POST and PUT say so, as undici does. HTTP/1.1 is keep-alive unless
      // told otherwise: no `connection: keep-alive` header for the server to parse (autocannon sends one).
      const length = method === 'POST' || method === 'PUT' ? 'content-length: 0\r\n' : '';
      b = Buffer.from(`${method} ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\n${close ? 'connection: close\r\n' : ''}${length}\r\n`, 'latin1');
      this.bytes.set(key, b);
    }
    this.last = { method, path, close, bytes: b };
    return b;
  }
}

/** One request: its bytes, its deadline, its promise. */
class H1Request implements Pending {
  readonly deadline: number;
  settled = false;
  conn: Conn | null = null;

  constructor(
    readonly bytes: Buffer,
    readonly head: boolean,
    readonly close: boolean,
    readonly timeoutMs: number,
    private readonly resolve: (status: number) => void,
    private readonly reject: (err: Error) => void,
    private readonly deadlines: Deadlines<Pending>,
  ) {
    this.deadline = performance.now() + timeoutMs;
  }

  /** From outside (deadline, cut): reject and close its connection. */
  fail(err: Error): void {
    if (this.settled) return;
    this.settle();
    this.reject(err);
    this.conn?.abandon(err);
  }

  /** From its connection. */
  done(status: number | Error): void {
    if (this.settled) return;
    this.settle();
    if (typeof status === 'number') this.resolve(status);
    else this.reject(status);
  }

  private settle(): void {
    this.settled = true;
    this.deadlines.delete(this);
  }
}

/** Every connection's reads land here in turn (see H1Pool.connect). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const CR = 13;
const LF = 10;
const END_OF_HEAD = Buffer.from('\r\n\r\n', 'latin1');
const MAX_HEAD = 64 * 1024;

/** What the connection is reading next. */
const Read = { Head: 0, Fixed: 1, UntilClose: 2, ChunkSize: 3, ChunkData: 4, ChunkEnd: 5, Trailer: 6 } as const;
type Read = (typeof Read)[keyof typeof Read];

/** One keep-alive socket (opened on first use, reopened after a close) and the response it is reading. */
class Conn {
  private socket: net.Socket | null = null;
  private req: H1Request | null = null;
  private read: Read = Read.Head;
  private partial: Buffer | null = null;
  private status = 0;
  private remaining = 0;
  private keepAlive = true;
  private sizeDone = false;
  private sawDigit = false;
  private lineLength = 0;

  constructor(private readonly pool: H1Pool) {}

  /** A socket is open (a closed one is reopened on the next start). */
  get connected(): boolean {
    return this.socket !== null;
  }

  start(req: H1Request): void {
    this.req = req;
    req.conn = this;
    this.read = Read.Head;
    this.partial = null;
    (this.socket ?? this.connect()).write(req.bytes);
  }

  /** The request gave up (deadline, cut): this socket's state is unknown, so it is closed. */
  abandon(_err: Error): void {
    this.req = null;
    this.drop();
    this.pool.release(this);
  }

  destroy(err: Error | null): void {
    const req = this.req;
    this.req = null;
    this.drop();
    this.pool.forget(this);
    if (req && err) req.done(err);
  }

  private drop(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private connect(): net.Socket {
    const s = this.pool.connect((b) => { if (s === this.socket) this.onData(b); });
    this.socket = s;
    s.on('error', (err: Error) => { if (s === this.socket) this.onEnd(err); });
    s.on('close', () => { if (s === this.socket) this.onEnd(null); });
    return s;
  }

  /** The socket failed or closed: the request on it (if any) ends with it. */
  private onEnd(err: Error | null): void {
    this.socket = null;
    const req = this.req;
    if (!req) return;
    this.req = null;
    if (!err && this.read === Read.UntilClose) req.done(this.status);
    else req.done(err ?? new SocketClosedError('other side closed before the response was complete'));
    this.pool.release(this);
  }

  private protocolError(what: string): void {
    const req = this.req;
    this.req = null;
    this.drop();
    req?.done(new ProtocolError(`not an HTTP/1.x response: ${what}`));
    this.pool.release(this);
  }

  private onData(chunk: Buffer): void {
    let buf = chunk;
    let off = 0;
    while (off < buf.length) {
      if (!this.req) return this.protocolError('bytes with no request outstanding');
      switch (this.read) {
        case Read.Head: {
          if (this.partial) {
            buf = Buffer.concat([this.partial, buf.subarray(off)]);
            off = 0;
            this.partial = null;
          }
          const end = buf.indexOf(END_OF_HEAD, off);
          if (end < 0) {
            if (buf.length - off > MAX_HEAD) return this.protocolError(`head over ${MAX_HEAD} bytes`);
            // A copy: the read buffer is reused by the next read.
            this.partial = Buffer.from(buf.subarray(off));
            return;
          }
          if (!this.parseHead(buf, off, end)) return;
          off = end + 4;
          if (this.read === Read.Head) continue; // 1xx: the real head follows
          if (this.read === Read.Fixed && this.remaining === 0) {
            if (!this.complete(buf.length - off)) return;
          }
          break;
        }
        case Read.Fixed:
        case Read.ChunkData: {
          const take = Math.min(this.remaining, buf.length - off);
          off += take;
          this.remaining -= take;
          if (this.remaining > 0) return;
          if (this.read === Read.ChunkData) {
            this.read = Read.ChunkEnd;
            this.remaining = 2;
          } else if (!this.complete(buf.length - off)) return;
          break;
        }
        case Read.UntilClose:
          return;
        case Read.ChunkEnd:
          off++;
          if (--this.remaining === 0) this.startChunkSize();
          break;
        case Read.ChunkSize: {
          const c = buf[off++]!;
          if (this.sizeDone) {
            if (c === LF) {
              if (this.remaining === 0) {
                this.read = Read.Trailer;
                this.lineLength = 0;
              } else this.read = Read.ChunkData;
            }
          } else {
            const v = hex(c);
            if (v >= 0) {
              this.remaining = this.remaining * 16 + v;
              this.sawDigit = true;
              if (this.remaining > Number.MAX_SAFE_INTEGER / 32) return this.protocolError('chunk size too large');
            } else if (this.sawDigit && (c === CR || c === 0x3b || c === 0x20 || c === 0x09)) this.sizeDone = true;
            else return this.protocolError('bad chunk size');
          }
          break;
        }
        case Read.Trailer: {
          const c = buf[off++]!;
          if (c === LF) {
            if (this.lineLength === 0) {
              if (!this.complete(buf.length - off)) return;
            } else this.lineLength = 0;
          } else if (c !== CR) this.lineLength++;
          break;
        }
      }
    }
  }

  private startChunkSize(): void {
    this.read = Read.ChunkSize;
    this.remaining = 0;
    this.sizeDone = false;
    this.sawDigit = false;
  }

  /** Status line and the three headers that frame the body; false after a protocol error. */
  private parseHead(buf: Buffer, start: number, end: number): boolean {
    // "HTTP/1.x NNN"
    if (end - start < 12 || buf[start] !== 0x48 || buf[start + 4] !== 0x2f || buf[start + 5] !== 0x31 || buf[start + 6] !== 0x2e) {
      this.protocolError(JSON.stringify(buf.toString('latin1', start, Math.min(end, start + 40))));
      return false;
    }
    const http10 = buf[start + 7] === 0x30;
    const status = digit(buf[start + 9]!) * 100 + digit(buf[start + 10]!) * 10 + digit(buf[start + 11]!);
    if (!(status >= 100 && status <= 999)) {
      this.protocolError('bad status code');
      return false;
    }
    let length = -1;
    let chunked = false;
    let close = http10;
    let line = buf.indexOf(LF, start) + 1;
    while (line > 0 && line < end) {
      const eol = buf.indexOf(CR, line);
      const stop = eol < 0 || eol > end ? end : eol;
      const c = buf[line]! | 0x20;
      if (c === 0x63 /* c */ || c === 0x74 /* t */) {
        const colon = buf.indexOf(0x3a, line);
        // Names compared byte by byte: no string per header line, only per value read.
        if (colon > 0 && colon < stop) {
          if (bytesAre(buf, line, colon, 'content-length')) length = Number(buf.toString('latin1', colon + 1, stop).trim());
          else if (bytesAre(buf, line, colon, 'transfer-encoding')) chunked = /chunked\s*$/i.test(buf.toString('latin1', colon + 1, stop));
          else if (bytesAre(buf, line, colon, 'connection')) {
            let from = colon + 1;
            let to = stop;
            while (from < to && (buf[from] === 0x20 || buf[from] === 0x09)) from++;
            while (to > from && (buf[to - 1] === 0x20 || buf[to - 1] === 0x09)) to--;
            if (bytesAre(buf, from, to, 'keep-alive')) close = false;
            else {
              const v = buf.toString('latin1', from, to).toLowerCase();
              if (v.includes('close')) close = true;
              else if (v.includes('keep-alive')) close = false;
            }
          }
        }
      }
      line = stop + 2;
    }
    if (status < 200 && status !== 101) return true; // 1xx: informational, keep reading heads
    if (status === 101) {
      this.protocolError('101 Switching Protocols was not asked for');
      return false;
    }
    this.status = status;
    this.keepAlive = !close && !this.req!.close;
    if (this.req!.head || status === 204 || status === 304) {
      this.read = Read.Fixed;
      this.remaining = 0;
    } else if (chunked) this.startChunkSize();
    else if (length >= 0 && Number.isSafeInteger(length)) {
      this.read = Read.Fixed;
      this.remaining = length;
    } else if (length === -1) {
      this.read = Read.UntilClose;
      this.keepAlive = false;
    } else {
      this.protocolError('bad content-length');
      return false;
    }
    return true;
  }

  /** The response is whole: settle it, then reuse or close the socket. False if bytes followed it. */
  private complete(left: number): boolean {
    const req = this.req!;
    this.req = null;
    const reuse = this.keepAlive && left === 0;
    if (!reuse) this.drop();
    req.done(this.status);
    this.pool.release(this);
    return reuse;
  }
}

/** buf[from, to) is `lower` (lower-case ASCII), in any case. In a header name, only letters and `-` compare equal. */
function bytesAre(buf: Buffer, from: number, to: number, lower: string): boolean {
  if (to - from !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) if ((buf[from + i]! | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

const digit = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : NaN);

function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** The server closed the connection before the response was complete (classified as a reset). */
export class SocketClosedError extends Error {
  readonly code = 'LOADLAB_SOCKET_CLOSED';
}

/** The response was not HTTP/1.x (classified as other). */
export class ProtocolError extends Error {
  readonly code = 'LOADLAB_PROTOCOL';
}

/** The pool was closed with the request still waiting or in flight. */
export class PoolDestroyedError extends Error {
  readonly code = 'LOADLAB_DESTROYED';
}
