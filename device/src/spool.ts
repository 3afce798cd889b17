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

/** Lines that loading set aside besides the entries: cut short or unreadable. */
export interface SpoolLoad<T> {
  entries: T[];
  /** Torn or non-JSON lines, moved to `<path>.torn`. */
  setAside: number;
  /** JSON lines that `validate` rejected, moved to `invalidPath` with the reason. */
  invalid: Array<{ line: string; reason: string }>;
}

/** The result of checking one spooled value: the entry to keep, or why it cannot be used. */
export type SpoolCheck<T> = { entry: T } | { reason: string };

export interface SpoolOptions<T> {
  /** Writes `text` at the end of the open file; replaced in tests to inject a write error. */
  write?: (fd: number, text: string) => void;
  /** Checks each parsed line on load; without it every JSON line is taken as a `T`. */
  validate?: (value: unknown) => SpoolCheck<T>;
  /** File for the lines that `validate` rejects, one `{line, reason, at}` JSON object each. */
  invalidPath?: string;
}

/**
 * An append-only file of JSON lines, fsynced on every append. A line cut short by a power cut,
 * or one that is not JSON, is moved to `<path>.torn` on load and everything before it is kept.
 * A JSON line that the `validate` option rejects is moved to `invalidPath` with the reason.
 */
export class Spool<T> {
  private readonly write: (fd: number, text: string) => void;
  private readonly validate?: (value: unknown) => SpoolCheck<T>;
  readonly invalidPath: string;

  constructor(
    readonly path: string,
    options: SpoolOptions<T> = {},
  ) {
    this.write = options.write ?? writeAll;
    this.validate = options.validate;
    this.invalidPath = options.invalidPath ?? `${path}.invalid`;
  }

  get tornPath(): string {
    return `${this.path}.torn`;
  }

  load(): SpoolLoad<T> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], setAside: 0, invalid: [] };
      throw error;
    }
    const lines = text.split('\n');
    // After the last newline: empty when the file is whole, a torn write otherwise.
    const tail = lines.pop() ?? '';
    const entries: T[] = [];
    const bad: string[] = tail === '' ? [] : [tail];
    const invalid: Array<{ line: string; reason: string }> = [];
    for (const line of lines) {
      if (line === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        bad.push(line);
        continue;
      }
      const checked = this.validate ? this.validate(value) : { entry: value as T };
      if ('entry' in checked) entries.push(checked.entry);
      else invalid.push({ line, reason: checked.reason });
    }
    if (bad.length > 0) appendFileSync(this.tornPath, bad.map((line) => `${line}\n`).join(''));
    if (invalid.length > 0) {
      const at = new Date().toISOString();
      appendFileSync(this.invalidPath, invalid.map((item) => `${JSON.stringify({ ...item, at })}\n`).join(''));
    }
    if (bad.length + invalid.length > 0) this.rewrite(entries);

    return { entries, setAside: bad.length, invalid };
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
