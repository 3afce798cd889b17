import { parseConfig } from './config';

const baseConfig = {
  deviceId: 'pi-test',
  endpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod',
  apiKey: 'test-key',
  stateDir: '/tmp/hometemp-state',
  sensors: [{ id: 'kitchen', room: 'Kitchen', type: 'dht22', driver: 'fake' }],
};

const parse = (config: Record<string, unknown>) =>
  parseConfig(JSON.stringify(config), { source: 'collector.json', env: {} });

describe('parseConfig sensors', () => {
  it('rejects a control character in a room', () => {
    const config = { ...baseConfig, sensors: [{ ...baseConfig.sensors[0], room: 'Kit\u0007chen' }] };

    expect(() => parse(config)).toThrow(
      'collector.json is invalid:\n  sensors.0.room: must not contain control characters, but has U+0007 at position 4',
    );
  });

  it('rejects a format character in a room', () => {
    const config = { ...baseConfig, sensors: [{ ...baseConfig.sensors[0], room: 'Kitchen\u202E' }] };

    expect(() => parse(config)).toThrow(
      'collector.json is invalid:\n  sensors.0.room: must not contain invisible format characters such as bidi overrides or zero-width spaces, but has U+202E at position 8',
    );
  });

  it('rejects an upper-case sensor id', () => {
    const config = { ...baseConfig, sensors: [{ ...baseConfig.sensors[0], id: 'Kitchen' }] };

    expect(() => parse(config)).toThrow(
      'collector.json is invalid:\n  sensors.0.id: must be 1-63 characters of a-z, 0-9, "-" or "_", starting with a letter or digit',
    );
  });

  it('trims the room name', () => {
    const config = { ...baseConfig, sensors: [{ ...baseConfig.sensors[0], room: '  Kitchen ' }] };

    expect(parse(config).sensors[0]?.room).toBe('Kitchen');
  });
});
