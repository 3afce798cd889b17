import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool, type SpoolCheck } from './spool';
import { SpoolCursor, repairSpoolTail, scanSpool } from './spool-stream';

interface Entry {
  n: number;
  at: number;
}

const check = (value: unknown): SpoolCheck<Entry> =>
  typeof (value as Partial<Entry> | null)?.n === 'number' ? { entry: value as Entry } : { reason: 'no n' };

function setUp(text: string) {
  const folder = mkdtempSync(join(tmpdir(), 'hometemp-spool-stream-'));
  const path = join(folder, 'spool.jsonl');
  writeFileSync(path, text);

  return { folder, path, spool: new Spool<Entry>(path, { invalidPath: join(folder, 'rejected.jsonl') }) };
}

const lines = (entries: Entry[]) => entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
const caps = { check, nowMs: 100, maxAgeMs: 1000, maxEntries: 1000, timeOf: (entry: Entry) => entry.at };

function readAll(cursor: SpoolCursor<Entry>): number[] {
  const seen: number[] = [];
  for (let entry = cursor.next(); entry; entry = cursor.next()) seen.push(entry.n);

  return seen;
}

describe('repairSpoolTail', () => {
  it('moves a torn last line aside', () => {
    const { path, spool } = setUp('{"n":1,"at":1}\n{"n":');

    const moved = repairSpoolTail(spool);

    expect(moved).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('{"n":1,"at":1}\n');
    expect(readFileSync(spool.tornPath, 'utf8')).toBe('{"n":\n');
  });

  it('leaves a whole spool alone', () => {
    const { path, spool } = setUp('{"n":1,"at":1}\n');

    expect(repairSpoolTail(spool)).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('{"n":1,"at":1}\n');
    expect(existsSync(spool.tornPath)).toBe(false);
  });

  it('cuts a spool without any newline to empty', () => {
    const { path, spool } = setUp('x'.repeat(10_000));

    expect(repairSpoolTail(spool)).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('');
  });
});

describe('scanSpool', () => {
  it('sets aside torn and invalid lines', () => {
    const { folder, spool } = setUp('{"n":1,"at":1}\nnot json\n{}\n{"n":2,"at":2}\n');

    const scan = scanSpool(spool, caps);

    expect([...scan.keep]).toEqual([1, 0, 0, 1]);
    expect(scan).toMatchObject({ kept: 2, torn: 1, invalid: 1, invalidReasons: ['no n'], dropped: 0 });
    expect(readFileSync(spool.tornPath, 'utf8')).toBe('not json\n');
    const rejected = JSON.parse(readFileSync(join(folder, 'rejected.jsonl'), 'utf8'));
    expect([rejected.line, rejected.reason]).toEqual(['{}', 'no n']);
  });

  it('drops readings past the age cap', () => {
    const { spool } = setUp(lines([{ n: 1, at: 5 }, { n: 2, at: 50 }, { n: 3, at: 90 }]));

    const scan = scanSpool(spool, { ...caps, maxAgeMs: 60 });

    expect([...scan.keep]).toEqual([0, 1, 1]);
    expect(scan.dropped).toBe(1);
  });

  it('drops the oldest past the count cap', () => {
    const { spool } = setUp(lines([{ n: 1, at: 1 }, { n: 2, at: 2 }, { n: 3, at: 3 }, { n: 4, at: 4 }]));

    const scan = scanSpool(spool, { ...caps, maxEntries: 2 });

    expect([...scan.keep]).toEqual([0, 0, 1, 1]);
    expect(scan.kept).toBe(2);
    expect(scan.dropped).toBe(2);
  });

  it('reads lines split across chunks', () => {
    const entries = Array.from({ length: 50 }, (_, index) => ({ n: index, at: index }));
    const { spool } = setUp(lines(entries));

    const scan = scanSpool(spool, { ...caps, chunkBytes: 7 });
    const cursor = new SpoolCursor(spool, scan, check, [], 5);

    expect(scan.kept).toBe(50);
    expect(readAll(cursor)).toEqual(entries.map((entry) => entry.n));
    cursor.close();
  });
});

describe('SpoolCursor', () => {
  it('rewrites the unsent and unread entries', () => {
    const { path, spool } = setUp(lines([{ n: 1, at: 1 }, { n: 2, at: 2 }, { n: 3, at: 3 }, { n: 4, at: 4 }]));
    const cursor = new SpoolCursor(spool, scanSpool(spool, caps), check);
    cursor.next();
    const unsent = cursor.next()!;

    cursor.rewrite([unsent]);
    cursor.close();

    expect(readFileSync(path, 'utf8')).toBe(lines([{ n: 2, at: 2 }, { n: 3, at: 3 }, { n: 4, at: 4 }]));
  });

  it('returns extra entries after the file', () => {
    const { spool } = setUp(lines([{ n: 1, at: 1 }]));
    const cursor = new SpoolCursor(spool, scanSpool(spool, caps), check, [{ n: 9, at: 9 }]);

    expect(cursor.remaining).toBe(2);
    expect(readAll(cursor)).toEqual([1, 9]);
    expect(cursor.remaining).toBe(0);
    cursor.close();
  });

  it('keeps the spool when the rewrite fails', () => {
    const { folder, path, spool } = setUp(lines([{ n: 1, at: 1 }]));
    const cursor = new SpoolCursor(spool, scanSpool(spool, caps), check);
    // JSON.stringify throws on a BigInt, so the rewrite fails after it opened its temporary file.
    const unsent = { n: 2, at: 2, big: 1n } as unknown as Entry;

    expect(() => cursor.rewrite([unsent])).toThrow(`cannot write the spool ${path} (unknown error)`);
    cursor.close();
    expect(readFileSync(path, 'utf8')).toBe('{"n":1,"at":1}\n');
    expect(readdirSync(folder)).toEqual(['spool.jsonl']);
  });
});
