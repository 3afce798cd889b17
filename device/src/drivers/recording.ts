import { readFileSync } from 'node:fs';
import { ConfigError } from '../../../core/src/errors';

/** One row of a recorded CSV: `offsetMs` counts from the recording's first row. */
export interface RecordedRow {
  offsetMs: number;
  temperature: number;
  humidity: number;
}

/** A recording with rows in time order and its length from first to last row. */
export interface Recording {
  rows: RecordedRow[];
  durationMs: number;
}

const HEADER = 'Humidity,Temperature,Time';
// `DD/MM/YYYY HH:MM:SS`: local wall-clock time without a zone, day first.
const TIME_PATTERN = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Parses a recording in the `Humidity,Temperature,Time` CSV format. Times have no zone, so only
 * the differences between rows are used: they are read as if UTC, which a replay then shifts.
 */
export function parseRecording(text: string, source: string): Recording {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines[0]?.trim() !== HEADER) {
    throw new ConfigError(`${source}: the first line must be "${HEADER}"`);
  }
  const rows: RecordedRow[] = [];
  let firstMs: number | undefined;
  lines.slice(1).forEach((line, index) => {
    const [humidity, temperature, time] = line.split(',');
    const match = TIME_PATTERN.exec(time?.trim() ?? '');
    const values = [Number(humidity), Number(temperature)];
    if (!match || values.some((value) => !Number.isFinite(value)) || humidity === '') {
      throw new ConfigError(
        `${source} line ${index + 2}: expected "humidity,temperature,DD/MM/YYYY HH:MM:SS", got "${line}"`,
      );
    }
    const [, day, month, year, hour, minute, second] = match.map(Number) as number[];
    const ms = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
    firstMs ??= ms;
    rows.push({ offsetMs: ms - firstMs, humidity: values[0]!, temperature: values[1]! });
  });
  if (rows.length === 0) throw new ConfigError(`${source} has no rows after its header`);

  return { rows, durationMs: rows[rows.length - 1]!.offsetMs };
}

/** Reads and parses a recorded CSV file. */
export function loadRecording(path: string): Recording {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot read the recording ${path} (${code})`, { cause: error });
  }

  return parseRecording(text, path);
}

/** Index of the first row at or after `fraction` (0..1) of the recording's duration. */
export function rowIndexAt(recording: Recording, fraction: number): number {
  const target = recording.durationMs * Math.min(Math.max(fraction, 0), 1);
  const index = recording.rows.findIndex((row) => row.offsetMs >= target);

  return index === -1 ? 0 : index;
}
