/**
 * A minimal pickle writer (protocol 2, the protocol `torch.save` uses): just the opcodes a state
 * dict needs. It writes no memo (every global is written in full), which every unpickler accepts.
 */

/** Builds a pickle stream opcode by opcode. */
export class PickleWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;
  private readonly encoder = new TextEncoder();

  private bytes(...b: number[]): this {
    this.chunks.push(Uint8Array.from(b));
    this.length += b.length;
    return this;
  }

  private raw(b: Uint8Array): this {
    this.chunks.push(b);
    this.length += b.length;
    return this;
  }

  private u32(n: number): number[] {
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  }

  /** PROTO 2 */
  proto(): this {
    return this.bytes(0x80, 2);
  }

  /** GLOBAL `module\nname\n` */
  global(module: string, name: string): this {
    this.bytes(0x63);
    return this.raw(this.encoder.encode(`${module}\n${name}\n`));
  }

  /** MARK */
  mark(): this {
    return this.bytes(0x28);
  }

  /** TUPLE (items since the last MARK) */
  tuple(): this {
    return this.bytes(0x74);
  }

  /** EMPTY_TUPLE */
  emptyTuple(): this {
    return this.bytes(0x29);
  }

  /** EMPTY_DICT */
  emptyDict(): this {
    return this.bytes(0x7d);
  }

  /** SETITEMS (key/value pairs since the last MARK) */
  setItems(): this {
    return this.bytes(0x75);
  }

  /** REDUCE */
  reduce(): this {
    return this.bytes(0x52);
  }

  /** BINPERSID */
  persistentId(): this {
    return this.bytes(0x51);
  }

  /** NEWTRUE / NEWFALSE */
  bool(v: boolean): this {
    return this.bytes(v ? 0x88 : 0x89);
  }

  /** NONE */
  none(): this {
    return this.bytes(0x4e);
  }

  /** BINUNICODE */
  str(s: string): this {
    const b = this.encoder.encode(s);
    this.bytes(0x58, ...this.u32(b.length));
    return this.raw(b);
  }

  /** BININT1 / BININT2 / BININT / LONG1, the shortest that fits. */
  int(n: number): this {
    if (!Number.isSafeInteger(n)) throw new RangeError(`PickleWriter.int: expected a safe integer, got ${n}`);
    if (n >= 0 && n < 256) return this.bytes(0x4b, n);
    if (n >= 0 && n < 65536) return this.bytes(0x4d, n & 0xff, n >>> 8);
    if (n >= -(2 ** 31) && n < 2 ** 31) return this.bytes(0x4a, ...this.u32(n));
    // LONG1: little-endian two's complement, shortest length.
    let v = BigInt(n);
    const out: number[] = [];
    for (;;) {
      const byte = Number(v & 0xffn);
      out.push(byte);
      v >>= 8n;
      if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
    }
    return this.bytes(0x8a, out.length, ...out);
  }

  /** STOP, and the finished stream. */
  stop(): Uint8Array {
    this.bytes(0x2e);
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.chunks = [];
    return out;
  }
}
