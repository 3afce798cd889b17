import { accessSync, constants } from 'node:fs';
import { userInfo } from 'node:os';
import type { SensorType } from '../../../core/src/index';
import { SENSOR_TYPES } from '../../../core/src/sensor-types';
import { SensorSetupError } from '../errors';
import type { RawSample, SensorDriver } from './driver';

/** The part of node-dht-sensor's API the driver uses (version 0.4). */
export interface DhtAddon {
  read(type: number, pin: number): { temperature: number; humidity: number; isValid: boolean };
  setMaxRetries(retries: number): void;
}

// node-dht-sensor 0.4.5 returns its previous result, flagged valid, when a pin is read again
// within 3000 ms (`readDHT` in src/dht-sensor.cpp), whatever the sensor type allows.
const LIBRARY_CACHE_MS = 3000;

// Pi 0-4 expose GPIO registers to non-root users through /dev/gpiomem (group gpio).
const GPIO_DEVICE = '/dev/gpiomem';

export interface DhtDriverOptions {
  loadAddon?: () => DhtAddon;
  gpioDevice?: string;
}

/**
 * Opens a DHT11 or DHT22 on a BCM GPIO pin through node-dht-sensor.
 * @throws SensorSetupError when the addon is not installed or GPIO cannot be opened.
 */
export function createDhtDriver(
  sensor: { type: SensorType; pin: number },
  options: DhtDriverOptions = {},
): SensorDriver {
  const addon = loadAddon(options.loadAddon ?? requireAddon);
  checkGpioAccess(options.gpioDevice ?? GPIO_DEVICE);
  // One transfer per read: the read policy makes its own, properly spaced, attempts.
  addon.setMaxRetries(0);
  const typeNumber = sensor.type === 'dht11' ? 11 : 22;

  return {
    minIntervalMs: Math.max(SENSOR_TYPES[sensor.type].minIntervalMs, LIBRARY_CACHE_MS + 100),
    firstAnswerStale: true,
    async read(): Promise<RawSample> {
      const readout = addon.read(typeNumber, sensor.pin);
      const temperature =
        sensor.type === 'dht22' ? fixDht22Temperature(readout.temperature) : readout.temperature;

      return { temperature, humidity: readout.humidity, valid: readout.isValid };
    },
  };
}

/**
 * Some DHT22 clones send a negative temperature in two's complement where the datasheet says
 * sign and magnitude; node-dht-sensor then returns about -3276.8 + |t|. This maps it back:
 * -3271.8 is -5.0 °C. Values in the sensor's range pass unchanged.
 */
export function fixDht22Temperature(temperature: number): number {
  if (temperature > -3000) return temperature;

  return Math.round(-(3276.8 + temperature) * 10) / 10;
}

function requireAddon(): DhtAddon {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional native addon
  return require('node-dht-sensor') as DhtAddon;
}

function loadAddon(load: () => DhtAddon): DhtAddon {
  try {
    return load();
  } catch (error) {
    throw new SensorSetupError(
      'the dht driver needs the node-dht-sensor addon, which is not installed or did not build ' +
        `(${(error as Error).message.split('\n')[0]}). On the Pi, install the build tools ` +
        '(sudo apt-get install -y python3 make g++) and run npm install in the folder that holds ' +
        "the collector's package.json (device/runtime/package.json, which lets npm 11 build it)",
      { cause: error },
    );
  }
}

function checkGpioAccess(device: string) {
  try {
    accessSync(device, constants.R_OK | constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new SensorSetupError(
        `no GPIO access: ${device} does not exist, so this is not a Raspberry Pi with GPIO ` +
          'support; use the replay or fake driver here',
        { cause: error },
      );
    }
    const user = userInfo().username;
    throw new SensorSetupError(
      `no GPIO access: user ${user} cannot open ${device} (${code}); add it to the gpio group ` +
        `(sudo usermod -aG gpio ${user}) and log in again`,
      { cause: error },
    );
  }
}
