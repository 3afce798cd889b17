import { ConfigError } from '../../core/src/errors';
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
      'collector.json is invalid:\n  sensors.0.room: must not contain invisible characters such as bidi overrides, zero-width spaces or Hangul fillers, but has U+202E at position 8',
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

describe('parseConfig endpoint', () => {
  it.each([
    ['http://127.0.0.1:3000/'],
    ['http://localhost:3000'],
    ['http://[::1]:3000'],
    ['https://abc.execute-api.eu-west-1.amazonaws.com/prod'],
  ])('accepts %s', (endpoint) => {
    expect(parse({ ...baseConfig, endpoint }).endpoint).toBe(endpoint);
  });

  it.each([['not a url'], ['https://'], ['http://[::1'], ['ftp://abc.example/prod']])(
    'rejects %s as not an http(s) URL',
    (endpoint) => {
      expect(() => parse({ ...baseConfig, endpoint })).toThrow(
        'collector.json is invalid:\n  endpoint: must be an http(s) URL such as https://abc.execute-api.eu-west-1.amazonaws.com/prod',
      );
    },
  );

  it('reports an unparsable endpoint as a ConfigError', () => {
    expect(() => parse({ ...baseConfig, endpoint: 'not a url' })).toThrow(ConfigError);
  });

  it('rejects http to another host', () => {
    expect(() => parse({ ...baseConfig, endpoint: 'http://abc.example/prod' })).toThrow(
      'collector.json is invalid:\n  endpoint: must use https for abc.example, because http would send the API key in clear text; http is allowed only for localhost, 127.0.0.0/8 and [::1]',
    );
  });

  it('rejects a query string', () => {
    expect(() => parse({ ...baseConfig, endpoint: 'https://abc.example/prod?stage=1' })).toThrow(
      'collector.json is invalid:\n  endpoint: must not contain a query string or fragment ("?stage=1"), because the collector appends /readings and /heartbeats to it',
    );
  });

  it('rejects a fragment', () => {
    expect(() => parse({ ...baseConfig, endpoint: 'https://abc.example/prod#top' })).toThrow(
      'collector.json is invalid:\n  endpoint: must not contain a query string or fragment ("#top"), because the collector appends /readings and /heartbeats to it',
    );
  });

  it('rejects credentials in the URL', () => {
    expect(() => parse({ ...baseConfig, endpoint: 'https://user:secret@abc.example/prod' })).toThrow(
      'collector.json is invalid:\n  endpoint: must not contain a user name or password, which would end up in logs; the collector authenticates with apiKey',
    );
  });
});

describe('parseConfig unknown fields', () => {
  it('names an unknown top-level field', () => {
    expect(() => parse({ ...baseConfig, extra: 1 })).toThrow(
      'collector.json is invalid:\n  extra: unknown field at the top level; check its spelling or remove it',
    );
  });

  it('names an unknown sensor field', () => {
    const config = { ...baseConfig, sensors: [{ ...baseConfig.sensors[0], gpio: 4 }] };

    expect(() => parse(config)).toThrow(
      'collector.json is invalid:\n  sensors.0.gpio: unknown field; check its spelling or remove it',
    );
  });
});
