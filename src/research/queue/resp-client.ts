/**
 * A small Redis connection speaking RESP2 over TCP or TLS. BullMQ needs a Redis driver, and neither of the
 * ones it usually takes (ioredis, node-redis) is a dependency of rrr: BullMQ ships a driver-neutral adapter
 * (written for Bun's RedisClient) that needs only connect/send/close/duplicate and three callbacks, which is
 * what this class offers. Reconnection, scripts, pipelines and blocking connections are the adapter's work.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { RedisTarget } from './url.js';

/** A reply error from Redis ("ERR ...", "NOSCRIPT ...", "WRONGPASS ..."). */
export class RedisReplyError extends Error {}

type Reply = string | number | null | Reply[];

interface Pending {
  resolve(value: Reply): void;
  reject(error: Error): void;
}

const INCOMPLETE = Symbol('incomplete');

/** One reply from `buffer` at `offset`: the value and where the next starts, or INCOMPLETE. */
function parse(buffer: Buffer, offset: number): { value: Reply | RedisReplyError; next: number } | typeof INCOMPLETE {
  const end = buffer.indexOf('\r\n', offset);
  if (end < 0) return INCOMPLETE;
  const type = buffer[offset];
  const line = buffer.toString('utf8', offset + 1, end);
  switch (type) {
    case 0x2b: // +
      return { value: line, next: end + 2 };
    case 0x2d: // -
      return { value: new RedisReplyError(line), next: end + 2 };
    case 0x3a: // :
      return { value: Number(line), next: end + 2 };
    case 0x24: {
      // $
      const length = Number(line);
      if (length < 0) return { value: null, next: end + 2 };
      if (buffer.length < end + 2 + length + 2) return INCOMPLETE;
      return { value: buffer.toString('utf8', end + 2, end + 2 + length), next: end + 2 + length + 2 };
    }
    case 0x2a: {
      // *
      const count = Number(line);
      if (count < 0) return { value: null, next: end + 2 };
      const items: Reply[] = [];
      let next = end + 2;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, next);
        if (item === INCOMPLETE) return INCOMPLETE;
        // An error inside an array (EXEC's replies) is kept as a value, as drivers do.
        items.push(item.value as Reply);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new RedisReplyError(`unexpected reply type byte ${type} from Redis`);
  }
}

function encode(command: string, args: readonly unknown[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length + 1}\r\n$${Buffer.byteLength(command)}\r\n${command}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.isBuffer(arg) ? arg : arg instanceof Uint8Array ? Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength) : Buffer.from(arg === undefined || arg === null ? '' : String(arg));
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

export class RespClient {
  connected = false;
  onconnect?: () => void;
  onclose?: (error?: Error) => void;
  onerror?: (error: Error) => void;
  private socket?: Socket;
  private pending: Pending[] = [];
  private input: Buffer = Buffer.alloc(0);
  private closing = false;
  private connecting?: Promise<void>;
  /** Set while AUTH and SELECT run: they go out before the commands waiting for the connection. */
  private handshaking = false;

  constructor(
    readonly target: RedisTarget,
    private readonly options: { connectTimeoutMs?: number; name?: string } = {},
  ) {}

  /** The server, password left out: what BullMQ's adapter may show. */
  get url(): string {
    return this.target.display;
  }

  /** Commands sent while connecting wait for it (BullMQ's adapter sends right after it starts connecting). */
  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    this.closing = false;
    const { host, port, tls, servername } = this.target;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s: Socket = tls ? tlsConnect({ host, port, servername: servername ?? host }) : netConnect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`Connection has failed: no answer from ${host}:${port} within ${this.options.connectTimeoutMs ?? 5000} ms`));
      }, this.options.connectTimeoutMs ?? 5000);
      s.once(tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    this.socket = socket;
    this.input = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.onerror?.(error));
    socket.on('close', () => this.lost());
    this.connected = true;
    this.handshaking = true;
    try {
      if (this.target.password !== undefined) await this.send('AUTH', this.target.username !== undefined ? [this.target.username, this.target.password] : [this.target.password]);
      if (this.target.db !== 0) await this.send('SELECT', [String(this.target.db)]);
      if (this.options.name !== undefined) await this.send('CLIENT', ['SETNAME', this.options.name]);
    } catch (error) {
      this.close();
      throw error;
    } finally {
      this.handshaking = false;
    }
    this.onconnect?.();
  }

  send(command: string, args: readonly unknown[] = []): Promise<Reply> {
    if (this.connecting && !this.handshaking) return this.connecting.then(() => this.send(command, args));
    const socket = this.socket;
    if (!this.connected || !socket) return Promise.reject(new Error('Connection is closed.'));
    return new Promise<Reply>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      socket.write(encode(command, args));
    });
  }

  get(key: string): Promise<string | null> {
    return this.send('GET', [key]) as Promise<string | null>;
  }

  smembers(key: string): Promise<string[]> {
    return this.send('SMEMBERS', [key]) as Promise<string[]>;
  }

  incr(key: string): Promise<number> {
    return this.send('INCR', [key]) as Promise<number>;
  }

  close(): void {
    this.closing = true;
    this.socket?.destroy();
  }

  async duplicate(): Promise<RespClient> {
    return new RespClient(this.target, this.options);
  }

  private receive(chunk: Buffer): void {
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    let offset = 0;
    for (;;) {
      if (offset >= this.input.length) break;
      const reply = parse(this.input, offset);
      if (reply === INCOMPLETE) break;
      offset = reply.next;
      const waiter = this.pending.shift();
      if (!waiter) continue;
      if (reply.value instanceof RedisReplyError) waiter.reject(reply.value);
      else waiter.resolve(reply.value);
    }
    this.input = offset >= this.input.length ? Buffer.alloc(0) : this.input.subarray(offset);
  }

  private lost(): void {
    const wasConnected = this.connected;
    this.connected = false;
    this.socket = undefined;
    const pending = this.pending;
    this.pending = [];
    const error = new Error('Connection closed');
    for (const p of pending) p.reject(error);
    if (wasConnected) this.onclose?.(this.closing ? undefined : error);
  }
}
