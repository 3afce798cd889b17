import type { Reading } from '../../core/src/index';
import { chooseBucketMs, downsample } from './downsample';

const START_MS = Date.UTC(2026, 0, 31, 0, 0);

const readingAt = (minutes: number, temperature: number, humidity = 40): Reading => ({
  deviceId: 'pi-hall',
  sensorId: 'dht22',
  room: 'Hall',
  takenAt: new Date(START_MS + minutes * 60_000).toISOString(),
  temperature,
  humidity,
});

const hours = (count: number) => ({
  from: new Date(START_MS),
  to: new Date(START_MS + count * 3_600_000),
});

describe('chooseBucketMs', () => {
  it('picks 30 minutes for 7 days in 500 points', () => {
    expect(chooseBucketMs(hours(7 * 24), 500)).toBe(1_800_000);
  });

  it('picks 1 minute for a short range', () => {
    expect(chooseBucketMs(hours(1), 500)).toBe(60_000);
  });

  it('picks whole days for a long range', () => {
    expect(chooseBucketMs(hours(5 * 365 * 24), 500)).toBe(4 * 86_400_000);
  });

  it('rejects fewer than 2 points', () => {
    expect(() => chooseBucketMs(hours(1), 1)).toThrow(
      'maxPoints must be an integer of at least 2, got 1',
    );
  });
});

describe('downsample', () => {
  it('keeps readings that fit as they are', () => {
    const readings = [readingAt(0, 20.5, 41), readingAt(5, 21)];

    const series = downsample(readings, hours(1), 2);

    expect(series.bucketSeconds).toBeNull();
    expect(series.points).toEqual([
      {
        time: '2026-01-31T00:00:00.000Z',
        count: 1,
        temperature: { min: 20.5, mean: 20.5, max: 20.5 },
        humidity: { min: 41, mean: 41, max: 41 },
      },
      {
        time: '2026-01-31T00:05:00.000Z',
        count: 1,
        temperature: { min: 21, mean: 21, max: 21 },
        humidity: { min: 40, mean: 40, max: 40 },
      },
    ]);
  });

  it('summarises each bucket as min, mean and max', () => {
    // 24 h in at most 4 points needs buckets of 12 h (24 h / 3 = 8 h, rounded up to 12 h).
    const readings = [
      readingAt(0, 20, 40),
      readingAt(60, 21.1, 50),
      readingAt(120, 22, 45),
      readingAt(13 * 60, 18.2, 60),
      readingAt(14 * 60, 18.3, 61),
    ];

    const series = downsample(readings, hours(24), 4);

    expect(series.bucketSeconds).toBe(43_200);
    expect(series.points).toEqual([
      {
        time: '2026-01-31T00:00:00.000Z',
        count: 3,
        temperature: { min: 20, mean: 21.03, max: 22 },
        humidity: { min: 40, mean: 45, max: 50 },
      },
      {
        time: '2026-01-31T12:00:00.000Z',
        count: 2,
        temperature: { min: 18.2, mean: 18.25, max: 18.3 },
        humidity: { min: 60, mean: 60.5, max: 61 },
      },
    ]);
  });

  it('leaves empty buckets out', () => {
    const readings = [
      readingAt(0, 20),
      readingAt(1, 20),
      readingAt(23 * 60, 25),
      readingAt(23 * 60 + 1, 25),
    ];

    const series = downsample(readings, hours(24), 3);

    expect(series.points.map((point) => point.time)).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-01-31T12:00:00.000Z',
    ]);
  });

  it('fits 7 days of 5-minute readings in the limit', () => {
    const readings = Array.from({ length: 2016 }, (_, index) =>
      readingAt(index * 5, 20 + (index % 10) / 10),
    );

    const series = downsample(readings, hours(7 * 24), 500);

    expect(series.bucketSeconds).toBe(1800);
    expect(series.points).toHaveLength(336);
    expect(series.points[0]?.count).toBe(6);
    expect(series.points[0]?.temperature).toEqual({ min: 20, mean: 20.25, max: 20.5 });
  });
});
