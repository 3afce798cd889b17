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
      (site: any) => site.devices[2].sensors.push({ id: 'cellar-dht22', type: 'dht22', room: 'Cellar' }),
      'devices.2.sensors.1.room',
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
      'a daily collection interval',
      (site: any) => (site.collectionIntervalMinutes = 1440),
      'collectionIntervalMinutes',
      'must be at most 60 minutes: the monitors compare 2 to 4 readings, so a longer interval would take hours to alert',
    ],
    [
      'a humidity window with one reading',
      (site: any) => {
        site.collectionIntervalMinutes = 45;
        site.rooms[0].humidity.forHours = 1;
      },
      'rooms.0.humidity.forHours',
      'is 1, which contains fewer than 2 readings at one every 45 minutes; set it to at least 2 or lower collectionIntervalMinutes',
    ],
    [
      'a room without a sensor',
      (site: any) => (site.devices[2].sensors[0].room = 'Bedroom'),
      'rooms.2',
      '"Attic" has no sensor, so its monitors would never fire; add a sensor with room "Attic" to a device, or remove the room',
    ],
    [
      'a threshold outside the DHT11 range',
      (site: any) => (site.rooms[2].temperature.high = { warning: 45, critical: 55 }),
      'rooms.2.temperature.high.critical',
      'is 55 °C, outside the 0 to 50 °C that sensor "attic-dht11" (dht11) in "Attic" measures, so it could never be reached; use a value in that range or a sensor type that covers it',
    ],
    [
      'a humidity threshold outside the DHT11 range',
      (site: any) => (site.rooms[2].humidity.high = { warning: 85, critical: 95 }),
      'rooms.2.humidity.high.critical',
      'is 95 %RH, outside the 20 to 90 %RH that sensor "attic-dht11" (dht11) in "Attic" measures, so it could never be reached; use a value in that range or a sensor type that covers it',
    ],
    [
      'room names with the same tag',
      (site: any) => {
        site.rooms[1].name = 'living room';
        site.devices[1].sensors[0].room = 'living room';
      },
      'rooms.1.name',
      '"living room" and "Living room" both become the Datadog tag room:living_room, so their monitors would watch the same readings; rename one',
    ],
    [
      'a lower-case UTC',
      (site: any) => (site.downtimes[1].timezone = 'utc'),
      'downtimes.1.timezone',
      '"utc" must be written "UTC", as the IANA time zone database names it',
    ],
    [
      'a lower-case alias',
      (site: any) => (site.downtimes[1].timezone = 'asia/kolkata'),
      'downtimes.1.timezone',
      '"asia/kolkata" must be written as the IANA time zone database names it, such as Europe/Berlin (this runtime reads it as Asia/Calcutta)',
    ],
    [
      'an unknown RRULE day',
      (site: any) => (site.downtimes[1].recurrence.rrule = 'FREQ=WEEKLY;BYDAY=XX'),
      'downtimes.1.recurrence.rrule',
      'BYDAY=XX is invalid; BYDAY takes day codes MO, TU, WE, TH, FR, SA or SU, comma-separated, optionally numbered (1MO, -1FR) (in the RRULE FREQ=WEEKLY;BYDAY=XX)',
    ],
    [
      'an RRULE hour of 25',
      (site: any) => (site.downtimes[1].recurrence.rrule = 'FREQ=DAILY;BYHOUR=25'),
      'downtimes.1.recurrence.rrule',
      'BYHOUR=25 is invalid; BYHOUR takes hours 0-23, comma-separated (in the RRULE FREQ=DAILY;BYHOUR=25)',
    ],
    [
      'an RRULE interval of 0',
      (site: any) => (site.downtimes[1].recurrence.rrule = 'FREQ=DAILY;INTERVAL=0'),
      'downtimes.1.recurrence.rrule',
      'INTERVAL=0 is invalid; INTERVAL takes a whole number from 1 (in the RRULE FREQ=DAILY;INTERVAL=0)',
    ],
    [
      'an RRULE minute of 60',
      (site: any) => (site.downtimes[1].recurrence.rrule = 'FREQ=DAILY;BYMINUTE=60'),
      'downtimes.1.recurrence.rrule',
      'BYMINUTE=60 is invalid; BYMINUTE takes minutes 0-59, comma-separated (in the RRULE FREQ=DAILY;BYMINUTE=60)',
    ],
    [
      'an RRULE with COUNT and UNTIL',
      (site: any) => (site.downtimes[1].recurrence.rrule = 'FREQ=DAILY;COUNT=3;UNTIL=20261231'),
      'downtimes.1.recurrence.rrule',
      'COUNT and UNTIL must not both be set (in the RRULE FREQ=DAILY;COUNT=3;UNTIL=20261231)',
    ],
    [
      'an RRULE without FREQ first',
      (site: any) => (site.downtimes[1].recurrence.rrule = 'BYDAY=SU;FREQ=WEEKLY'),
      'downtimes.1.recurrence.rrule',
      'must start with FREQ, such as FREQ=WEEKLY;BYDAY=SA,SU (in the RRULE BYDAY=SU;FREQ=WEEKLY)',
    ],
    [
      'an unknown RRULE part',
      (site: any) => (site.downtimes[1].recurrence.rrule = 'FREQ=WEEKLY;BYWEEK=2'),
      'downtimes.1.recurrence.rrule',
      'BYWEEK is not a supported part; use FREQ, INTERVAL, COUNT, UNTIL, BYDAY, BYHOUR, BYMINUTE, BYMONTHDAY, BYMONTH, BYSETPOS, WKST (in the RRULE FREQ=WEEKLY;BYWEEK=2)',
    ],
    [
      'an RRULE UNTIL that is no date',
      (site: any) => (site.downtimes[1].recurrence.rrule = 'FREQ=WEEKLY;UNTIL=20261301'),
      'downtimes.1.recurrence.rrule',
      'UNTIL=20261301 is not a real date; UNTIL takes a date such as 20261231 or 20261231T235959Z (in the RRULE FREQ=WEEKLY;UNTIL=20261301)',
    ],
    [
      'an unknown sensor type',
      (site: any) => (site.devices[0].sensors[0].type = 'bme280'),
      'devices.0.sensors.0.type',
      'Invalid option: expected one of "dht11"|"dht22"',
    ],
  ])('rejects %s', (_case, change: (site: any) => unknown, path, message) => {
    const input = example();
    change(input);

    const result = siteSchema.safeParse(input);

    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toEqual([{ path, message }]);
  });

  it.each([
    ['Attic {{#is_alert}} @slack-general', 'must not contain "{{", "}}", "@", "<" or ">", which Datadog and Slack read as template variables, mentions and links'],
    ['<!channel>', 'must not contain "{{", "}}", "@", "<" or ">", which Datadog and Slack read as template variables, mentions and links'],
    ['Attic\u202e', 'must not contain invisible characters such as bidi overrides, zero-width spaces or Hangul fillers, but has U+202E at position 6'],
  ])('rejects the room name %j', (name, message) => {
    const input = example();
    input.rooms[2].name = name;
    input.devices[2].sensors[0].room = name;

    const result = siteSchema.safeParse(input);

    expect(result.success).toBe(false);
    const issues = describeIssues(result.error!);
    expect(issues).toContainEqual({ path: 'rooms.2.name', message });
    expect(issues).toContainEqual({ path: 'devices.2.sensors.0.room', message });
  });

  it.each([
    ['FREQ=WEEKLY;BYDAY=SA,SU'],
    ['FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=23;BYMINUTE=59'],
    ['FREQ=DAILY;INTERVAL=2;UNTIL=20261231T235959Z'],
  ])('accepts the RRULE %s', (rrule) => {
    const input = example();
    input.downtimes[1].recurrence.rrule = rrule;

    expect(siteSchema.safeParse(input).success).toBe(true);
  });

  it.each([['UTC'], ['Etc/UTC'], ['Asia/Kolkata'], ['America/Argentina/Buenos_Aires']])('accepts the time zone %s', (zone) => {
    const input = example();
    input.downtimes[1].timezone = zone;

    expect(siteSchema.safeParse(input).success).toBe(true);
  });
});
