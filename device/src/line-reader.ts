import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK_BYTES = 64 * 1024;

/**
 * Reads a file one `\n`-terminated line at a time with a fixed-size buffer, so a spool of
 * tens of megabytes is never held in memory whole. A missing file reads as empty.
 */
export class LineReader {
  private readonly fd: number | undefined;
  private readonly chunk: Buffer;
  // Bytes read but not yet returned: the start of a line whose `\n` is in a later chunk.
  private pending: Buffer = Buffer.alloc(0);
  private ended = false;
  /** The bytes after the last `\n`, set once `next()` has returned undefined. */
  tail = '';

  constructor(path: string, chunkBytes = CHUNK_BYTES) {
    try {
      this.fd = openSync(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.ended = true;
    }
    this.chunk = Buffer.alloc(chunkBytes);
  }

  /** Returns the next complete line without its `\n`, or undefined at the end of the file. */
  next(): string | undefined {
    for (;;) {
      const end = this.pending.indexOf(10);
      if (end >= 0) {
        const line = this.pending.toString('utf8', 0, end);
        this.pending = this.pending.subarray(end + 1);
        return line;
      }
      if (this.ended) {
        this.tail = this.pending.toString('utf8');
        this.pending = Buffer.alloc(0);
        return undefined;
      }
      const bytes = readSync(this.fd!, this.chunk, 0, this.chunk.length, null);
      if (bytes === 0) this.ended = true;
      // A copy, because the chunk buffer is reused by the next read.
      else this.pending = Buffer.concat([this.pending, this.chunk.subarray(0, bytes)]);
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }
}
