import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeIssues } from './reading';
import { siteSchema } from './site';

const example = () =>
  JSON.parse(readFileSync(join(__dirname, '../../monitors/site.example.json'), 'utf8'));

describe('siteSchema', () => {
  it('accepts the example site', () => {
    const site = siteSchema.parse(example());

    expect(site.devices.map((device) => device.id)).toEqual(['pi-living', 'pi-bedroom', 'pi-attic']);
    expect(site.collectionIntervalMinutes).toBe(15);
    expect(site.downtimes[0]?.rooms).toEqual(['Attic']);
    expect(site.downtimes[1]?.devices).toEqual([]);
  });

  it.each([
    [
      'warning above critical when too hot',
      (site: any) => (site.rooms[0].temperature.high = { warning: 30, critical: 29 }),
      'rooms.0.temperature.high.warning',
      'must be below temperature.high.critical (29) so the warning comes first',
    ],
    [
      'warning below critical when too cold',
      (site: any) => (site.rooms[0].temperature.low = { warning: 12, critical: 14 }),
      'rooms.0.temperature.low.warning',
      'must be above temperature.low.critical (14) so the warning comes first',
    ],
    [
      'a sensor in an unknown room',
      (site: any) => (site.devices[2].sensors[0].room = 'Cellar'),
      'devices.2.sensors.0.room',
      '"Cellar" is not one of the rooms (Living room, Bedroom, Attic)',
    ],
    [
      'a sensor id used twice',
      (site: any) => (site.devices[1].sensors[0].id = 'living-dht22'),
      'devices.1.sensors.0.id',
      '"living-dht22" is used by another sensor; sensor ids must be unique in the site',
    ],
    [
      'a Slack channel with "#"',
      (site: any) => (site.slack.critical = '#alerts'),
      'slack.critical',
      'must be a Slack channel name without "#": lower-case letters, digits, "-" or "_"',
    ],
    [
      'a one-off downtime without end',
      (site: any) => delete site.downtimes[0].end,
      'downtimes.0.end',
      'is required unless recurrence is set',
    ],
    [
      'a downtime ending before it starts',
      (site: any) => (site.downtimes[0].end = '2026-03-01T08:00:00'),
      'downtimes.0.end',
      'must be after start (2026-03-02T08:00:00)',
    ],
    [
      'a downtime start in UTC',
      (site: any) => (site.downtimes[0].start = '2026-03-02T08:00:00Z'),
      'downtimes.0.start',
      'must be a local time such as 2026-12-24T00:00, without a zone or offset',
    ],
    [
      'a downtime end with an offset',
      (site: any) => (site.downtimes[0].end = '2026-03-06T18:00+01:00'),
      'downtimes.0.end',
      'must be a local time such as 2027-01-02T00:00, without a zone or offset',
    ],
    [
      'a day that does not exist',
      (site: any) => (site.downtimes[0].end = '2026-04-31T18:00'),
      'downtimes.0.end',
      'must be a local time such as 2027-01-02T00:00, without a zone or offset',
    ],
    [
      'an end equal to start without seconds',
      (site: any) => (site.downtimes[0].end = '2026-03-02T08:00'),
      'downtimes.0.end',
      'must be after start (2026-03-02T08:00:00)',
    ],
    [
      'a downtime id listed twice',
      (site: any) => (site.downtimes[1].id = 'attic-renovation'),
      'downtimes.1.id',
      '"attic-renovation" is listed twice; downtime ids must be unique in the site',
    ],
    [
      'an unknown time zone',
      (site: any) => (site.downtimes[1].timezone = 'Mars/Olympus'),
      'downtimes.1.timezone',
      'must be an IANA time zone such as Europe/Berlin',
    ],
    [
      'an unknown sensor type',
      (site: any) => (site.devices[0].sensors[0].type = 'bme280'),
      'devices.0.sensors.0.type',
      'Invalid option: expected one of "dht11"|"dht22"',
    ],
  ])('rejects %s', (_case, change, path, message) => {
    const input = example();
    change(input);

    const result = siteSchema.safeParse(input);

    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toEqual([{ path, message }]);
  });
});
