import { join } from 'node:path';
import { loadRecording } from './drivers/recording';
import { type LastAccepted, type PolicyInput, applyReadPolicy } from './read-policy';

const RECORDING = join(__dirname, '../../data/dht11-indoor-2019-09.csv');
const base: Omit<PolicyInput, 'samples'> = {
  type: 'dht22',
  takenAtMs: Date.UTC(2026, 0, 31, 8, 15),
  spike: { temperaturePerMinute: 2, humidityPerMinute: 10 },
  offset: { temperature: 0, humidity: 0 },
};
const sample = (temperature: number, humidity: number, valid = true) => ({ temperature, humidity, valid });
const fifteenMinutesAgo = (temperature: number, humidity: number): LastAccepted => ({
  temperature,
  humidity,
  takenAtMs: base.takenAtMs - 15 * 60_000,
});

describe('applyReadPolicy', () => {
  it('rejects only the impossible rows of the recording', () => {
    const recording = loadRecording(RECORDING);
    const totals: Record<string, number> = {};
    let accepted = 0;
    let lastAccepted: LastAccepted | undefined;
    const startMs = Date.UTC(2026, 0, 1);

    for (const row of recording.rows) {
      const takenAtMs = startMs + row.offsetMs;
      const result = applyReadPolicy({
        ...base,
        type: 'dht11',
        takenAtMs,
        lastAccepted,
        samples: [sample(row.temperature, row.humidity)],
      });
      for (const [reason, count] of Object.entries(result.rejections)) {
        totals[reason] = (totals[reason] ?? 0) + count;
      }
      if (result.reading) {
        accepted++;
        lastAccepted = { ...result.reading.raw, takenAtMs };
      }
    }

    expect(recording.rows).toHaveLength(29366);
    expect(totals).toEqual({ out_of_range: 2 });
    expect(accepted).toBe(29364);
  });

  it('never uses a sample flagged invalid', () => {
    const result = applyReadPolicy({ ...base, samples: [sample(21, 40), sample(35, 90, false), sample(21.4, 41)] });

    expect(result.reading?.temperature).toBe(21.2);
    expect(result.reading?.humidity).toBe(40.5);
    expect(result.rejections).toEqual({ invalid: 1 });
  });

  it('takes the median of the valid samples', () => {
    const result = applyReadPolicy({ ...base, samples: [sample(21.0, 40), sample(24.0, 44), sample(21.2, 41)] });

    expect(result.reading?.temperature).toBe(21.2);
    expect(result.reading?.humidity).toBe(41);
  });

  it('rejects a spike from the last accepted value', () => {
    const result = applyReadPolicy({
      ...base,
      lastAccepted: { temperature: 20, humidity: 40, takenAtMs: base.takenAtMs - 60_000 },
      samples: [sample(20.5, 41), sample(29, 41), sample(20.7, 41)],
    });

    expect(result.rejections).toEqual({ spike: 1 });
    expect(result.reading?.temperature).toBe(20.6);
  });

  it('accepts a large change spread over enough time', () => {
    const result = applyReadPolicy({
      ...base,
      lastAccepted: fifteenMinutesAgo(10, 40),
      samples: [sample(30, 40)],
    });

    expect(result.rejections).toEqual({});
    expect(result.reading?.temperature).toBe(30);
  });

  it('rejects values outside the type range', () => {
    const result = applyReadPolicy({ ...base, type: 'dht11', samples: [sample(-1, 40), sample(20, 95), sample(20, 40)] });

    expect(result.rejections).toEqual({ out_of_range: 2 });
    expect(result.reading?.temperature).toBe(20);
  });

  it('reports a DHT11 read as DHT22 as misconfigured', () => {
    // A DHT11 answering 21 °C and 65 %RH, decoded as DHT22 bytes: 21 * 25.6 and 65 * 25.6.
    const result = applyReadPolicy({ ...base, samples: [sample(537.6, 1664), sample(537.6, 1664)] });

    expect(result.reading).toBeUndefined();
    expect(result.rejections).toEqual({ wrong_type: 2 });
    expect(result.misconfigured).toBe(
      'the sensor answers like a DHT11 but is configured as dht22; set "type": "dht11" in the config',
    );
  });

  it('reports a DHT22 read as DHT11 as misconfigured', () => {
    const result = applyReadPolicy({ ...base, type: 'dht11', samples: [sample(0, 1), sample(0, 1)] });

    expect(result.misconfigured).toBe(
      'the sensor answers like a DHT22 but is configured as dht11; set "type": "dht22" in the config',
    );
  });

  it('keeps negative DHT22 temperatures', () => {
    const result = applyReadPolicy({
      ...base,
      lastAccepted: fifteenMinutesAgo(-4.8, 80),
      offset: { temperature: 0.5, humidity: -2 },
      samples: [sample(-5.2, 81), sample(-5.3, 81), sample(-5.1, 82)],
    });

    expect(result.reading).toEqual({
      temperature: -4.7,
      humidity: 79,
      raw: { temperature: -5.2, humidity: 81 },
    });
  });

  it('counts read errors by reason', () => {
    const result = applyReadPolicy({ ...base, samples: [{ error: 'timeout' }, sample(1, 1, false)] });

    expect(result.reading).toBeUndefined();
    expect(result.rejections).toEqual({ read_error: 1, invalid: 1 });
  });
});
