import { batchSchema, describeIssues, readingId, readingSchema } from './reading';

const reading = {
  deviceId: 'pi-kitchen',
  sensorId: 'dht22-a',
  room: 'Kitchen',
  takenAt: '2026-01-31T08:15:00Z',
  temperature: 21.299999999999997,
  humidity: 45,
};

describe('readingSchema', () => {
  it('normalises takenAt to milliseconds and values to 0.1', () => {
    const parsed = readingSchema.parse(reading);

    expect(parsed.takenAt).toBe('2026-01-31T08:15:00.000Z');
    expect(parsed.temperature).toBe(21.3);
    expect(parsed.humidity).toBe(45);
  });

  it('keeps a huge value finite', () => {
    expect(readingSchema.parse({ ...reading, temperature: 1e308 }).temperature).toBe(1e308);
  });

  it.each([
    ['temperature as a string', { temperature: '21.3' }, 'temperature'],
    ['decimal comma', { temperature: '21,3' }, 'temperature'],
    ['infinite humidity', { humidity: Infinity }, 'humidity'],
    ['NaN temperature', { temperature: NaN }, 'temperature'],
    ['local time without zone', { takenAt: '2026-01-31T08:15:00' }, 'takenAt'],
    ['time with an offset', { takenAt: '2026-01-31T08:15:00+01:00' }, 'takenAt'],
    ['upper-case device id', { deviceId: 'Pi-Kitchen' }, 'deviceId'],
    ['control character in room', { room: 'Kitchen\u0007' }, 'room'],
    ['unknown field', { colour: 'red' }, '(body)'],
  ])('rejects %s', (_case, change, path) => {
    const result = readingSchema.safeParse({ ...reading, ...change });

    expect(result.success).toBe(false);
    expect(describeIssues(result.error!).map((problem) => problem.path)).toEqual([path]);
  });
});

describe('room', () => {
  const roomProblems = (room: string) => {
    const result = readingSchema.safeParse({ ...reading, room });
    return result.success ? [] : describeIssues(result.error);
  };

  it.each([
    [
      'bidi override',
      '\u202eKitchen',
      'must not contain invisible characters such as bidi overrides, zero-width spaces or Hangul fillers, but has U+202E at position 1',
    ],
    [
      'zero-width space',
      'Kit\u200bchen',
      'must not contain invisible characters such as bidi overrides, zero-width spaces or Hangul fillers, but has U+200B at position 4',
    ],
    [
      'bidi isolate',
      'Hall\u2066',
      'must not contain invisible characters such as bidi overrides, zero-width spaces or Hangul fillers, but has U+2066 at position 5',
    ],
    [
      'line separator',
      'Kitchen\u2028x',
      'must be one line, but has the line or paragraph separator U+2028 at position 8',
    ],
    [
      'paragraph separator',
      'Kitchen\u2029x',
      'must be one line, but has the line or paragraph separator U+2029 at position 8',
    ],
    [
      'lone surrogate',
      'x\ud800y',
      'must be valid Unicode text, but has a lone surrogate U+D800 at position 2 (not well-formed UTF-16)',
    ],
    ['NUL', 'Att\u0000ic', 'must not contain control characters, but has U+0000 at position 4'],
    ['newline', 'Attic\nx', 'must not contain control characters, but has U+000A at position 6'],
  ])('rejects a %s', (_case, room, message) => {
    expect(roomProblems(room)).toEqual([{ path: 'room', message }]);
  });

  it('reports the first of several', () => {
    expect(roomProblems('\u202eKitchen\u200b\u2028x')).toEqual([
      {
        path: 'room',
        message:
          'must not contain invisible characters such as bidi overrides, zero-width spaces or Hangul fillers, but has U+202E at position 1',
      },
    ]);
  });

  it.each([
    ['a Hangul filler', '\u3164', 'must not contain invisible characters such as bidi overrides, zero-width spaces or Hangul fillers, but has U+3164 at position 1'],
    ['a combining grapheme joiner', 'Kit\u034fchen', 'must not contain invisible characters such as bidi overrides, zero-width spaces or Hangul fillers, but has U+034F at position 4'],
    ['a private-use character', 'Kit\ue000chen', 'must contain only assigned characters, but has the private-use or noncharacter U+E000 at position 4'],
    ['a noncharacter', 'Kit\uffffchen', 'must contain only assigned characters, but has the private-use or noncharacter U+FFFF at position 4'],
    ['a braille blank alone', '\u2800', 'must contain at least one letter or digit'],
    ['a variation selector alone', '\ufe0f', 'must contain at least one letter or digit'],
  ])('rejects a room of %s', (_case, room, message) => {
    expect(roomProblems(room)).toEqual([{ path: 'room', message }]);
  });

  it('counts positions in code points', () => {
    expect(roomProblems('🌡️ Hall\u200b')[0]?.message).toMatch(/at position 8$/);
  });

  it('accepts accents, emoji and spaces', () => {
    expect(readingSchema.parse({ ...reading, room: ' Küche 🌡️ ' }).room).toBe('Küche 🌡️');
  });
});

describe('batchSchema', () => {
  it('rejects an empty batch', () => {
    const result = batchSchema.safeParse({ readings: [] });

    expect(describeIssues(result.error!)).toEqual([
      { path: 'readings', message: 'must contain at least one reading' },
    ]);
  });

  it('rejects 101 readings', () => {
    const readings = Array.from({ length: 101 }, (_, minute) => ({
      ...reading,
      takenAt: new Date(Date.UTC(2026, 0, 31, 8, minute)).toISOString(),
    }));

    const result = batchSchema.safeParse({ readings });

    expect(describeIssues(result.error!)).toEqual([
      { path: 'readings', message: 'must contain at most 100 readings' },
    ]);
  });

  it('rejects readings of two devices', () => {
    const result = batchSchema.safeParse({
      readings: [reading, { ...reading, deviceId: 'pi-attic' }],
    });

    expect(describeIssues(result.error!)).toEqual([
      {
        path: 'readings.1.deviceId',
        message: 'must be "pi-kitchen" like the first reading: a batch holds one device\'s readings',
      },
    ]);
  });
});

describe('readingId', () => {
  it('is the same for the same device, sensor and time', () => {
    const a = readingSchema.parse(reading);
    const b = readingSchema.parse({ ...reading, takenAt: '2026-01-31T08:15:00.000Z', humidity: 50 });

    expect(readingId(a)).toBe(readingId(b));
    expect(readingId(a)).toBe('7ab1c238bb00bd7f423dc0f2');
  });

  it('differs between sensors', () => {
    const a = readingSchema.parse(reading);
    const b = readingSchema.parse({ ...reading, sensorId: 'dht22-b' });

    expect(readingId(a)).not.toBe(readingId(b));
  });
});
