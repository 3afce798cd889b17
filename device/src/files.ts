import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { SpoolWriteError } from './errors';

/**
 * Replaces `path` with `text` so that a power cut leaves either the old or the new file: write a
 * temporary file, fsync it, rename it over the old one, fsync the folder.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeAll(fd, text);
    fsyncSync(fd);
  } catch (error) {
    // A full disk: the old file is untouched, and the partial copy must not use up more space.
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
  fsyncFolder(dirname(path));
}

/** Writes all of `text` at the file position, looping over short writes. */
export function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let offset = 0; offset < bytes.length; ) {
    offset += writeSync(fd, bytes, offset);
  }
}

/** Makes a rename or a new file in `folder` durable. */
export function fsyncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Wraps a failed write of the collector's state folder, naming the file and the fix for ENOSPC. */
export function stateWriteError(what: string, path: string, error: unknown): SpoolWriteError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  const hint = code === 'ENOSPC' ? ': the disk is full; free some space' : '';

  return new SpoolWriteError(`cannot write ${what} ${path} (${code})${hint}`, { cause: error });
}
