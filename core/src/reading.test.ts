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
