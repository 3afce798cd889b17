import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InstallOptions, findUser, installSchedule, quoteForShell, quoteForSystemd, scheduleFiles } from './install';

const options = (overrides: Partial<InstallOptions> = {}): InstallOptions => ({
  scheduler: 'cron',
  nodePath: '/usr/local/bin/node',
  command: '/opt/hometemp-collector/bin/hometemp-collector.js',
  configPath: '/etc/hometemp/my config.json',
  user: { name: 'hometemp', uid: 999, gid: 998 },
  intervalMinutes: 15,
  stateDir: '/var/lib/hometemp-collector',
  root: '/',
  ...overrides,
});

describe('scheduleFiles', () => {
  it('writes cron with node path and syslog', () => {
    const files = scheduleFiles(options());

    expect(files['etc/cron.d/hometemp-collector']).toBe(
      '# Written by hometemp-collector install; remove with hometemp-collector uninstall.\n' +
        "*/15 * * * * hometemp '/usr/local/bin/node' --max-semi-space-size=1 --max-old-space-size=48 " +
        "'/opt/hometemp-collector/bin/hometemp-collector.js' run --config '/etc/hometemp/my config.json' " +
        '2>&1 | logger -t hometemp-collector\n',
    );
  });

  it('escapes % in a cron command', () => {
    const files = scheduleFiles(options({ configPath: '/etc/hometemp/100%.json' }));

    expect(files['etc/cron.d/hometemp-collector']).toContain("--config '/etc/hometemp/100\\%.json'");
  });

  it('lets systemd create the state folder', () => {
    const service = scheduleFiles(options({ scheduler: 'systemd' }))['etc/systemd/system/hometemp-collector.service'];

    expect(service).toContain('User=hometemp\nStateDirectory=hometemp-collector\nStateDirectoryMode=0700\n');
    expect(service).toContain(
      'ExecStart="/usr/local/bin/node" --max-semi-space-size=1 --max-old-space-size=48 ' +
        '"/opt/hometemp-collector/bin/hometemp-collector.js" run --config "/etc/hometemp/my config.json"\n',
    );
  });

  it('omits StateDirectory outside /var/lib', () => {
    const service = scheduleFiles(options({ scheduler: 'systemd', stateDir: '/srv/hometemp' }))[
      'etc/systemd/system/hometemp-collector.service'
    ];

    expect(service).not.toContain('StateDirectory');
  });
});

describe('quoting', () => {
  it('quotes a single quote for sh', () => {
    expect(quoteForShell("/etc/it's.json")).toBe("'/etc/it'\\''s.json'");
  });

  it('escapes systemd specifiers and variables', () => {
    expect(quoteForSystemd('/etc/a "b" %h $HOME\\x')).toBe('"/etc/a \\"b\\" %%h $$HOME\\\\x"');
  });
});

describe('installSchedule', () => {
  it('creates the state folder once', () => {
    const root = mkdtempSync(join(tmpdir(), 'hometemp-install-'));

    const first = installSchedule(options({ root }));
    const second = installSchedule(options({ root }));
    const stateDir = join(root, 'var/lib/hometemp-collector');

    expect(first.written).toEqual([join(root, 'etc/cron.d/hometemp-collector'), stateDir]);
    expect(second).toEqual({ written: [], removed: [] });
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
  });

  it('removes the other scheduler files', () => {
    const root = mkdtempSync(join(tmpdir(), 'hometemp-install-'));
    installSchedule(options({ root, scheduler: 'systemd' }));

    const result = installSchedule(options({ root }));

    expect(result.removed).toEqual([
      join(root, 'etc/systemd/system/hometemp-collector.service'),
      join(root, 'etc/systemd/system/hometemp-collector.timer'),
    ]);
    expect(existsSync(join(root, 'etc/systemd/system/hometemp-collector.timer'))).toBe(false);
  });
});

describe('findUser', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\nhometemp:x:999:998::/nonexistent:/usr/sbin/nologin\n';

  it('returns uid and gid', () => {
    expect(findUser(passwd, 'hometemp')).toEqual({ name: 'hometemp', uid: 999, gid: 998 });
  });

  it('returns undefined for an unknown user', () => {
    expect(findUser(passwd, 'nosuchuser')).toBeUndefined();
  });
});
