import type { SensorDriver } from './drivers/driver';
import { createDhtDriver, fixDht22Temperature } from './drivers/dht';
import { sampleSensor } from './sample-sensor';

/**
 * A DHT as node-dht-sensor 0.4.5 presents it: each read returns the measurement of the previous
 * trigger, and a read within 3000 ms of the last returns the cached value, flagged valid.
 */
function cachingDht(measurements: number[], clock: { ms: number }): SensorDriver {
  let previous = 0;
  let lastReadMs = -Infinity;
  let cached = { temperature: 0, humidity: 50, valid: true };
  let next = 0;
  return {
    minIntervalMs: 3100,
    firstAnswerStale: true,
    async read() {
      if (clock.ms - lastReadMs < 3000) return { ...cached };
      lastReadMs = clock.ms;
      cached = { temperature: previous, humidity: 50, valid: true };
      previous = measurements[next++] ?? previous;
      return { ...cached };
    },
  };
}

describe('sampleSensor', () => {
  it('drops the stale first answer and waits out the cache', async () => {
    const clock = { ms: 0 };
    const sleeps: number[] = [];
    const driver = cachingDht([20.1, 20.2, 20.3, 20.4], clock);

    const samples = await sampleSensor(driver, {
      attempts: 3,
      signal: new AbortController().signal,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.ms += ms;
      },
    });

    expect(samples.map((sample) => ('error' in sample ? sample.error : sample.temperature))).toEqual([20.1, 20.2, 20.3]);
    expect(sleeps).toEqual([3100, 3100, 3100]);
  });

  it('retries samples flagged invalid', async () => {
    const answers = [false, true, false, true, true].map((valid) => ({ temperature: 20, humidity: 40, valid }));
    const driver: SensorDriver = { minIntervalMs: 0, firstAnswerStale: false, read: async () => answers.shift()! };

    const samples = await sampleSensor(driver, { attempts: 3, signal: new AbortController().signal, sleep: async () => {} });

    expect(samples).toHaveLength(5);
  });

  it('gives up on a sensor that never answers at abort', async () => {
    const controller = new AbortController();
    const driver: SensorDriver = { minIntervalMs: 0, firstAnswerStale: false, read: () => new Promise(() => {}) };

    const pending = sampleSensor(driver, { attempts: 3, signal: controller.signal, sleep: async () => {} });
    controller.abort();

    await expect(pending).resolves.toEqual([]);
  });
});

describe('createDhtDriver', () => {
  it('names the missing addon and how to install it', () => {
    const loadAddon = () => {
      throw new Error("Cannot find module '../build/Release/node_dht_sensor'");
    };

    expect(() => createDhtDriver({ type: 'dht22', pin: 4 }, { loadAddon })).toThrow(
      "the dht driver needs the node-dht-sensor addon, which is not installed or did not build (Cannot find module '../build/Release/node_dht_sensor'). On the Pi, install the build tools (sudo apt-get install -y python3 make g++) and run npm install in the folder that holds the collector's package.json (device/runtime/package.json, which lets npm 11 build it)",
    );
  });

  it('names the missing GPIO device', () => {
    const loadAddon = () => ({ read: () => ({ temperature: 0, humidity: 0, isValid: false }), setMaxRetries() {} });

    expect(() => createDhtDriver({ type: 'dht22', pin: 4 }, { loadAddon, gpioDevice: '/nonexistent/gpiomem' })).toThrow(
      'no GPIO access: /nonexistent/gpiomem does not exist, so this is not a Raspberry Pi with GPIO support; use the replay or fake driver here',
    );
  });

  it('reads through the addon with the valid flag', async () => {
    const calls: number[][] = [];
    const loadAddon = () => ({
      read: (type: number, pin: number) => {
        calls.push([type, pin]);
        return { temperature: -3271.8, humidity: 80.5, isValid: true };
      },
      setMaxRetries() {},
    });
    // /dev/null is readable and writable by everyone, so the test uses it as /dev/gpiomem.
    const driver = createDhtDriver({ type: 'dht22', pin: 17 }, { loadAddon, gpioDevice: '/dev/null' });

    const sample = await driver.read();

    expect(sample).toEqual({ temperature: -5, humidity: 80.5, valid: true });
    expect(calls).toEqual([[22, 17]]);
    expect(driver.minIntervalMs).toBe(3100);
  });
});

describe('fixDht22Temperature', () => {
  it.each([
    [-3271.8, -5],
    [-3276.7, -0.1],
    [-12.5, -12.5],
    [23.4, 23.4],
  ])('maps %p to %p', (input, expected) => {
    expect(fixDht22Temperature(input)).toBe(expected);
  });
});
