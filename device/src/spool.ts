import {
  appendFileSync,
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
} from 'node:fs';
import type { SpoolWriteError } from './errors';
import { stateWriteError, writeAll, writeFileAtomic } from './files';

/** What loading found besides the entries: lines cut short or unreadable, set aside. */
export interface SpoolLoad<T> {
  entries: T[];
  setAside: number;
}

export interface SpoolOptions {
  /** Writes `text` at the end of the open file; replaced in tests to inject a write error. */
  write?: (fd: number, text: string) => void;
}

/**
 * An append-only file of JSON lines, fsynced on every append. A line cut short by a power cut,
 * or one that is not JSON, is moved to `<path>.torn` on load and everything before it is kept.
 */
export class Spool<T> {
  private readonly write: (fd: number, text: string) => void;

  constructor(
    readonly path: string,
    options: SpoolOptions = {},
  ) {
    this.write = options.write ?? writeAll;
  }

  get tornPath(): string {
    return `${this.path}.torn`;
  }

  load(): SpoolLoad<T> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], setAside: 0 };
      throw error;
    }
    const lines = text.split('\n');
    // After the last newline: empty when the file is whole, a torn write otherwise.
    const tail = lines.pop() ?? '';
    const entries: T[] = [];
    const bad: string[] = tail === '' ? [] : [tail];
    for (const line of lines) {
      if (line === '') continue;
      try {
        entries.push(JSON.parse(line) as T);
      } catch {
        bad.push(line);
      }
    }
    if (bad.length > 0) {
      appendFileSync(this.tornPath, bad.map((line) => `${line}\n`).join(''));
      this.rewrite(entries);
    }

    return { entries, setAside: bad.length };
  }

  /**
   * Appends entries and fsyncs them. On a write error (a full disk, say) the file is cut back
   * to its previous length, so what was there stays intact, and a `SpoolWriteError` is thrown.
   */
  append(entries: T[]): void {
    if (entries.length === 0) return;
    const text = entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
    let fd: number;
    try {
      fd = openSync(this.path, 'a', 0o600);
    } catch (error) {
      throw this.writeError(error);
    }
    const sizeBefore = fstatSync(fd).size;
    try {
      this.write(fd, text);
      fsyncSync(fd);
    } catch (error) {
      try {
        ftruncateSync(fd, sizeBefore);
      } catch {
        // Nothing more to do here: the next load sets a torn line aside.
      }
      throw this.writeError(error);
    } finally {
      closeSync(fd);
    }
  }

  /** Replaces the whole spool atomically, e.g. after delivery. */
  rewrite(entries: T[]): void {
    try {
      writeFileAtomic(this.path, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    } catch (error) {
      throw this.writeError(error);
    }
  }

  private writeError(error: unknown): SpoolWriteError {
    return stateWriteError('the spool', this.path, error);
  }

}

/** Drops entries older than `maxAgeMs` and then the oldest past `maxEntries`; returns both parts. */
export function capEntries<T>(
  entries: T[],
  options: { nowMs: number; maxAgeMs: number; maxEntries: number; timeOf: (entry: T) => number },
): { kept: T[]; dropped: number } {
  const oldestAllowed = options.nowMs - options.maxAgeMs;
  const young = entries.filter((entry) => options.timeOf(entry) >= oldestAllowed);
  const kept = young.length > options.maxEntries ? young.slice(young.length - options.maxEntries) : young;

  return { kept, dropped: entries.length - kept.length };
}
