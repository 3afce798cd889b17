import { DEFAULTS, parseLocalConfig } from './config';

describe('parseLocalConfig', () => {
  it('accepts the defaults', () => {
    const config = parseLocalConfig(DEFAULTS);

    expect(config.port).toBe(3000);
    expect(config.apiPort).toBe(3001);
    expect(config.interval).toBe(10);
    expect(config.backfillDays).toBe(4);
  });

  it('lists every invalid flag in one message', () => {
    const flags = { ...DEFAULTS, port: 'eighty', apiPort: '70000', interval: '0', host: '0.0.0.0' };

    expect(() => parseLocalConfig(flags)).toThrow(
      [
        'invalid options:',
        '  --host must be 127.0.0.1, ::1 or localhost: the local stack has no authentication yet',
        '  --port must be a number',
        '  --api-port must be between 0 and 65535',
        '  --interval must be at least 1 second',
      ].join('\n'),
    );
  });
});
