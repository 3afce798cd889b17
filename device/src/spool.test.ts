import { mkdtempSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool } from './spool';

const folder = () => mkdtempSync(join(tmpdir(), 'hometemp-spool-'));

describe('Spool', () => {
  it('sets a torn last line aside and keeps the rest', () => {
    const path = join(folder(), 'spool.jsonl');
    writeFileSync(path, '{"n":1}\n{"n":2}\n{"n":');
    const spool = new Spool<{ n: number }>(path);

    const loaded = spool.load();

    expect(loaded.entries).toEqual([{ n: 1 }, { n: 2 }]);
    expect(loaded.setAside).toBe(1);
    expect(readFileSync(spool.tornPath, 'utf8')).toBe('{"n":\n');
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
  });

  it('keeps what is there when the disk is full', () => {
    const path = join(folder(), 'spool.jsonl');
    new Spool<{ n: number }>(path).append([{ n: 1 }]);
    // Writes half of the text, as a disk that fills up mid-write does, then fails.
    const write = (fd: number, text: string) => {
      writeSync(fd, text.slice(0, text.length / 2));
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    };
    const spool = new Spool<{ n: number }>(path, { write });

    expect(() => spool.append([{ n: 2 }, { n: 3 }])).toThrow(
      `cannot write the spool ${path} (ENOSPC): the disk is full; free some space`,
    );
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n');
  });

  it('appends after earlier entries', () => {
    const spool = new Spool<{ n: number }>(join(folder(), 'spool.jsonl'));

    spool.append([{ n: 1 }]);
    spool.append([{ n: 2 }]);

    expect(spool.load()).toEqual({ entries: [{ n: 1 }, { n: 2 }], setAside: 0, invalid: [] });
  });

  it('moves lines that fail validation aside with the reason', () => {
    const path = join(folder(), 'spool.jsonl');
    writeFileSync(path, '{"n":1}\n{}\nnull\n{"n":2}\n');
    const invalidPath = join(folder(), 'rejected.jsonl');
    const validate = (value: unknown) =>
      typeof (value as { n?: unknown } | null)?.n === 'number' ? { entry: value as { n: number } } : { reason: 'no n' };
    const spool = new Spool<{ n: number }>(path, { validate, invalidPath });

    const loaded = spool.load();

    expect(loaded.entries).toEqual([{ n: 1 }, { n: 2 }]);
    expect(loaded.invalid).toEqual([
      { line: '{}', reason: 'no n' },
      { line: 'null', reason: 'no n' },
    ]);
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
    const setAside = readFileSync(invalidPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(setAside.map((item) => [item.line, item.reason])).toEqual([['{}', 'no n'], ['null', 'no n']]);
  });
});
