import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli';
import { FakeDatadog } from './testing/fake-datadog';
import { FakeSlack } from './testing/fake-slack';

const SITE = join(__dirname, '..', 'site.example.json');

// Before the example's one-off attic downtime (March 2026), so it is still to be created.
const NOW = new Date('2026-02-01T00:00:00Z');

function capture(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const sleeps: number[] = [];
  const context = {
    env,
    stdout: (text: string) => out.push(text),
    stderr: (text: string) => err.push(text),
    sleep: async (milliseconds: number) => {
      sleeps.push(milliseconds);
    },
    now: () => NOW,
  };
  return { out, err, sleeps, context };
}

describe('hometemp-monitors', () => {
  let datadog: FakeDatadog;
  let slack: FakeSlack;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    datadog = new FakeDatadog();
    slack = new FakeSlack();
    const [datadogUrl, slackUrl] = await Promise.all([datadog.start(), slack.start()]);
    env = { DD_API_KEY: datadog.apiKey, DD_APP_KEY: datadog.appKey, HOMETEMP_DATADOG_URL: datadogUrl, SLACK_WEBHOOK_URL: `${slackUrl}/services/T1/B1/x` };
  });

  afterEach(async () => {
    await Promise.all([datadog.stop(), slack.stop()]);
  });

  it('exits 2 with pending changes, then 0 after apply', async () => {
    const plan = capture(env);
    expect(await runCli(['sync', '--site', SITE], plan.context)).toBe(2);
    const summary = plan.out[0]!.split('\n').filter((line) => !line.startsWith('  '));
    expect(summary).toEqual([
      'Monitors: 23 to create, 0 to update, 0 to delete, 0 unchanged, 0 conflicts.',
      'Downtimes: 2 to create, 0 to update, 0 to cancel, 0 unchanged, 0 conflicts.',
      'Dashboards: 1 to create, 0 to update, 0 to delete, 0 unchanged, 0 conflicts.',
      'Plan: 26 to create, 0 to update, 0 to delete, 0 unchanged, 0 conflicts.',
    ]);
    expect(datadog.monitors.size).toBe(0);

    const apply = capture(env);
    expect(await runCli(['sync', '--site', SITE, '--apply'], apply.context)).toBe(0);
    expect(apply.out[2]).toBe('Slack: 1 message(s) sent.');
    expect((slack.received[0]!.text as string).split('\n')[0]).toBe('hometemp monitors for *home*: 26 applied, 0 failed, 0 not attempted.');
    expect(datadog.downtimes.downtimes.size).toBe(2);
    expect(datadog.dashboards.dashboards.size).toBe(1);

    const again = capture(env);
    expect(await runCli(['sync', '--site', SITE, '--json'], again.context)).toBe(0);
    const json = JSON.parse(again.out[0]!);
    expect(json.entries.every((entry: { action: string }) => entry.action === 'unchanged')).toBe(true);
    expect(json.downtimes.entries.map((entry: { action: string }) => entry.action)).toEqual(['unchanged', 'unchanged']);
    expect(json.dashboards.entries.map((entry: { action: string }) => entry.action)).toEqual(['unchanged']);
    const hot = json.entries.find((entry: { key: string }) => entry.key === 'room-attic-too-hot');
    expect(hot.desired.query).toBe('min(last_45m):avg:hometemp.temperature{room:attic AND device IN (pi-attic)} by {sensor} >= 40');
    expect(hot.desired.message.split('\n')[0]).toBe(
      '{{#is_alert}}Attic is at or above the critical 40 °C on sensor {{sensor.name}}; the lowest recent reading was {{value}} °C.',
    );
    expect(hot.desired.options.thresholds).toEqual({ critical: 40, warning: 35, critical_recovery: 39, warning_recovery: 34 });
    expect(hot.desired.options.notify_no_data).toBe(false);
    expect(json.downtimes.entries[0].desired.monitor_identifier).toEqual({ monitor_tags: ['managed-by:hometemp', 'site:home'] });
    expect(json.dashboards.entries[0].desired.layout_type).toBe('ordered');
    expect(json.dashboards.entries[0].desired.widgets[0].definition.title).toBe('Monitors');
  });

  it('plans a removed room as one dashboard line', async () => {
    expect(await runCli(['sync', '--site', SITE, '--apply'], capture(env).context)).toBe(0);
    const smaller = JSON.parse(readFileSync(SITE, 'utf8'));
    smaller.rooms.splice(1, 1);
    smaller.devices[1].sensors[0].room = 'Living room';
    const file = join(mkdtempSync(join(tmpdir(), 'hometemp-site-')), 'site.json');
    writeFileSync(file, JSON.stringify(smaller));
    const run = capture(env);

    expect(await runCli(['sync', '--site', file], run.context)).toBe(2);
    const lines = run.out[0]!.split('\n');
    const dashboard = lines.slice(lines.findIndex((line) => line.startsWith('Dashboards:')), -1);
    expect(dashboard).toEqual([
      'Dashboards: 0 to create, 1 to update, 0 to delete, 0 unchanged, 0 conflicts.',
      `  ~ [home] hometemp: rooms, sensors and pipeline health (id ${[...datadog.dashboards.dashboards.keys()][0]}): update`,
      '      widgets[group "Bedroom"]: removed',
      '      widgets[group "Living room"].definition.widgets[timeseries "Temperature (°C) by sensor"].definition.requests.0.q: "avg:hometemp.temperature{room:living_room AND device IN (pi-living)} by {sensor}" -> "avg:hometemp.temperature{room:living_room AND device IN (pi-living,pi-bedroom)} by {sensor}"',
      '      widgets[group "Living room"].definition.widgets[timeseries "Relative humidity (%RH) by sensor"].definition.requests.0.q: "avg:hometemp.humidity{room:living_room AND device IN (pi-living)} by {sensor}" -> "avg:hometemp.humidity{room:living_room AND device IN (pi-living,pi-bedroom)} by {sensor}"',
    ]);
  });

  it('retries a failed read without sleeping in tests', async () => {
    datadog.failNext('GET', /^\/api\/v1\/monitor$/, 503, 2);
    const run = capture(env);

    expect(await runCli(['sync', '--site', SITE, '--apply'], run.context)).toBe(0);
    expect(run.sleeps).toEqual([1000, 2000]);
    expect(datadog.monitors.size).toBe(23);
  });

  it('creates again after a 5xx only when nothing was stored', async () => {
    datadog.failNext('POST', /^\/api\/v1\/monitor$/, 503, 1);
    datadog.failNextAfterEffect('POST', /^\/api\/v1\/monitor$/, 500, 1);
    const run = capture(env);

    expect(await runCli(['sync', '--site', SITE, '--apply'], run.context)).toBe(0);
    expect(datadog.monitors.size).toBe(23);
    const names = [...datadog.monitors.values()].map((monitor) => monitor.name);
    expect(new Set(names).size).toBe(23);
  });

  it('deletes a duplicate hometemp-id with --prune only', async () => {
    expect(await runCli(['sync', '--site', SITE, '--apply'], capture(env).context)).toBe(0);
    const original = [...datadog.monitors.values()].find((monitor) => monitor.name === '[home] Attic is too hot')!;
    const clone = datadog.seed({ ...original, query: original.query as string, name: '[Clone] [home] Attic is too hot' });

    const plan = capture(env);
    expect(await runCli(['sync', '--site', SITE], plan.context)).toBe(2);
    expect(plan.out[0]!.split('\n')).toContain(
      `  ! [Clone] [home] Attic is too hot (id ${clone.id}): conflict: duplicate of monitor ${original.id} with the same hometemp-id; rerun with --prune to delete it`,
    );

    const prune = capture(env);
    expect(await runCli(['sync', '--site', SITE, '--apply', '--prune'], prune.context)).toBe(0);
    expect(prune.out[0]!.split('\n')).toContain(`  - [Clone] [home] Attic is too hot (id ${clone.id}): delete: duplicate of monitor ${original.id}`);
    expect(datadog.monitors.has(clone.id)).toBe(false);
    expect(datadog.monitors.has(original.id)).toBe(true);
  });

  it('leaves another site\'s monitors alone', async () => {
    const cabin = datadog.seed({
      name: '[cabin] Pi silent',
      query: 'sum(last_1h):sum:hometemp.heartbeat.runs{*} by {device}.as_count() <= 0',
      tags: ['managed-by:hometemp', 'hometemp-id:pi-silent', 'site:cabin'],
    });
    const run = capture(env);

    expect(await runCli(['sync', '--site', SITE, '--apply', '--prune'], run.context)).toBe(0);
    expect(datadog.monitors.get(cabin.id)!.name).toBe('[cabin] Pi silent');
    expect(datadog.monitors.size).toBe(24);
  });

  it('exits 2 on a name conflict, and 1 after apply', async () => {
    const unowned = datadog.seed({ name: '[home] Attic is too hot', query: 'avg(last_5m):avg:system.load.1{*} > 1', options: { thresholds: { critical: 1 } } });
    const plan = capture(env);

    expect(await runCli(['sync', '--site', SITE], plan.context)).toBe(2);
    expect(plan.err).toEqual([
      `Planning against the Datadog API at ${env.HOMETEMP_DATADOG_URL}`,
      [
        '1 conflict(s): sync --apply cannot make Datadog match the site until they are resolved:',
        `  monitor "[home] Attic is too hot" (id ${unowned.id}) exists with this name but is not managed by hometemp; rerun with --adopt to take it over, or rename it in Datadog`,
      ].join('\n'),
    ]);

    const apply = capture(env);
    expect(await runCli(['sync', '--site', SITE, '--apply'], apply.context)).toBe(1);
    expect(apply.err[1]!.split('\n')[0]).toBe('error: 1 conflict(s) left unresolved, so Datadog does not match the site:');
    expect(datadog.monitors.size).toBe(23);

    const again = capture(env);
    expect(await runCli(['sync', '--site', SITE, '--apply'], again.context)).toBe(1);
    expect(again.out[0]!.split('\n').at(-1)).toBe('Plan: 0 to create, 0 to update, 0 to delete, 25 unchanged, 1 conflicts.');
  });

  it('fails a request that gets no response', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const run = capture({ ...env, HOMETEMP_DATADOG_URL: url });

    try {
      expect(await runCli(['sync', '--site', SITE, '--timeout', '0.2'], run.context)).toBe(1);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
    expect(run.err).toEqual([`Planning against the Datadog API at ${url}`, `error: GET ${url}/api/v1/monitor got no response within 0.2 s; check the network or raise --timeout`]);
  });

  it('prints every retry and stops at a long rate limit', async () => {
    datadog.failNext('GET', /^\/api\/v1\/monitor$/, 503, 1);
    const run = capture(env);

    expect(await runCli(['sync', '--site', SITE], run.context)).toBe(2);
    expect(run.err).toEqual([`Planning against the Datadog API at ${env.HOMETEMP_DATADOG_URL}`, `Datadog returned 503 to GET ${env.HOMETEMP_DATADOG_URL}/api/v1/monitor; retry 1 of 3; waiting 1 s`]);

    const limited = new FakeDatadog({ rateLimit: 1, ratePeriodSeconds: 3600 });
    const limitedUrl = await limited.start();
    const blocked = capture({ ...env, HOMETEMP_DATADOG_URL: limitedUrl });
    try {
      expect(await runCli(['sync', '--site', SITE], blocked.context)).toBe(1);
    } finally {
      await limited.stop();
    }
    expect(blocked.err[1]).toMatch(
      new RegExp(`^error: Datadog's rate limit for GET ${limitedUrl}/api/v1/monitor resets in 3600 s, longer than the 60 s sync waits; run sync again after \\d{4}-`),
    );
    expect(blocked.sleeps).toEqual([]);
  });

  it('rejects a timeout that is not a number', async () => {
    const run = capture(env);

    expect(await runCli(['sync', '--site', SITE, '--timeout', 'soon'], run.context)).toBe(1);
    expect(run.err).toEqual(["error: option '--timeout <seconds>' argument 'soon' is invalid. must be a number of seconds above 0 and at most 600, such as 30"]);
  });

  it.each([
    ['rejected keys', 403, '{"errors":["Forbidden"]}', 'rejected the keys (HTTP 403): check DD_API_KEY, DD_APP_KEY and DD_SITE, and that the application key\'s scopes include monitors_read, monitors_write, monitors_downtime, dashboards_read and dashboards_write'],
    ['a login page', 200, '<html>Wi-Fi login</html>', "returned a body that is not Datadog's JSON, so it is not the Datadog API: is HOMETEMP_DATADOG_URL or DD_SITE right, or is a proxy or a Wi-Fi login page in the way?"],
    ['a server error after retries', 500, '{"errors":["Internal Server Error"]}', 'still failed after 3 retries (500: Internal Server Error); try again later'],
  ])('explains %s in one line', async (_case, status, body, message) => {
    const server = createServer((_request, response) => {
      response.writeHead(status, { 'content-type': body.startsWith('<') ? 'text/html' : 'application/json' });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const run = capture({ ...env, HOMETEMP_DATADOG_URL: url });

    try {
      expect(await runCli(['sync', '--site', SITE], run.context)).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(run.err.at(-1)).toBe(`error: ${message.startsWith('returned') ? `the server at ${url}` : `Datadog at ${url}`} ${message}`);
  });

  it('names a closed port in one line', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const run = capture({ ...env, HOMETEMP_DATADOG_URL: url });

    expect(await runCli(['sync', '--site', SITE], run.context)).toBe(1);
    expect(run.err).toEqual([`Planning against the Datadog API at ${url}`, `error: cannot reach the Datadog API at ${url}: ECONNREFUSED`]);
  });

  it('lists an over one-off downtime without creating it', async () => {
    const run = capture(env);
    run.context.now = () => new Date('2026-12-01T00:00:00Z');

    expect(await runCli(['sync', '--site', SITE], run.context)).toBe(2);
    const lines = run.out[0]!.split('\n');
    expect(lines).toContain('Downtimes: 1 to create, 0 to update, 0 to cancel, 0 unchanged, 0 conflicts.');
    expect(lines).toContain('  downtime already over, not created: [home] Downtime attic-renovation: Attic insulation work: the sensor is unplugged');
  });

  it('names a missing key before any request', async () => {
    const run = capture({ ...env, DD_APP_KEY: undefined });

    expect(await runCli(['sync', '--site', SITE], run.context)).toBe(1);
    expect(run.err).toEqual(['error: DD_APP_KEY is not set; set it to a Datadog application key with monitors_write and dashboards_write']);
    expect(datadog.requests).toEqual([]);
  });

  it('rejects a non-loopback http override', async () => {
    const run = capture({ ...env, HOMETEMP_DATADOG_URL: 'http://10.0.0.1:8080' });

    expect(await runCli(['sync', '--site', SITE], run.context)).toBe(1);
    expect(run.err).toEqual(['error: HOMETEMP_DATADOG_URL must use https, or http on 127.0.0.1, [::1] or localhost']);
  });

  it('shows every invalid field of the site file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hometemp-site-'));
    const file = join(dir, 'site.json');
    writeFileSync(file, JSON.stringify({ name: 'Home', collectionIntervalMinutes: 0 }));
    const run = capture(env);

    expect(await runCli(['validate', '--site', file], run.context)).toBe(1);
    expect(run.err[0]!.split('\n')).toEqual([
      `error: site description ${file} is invalid:`,
      '  name: must be 1-32 characters of a-z, 0-9 or "-", starting with a letter or digit',
      '  collectionIntervalMinutes: Too small: expected number to be >=1',
      '  slack: Invalid input: expected object, received undefined',
      '  rooms: Invalid input: expected array, received undefined',
      '  devices: Invalid input: expected array, received undefined',
    ]);
  });

  it('names the site field for a daily interval', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hometemp-site-'));
    const file = join(dir, 'site.json');
    const site = JSON.parse(readFileSync(SITE, 'utf8'));
    site.collectionIntervalMinutes = 1440;
    writeFileSync(file, JSON.stringify(site));
    const run = capture({});

    expect(await runCli(['validate', '--site', file], run.context)).toBe(1);
    expect(run.err[0]!.split('\n')).toEqual([
      `error: site description ${file} is invalid:`,
      '  collectionIntervalMinutes: must be at most 60 minutes: the monitors compare 2 to 4 readings, so a longer interval would take hours to alert',
    ]);
  });

  it('validates the example site offline', async () => {
    const run = capture({});

    expect(await runCli(['validate', '--site', SITE], run.context)).toBe(0);
    expect(run.out).toEqual([`${SITE}: 23 monitors pass the local checks.`]);
  });

  it('reports a failed Slack test message', async () => {
    const run = capture({ ...env, SLACK_WEBHOOK_URL: env.SLACK_WEBHOOK_URL!.replace(/x$/, 'revoked') });

    expect(await runCli(['notify-test', '--site', SITE], run.context)).toBe(1);
    expect(run.err).toEqual([
      'Slack: 0 message(s) sent, 1 failed:\n  HTTP 404 no_service: the webhook was removed or revoked in Slack; create a new incoming webhook and set SLACK_WEBHOOK_URL to its URL',
    ]);
  });

  it('names the host of a closed Slack port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const run = capture({ ...env, SLACK_WEBHOOK_URL: `http://${host}/services/T1/B1/x` });

    expect(await runCli(['notify-test', '--site', SITE], run.context)).toBe(1);
    expect(run.err).toEqual([
      `Slack: 0 message(s) sent, 1 failed:\n  could not reach ${host} (ECONNREFUSED); check the network and SLACK_WEBHOOK_URL`,
    ]);
  });

  it.each([
    ['http://hooks.example.test/services/T1/B1/x', 'error: SLACK_WEBHOOK_URL must use https (or http on 127.0.0.1, [::1] or localhost), not http://hooks.example.test'],
    ['hooks.slack.com/services/T1', 'error: SLACK_WEBHOOK_URL is not a URL; set it to the incoming webhook URL Slack shows, such as https://hooks.slack.com/services/T…/B…/…'],
  ])('rejects the Slack webhook %s', async (url, message) => {
    const run = capture({ ...env, SLACK_WEBHOOK_URL: url });

    expect(await runCli(['notify-test', '--site', SITE], run.context)).toBe(1);
    expect(run.err).toEqual([message]);
    expect(slack.received).toEqual([]);
  });

  it('checks the Slack webhook before sync', async () => {
    const run = capture({ ...env, SLACK_WEBHOOK_URL: 'ftp://hooks.example.test/x' });

    expect(await runCli(['sync', '--site', SITE], run.context)).toBe(1);
    expect(run.err).toEqual(['error: SLACK_WEBHOOK_URL must use https (or http on 127.0.0.1, [::1] or localhost), not ftp://hooks.example.test']);
    expect(datadog.requests).toEqual([]);
  });

  it('sends a Slack test message', async () => {
    const run = capture(env);

    expect(await runCli(['notify-test', '--site', SITE], run.context)).toBe(0);
    expect(slack.received).toEqual([{ text: 'hometemp test message for *home*: monitors will post here after every applied change.' }]);
    expect(run.out).toEqual([
      'Slack: 1 message(s) sent.',
      "Alerts do not use this webhook: they reach Slack through @slack-hometemp-critical and @slack-hometemp-warning, which work only once Datadog's Slack integration is installed and lists #hometemp-critical and #hometemp-warning.",
    ]);
  });
});
