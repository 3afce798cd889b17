import {
  appendFileSync,
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { SpoolWriteError } from './errors';
import { fsyncFolder, stateWriteError, writeAll } from './files';
import { LineReader } from './line-reader';
import type { Spool, SpoolCheck } from './spool';

/** The result of a spool scan. Only `keep` grows with the spool, by one byte per line. */
export interface SpoolScan {
  /** One flag per line of the file: 1 for a reading to deliver or keep, 0 for one left out. */
  keep: Uint8Array;
  /** Lines flagged in `keep`. */
  kept: number;
  /** Torn or non-JSON lines, moved to `<path>.torn`. */
  torn: number;
  /** Lines that the check rejected, moved to the spool's `invalidPath` with the reason. */
  invalid: number;
  /** The first three reasons of `invalid`. */
  invalidReasons: string[];
  /** Readings older than the age cap, plus the oldest past the count cap, dropped. */
  dropped: number;
}

export interface ScanOptions<T> {
  check: (value: unknown) => SpoolCheck<T>;
  nowMs: number;
  maxAgeMs: number;
  maxEntries: number;
  timeOf: (entry: T) => number;
  chunkBytes?: number;
}

// Lines set aside are appended in blocks of about this size, not one write per line.
const SET_ASIDE_BLOCK_CHARS = 64 * 1024;

/**
 * Moves a torn last line to `<path>.torn` and cuts the spool back to its last whole line, so the
 * next append starts on a line of its own. A power cut during an append leaves such a line: the
 * bytes after the last `\n`. Returns 1 when it moved a line, else 0.
 */
export function repairSpoolTail<T>(spool: Spool<T>): number {
  let fd: number;
  try {
    fd = openSync(spool.path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    const lineEnd = lastNewlineEnd(fd, size);
    if (lineEnd === size) return 0;
    const tail = Buffer.alloc(size - lineEnd);
    readSync(fd, tail, 0, tail.length, lineEnd);
    try {
      appendFileSync(spool.tornPath, `${tail.toString('utf8')}\n`);
      ftruncateSync(fd, lineEnd);
      fsyncSync(fd);
    } catch (error) {
      throw stateWriteError('the spool', spool.path, error);
    }

    return 1;
  } finally {
    closeSync(fd);
  }
}

/** Returns the offset just after the last `\n` in the file, or 0 when it has none. */
function lastNewlineEnd(fd: number, size: number): number {
  const block = Buffer.alloc(4096);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - block.length);
    readSync(fd, block, 0, end - start, start);
    const index = block.subarray(0, end - start).lastIndexOf(10);
    if (index >= 0) return start + index + 1;
    end = start;
  }

  return 0;
}

/**
 * Reads the spool line by line and decides which lines stay. Torn or non-JSON lines go to
 * `<path>.torn`, and lines the check rejects go to `invalidPath` with the reason. Readings past
 * the age cap are dropped, then the oldest past the count cap, in the order they were appended.
 * @throws SpoolWriteError when a set-aside file cannot be written.
 */
export function scanSpool<T>(spool: Spool<T>, options: ScanOptions<T>): SpoolScan {
  const reader = new LineReader(spool.path, options.chunkBytes);
  const setAside = new SetAsideWriter(spool);
  const oldestAllowed = options.nowMs - options.maxAgeMs;
  let keep: Uint8Array = new Uint8Array(1024);
  let lines = 0;
  let young = 0;
  const scan: SpoolScan = { keep, kept: 0, torn: 0, invalid: 0, invalidReasons: [], dropped: 0 };
  try {
    for (let line = reader.next(); line !== undefined; line = reader.next(), lines++) {
      if (lines === keep.length) keep = grow(keep);
      if (line === '') continue;
      const checked = checkLine(line, options.check);
      if (checked === undefined) {
        scan.torn++;
        setAside.torn(line);
      } else if ('reason' in checked) {
        scan.invalid++;
        if (scan.invalidReasons.length < 3) scan.invalidReasons.push(checked.reason);
        setAside.invalid(line, checked.reason);
      } else if (options.timeOf(checked.entry) < oldestAllowed) {
        scan.dropped++;
      } else {
        keep[lines] = 1;
        young++;
      }
    }
    if (reader.tail !== '') {
      scan.torn++;
      setAside.torn(reader.tail);
    }
    setAside.flush();
  } finally {
    reader.close();
  }
  // The oldest readings past the count cap are the first ones kept.
  let excess = Math.max(0, young - options.maxEntries);
  scan.dropped += excess;
  for (let index = 0; excess > 0; index++) {
    if (keep[index] === 1) {
      keep[index] = 0;
      excess--;
    }
  }

  return { ...scan, keep: keep.subarray(0, lines), kept: Math.min(young, options.maxEntries) };
}

function checkLine<T>(line: string, check: (value: unknown) => SpoolCheck<T>): SpoolCheck<T> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }

  return check(value);
}

function grow(keep: Uint8Array): Uint8Array {
  const larger = new Uint8Array(keep.length * 2);
  larger.set(keep);

  return larger;
}

class SetAsideWriter<T> {
  private tornText = '';
  private invalidText = '';
  private readonly at = new Date().toISOString();

  constructor(private readonly spool: Spool<T>) {}

  torn(line: string): void {
    this.tornText += `${line}\n`;
    if (this.tornText.length > SET_ASIDE_BLOCK_CHARS) this.flush();
  }

  invalid(line: string, reason: string): void {
    this.invalidText += `${JSON.stringify({ line, reason, at: this.at })}\n`;
    if (this.invalidText.length > SET_ASIDE_BLOCK_CHARS) this.flush();
  }

  flush(): void {
    try {
      if (this.tornText !== '') appendFileSync(this.spool.tornPath, this.tornText);
      this.tornText = '';
      if (this.invalidText !== '') appendFileSync(this.spool.invalidPath, this.invalidText);
      this.invalidText = '';
    } catch (error) {
      throw stateWriteError('the spool', this.spool.path, error);
    }
  }
}

/**
 * Reads the lines a scan kept, in spool order, and then `extra` (readings that could not be
 * appended to the spool). Holds one read buffer, never the whole spool.
 */
export class SpoolCursor<T> {
  private readonly reader: LineReader;
  private line = 0;
  private taken = 0;
  private extraTaken = 0;

  constructor(
    private readonly spool: Spool<T>,
    private readonly scan: SpoolScan,
    private readonly check: (value: unknown) => SpoolCheck<T>,
    private readonly extra: readonly T[] = [],
    chunkBytes?: number,
  ) {
    this.reader = new LineReader(spool.path, chunkBytes);
  }

  /** Returns the next kept entry, or undefined when none is left. */
  next(): T | undefined {
    const text = this.nextKeptLine();
    if (text !== undefined) {
      this.taken++;
      // The scan checked this line; the check runs again to get its typed value.
      const checked = this.check(JSON.parse(text));
      if ('entry' in checked) return checked.entry;
    }
    if (this.extraTaken < this.extra.length) return this.extra[this.extraTaken++];

    return undefined;
  }

  /** Entries not yet returned by `next()`. */
  get remaining(): number {
    return this.scan.kept - this.taken + this.extra.length - this.extraTaken;
  }

  /**
   * Replaces the spool with `unsent` followed by the kept lines not yet read, streaming into a
   * temporary file that is fsynced and renamed over the spool. On a write error (a full disk)
   * the temporary file is removed, the old spool is untouched, and a SpoolWriteError is thrown.
   */
  rewrite(unsent: readonly T[]): void {
    const temporary = `${this.spool.path}.${process.pid}.tmp`;
    let fd: number | undefined;
    try {
      fd = openSync(temporary, 'w', 0o600);
      let block = unsent.map((entry) => `${JSON.stringify(entry)}\n`).join('');
      for (let text = this.nextKeptLine(); text !== undefined; text = this.nextKeptLine()) {
        this.taken++;
        block += `${text}\n`;
        if (block.length > SET_ASIDE_BLOCK_CHARS) {
          writeAll(fd, block);
          block = '';
        }
      }
      writeAll(fd, block);
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      renameSync(temporary, this.spool.path);
      fsyncFolder(dirname(this.spool.path));
    } catch (error) {
      // A full disk: the old spool is untouched, and the partial copy must not use up more space.
      if (fd !== undefined) closeSync(fd);
      rmSync(temporary, { force: true });
      throw this.writeError(error);
    }
  }

  close(): void {
    this.reader.close();
  }

  private nextKeptLine(): string | undefined {
    for (let text = this.reader.next(); text !== undefined; text = this.reader.next()) {
      const index = this.line++;
      if (this.scan.keep[index] === 1) return text;
    }

    return undefined;
  }

  private writeError(error: unknown): SpoolWriteError {
    return stateWriteError('the spool', this.spool.path, error);
  }
}
