import { z } from 'zod';
import { idSchema, roomSchema } from './reading';
import { checkRrule } from './rrule';
import { checkRoomSensors, checkRoomTags } from './site-room-checks';
import { SENSOR_TYPES } from './sensor-types';

// A reading's room rule, so a room named here matches what collectors send. Room names also go
// into Datadog monitor messages, where `{{` and `}}` start template variables and `@` notifies,
// and from there into Slack, where `<!channel>` or `<@U123>` notifies.
const roomNameSchema = roomSchema.refine((room) => !/\{\{|\}\}|[@<>]/.test(room), {
  message:
    'must not contain "{{", "}}", "@", "<" or ">", which Datadog and Slack read as template variables, mentions and links',
});

// Slack channel names: lower-case letters, digits, "-" and "_", at most 80 characters.
const slackChannelSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, {
  message: 'must be a Slack channel name without "#": lower-case letters, digits, "-" or "_"',
});

const celsiusSchema = z.number().min(-40).max(80);
const percentSchema = z.number().min(0).max(100);

const levelsSchema = <T extends z.ZodNumber>(value: T) =>
  z.strictObject({ warning: value, critical: value });

const siteRoomSchema = z
  .strictObject({
    name: roomNameSchema,
    temperature: z.strictObject({
      /** Too hot: warning at or above `warning`, critical at or above `critical`. */
      high: levelsSchema(celsiusSchema),
      /** Too cold: warning at or below `warning`, critical at or below `critical`. */
      low: levelsSchema(celsiusSchema),
    }),
    humidity: z.strictObject({
      high: levelsSchema(percentSchema),
      /** Hours that humidity must stay high before an alert is sent. */
      forHours: z.number().int().min(1).max(24).default(3),
    }),
  })
  .superRefine((room, context) => {
    const { high, low } = room.temperature;
    if (high.warning >= high.critical) {
      context.addIssue({
        code: 'custom',
        path: ['temperature', 'high', 'warning'],
        message: `must be below temperature.high.critical (${high.critical}) so the warning comes first`,
      });
    }
    if (low.warning <= low.critical) {
      context.addIssue({
        code: 'custom',
        path: ['temperature', 'low', 'warning'],
        message: `must be above temperature.low.critical (${low.critical}) so the warning comes first`,
      });
    }
    if (low.warning >= high.warning) {
      context.addIssue({
        code: 'custom',
        path: ['temperature', 'low', 'warning'],
        message: `must be below temperature.high.warning (${high.warning})`,
      });
    }
    if (room.humidity.high.warning >= room.humidity.high.critical) {
      context.addIssue({
        code: 'custom',
        path: ['humidity', 'high', 'warning'],
        message: `must be below humidity.high.critical (${room.humidity.high.critical})`,
      });
    }
  });

const sensorSchema = z.strictObject({
  id: idSchema,
  type: z.enum(Object.keys(SENSOR_TYPES) as [keyof typeof SENSOR_TYPES]),
  room: roomNameSchema,
});

const deviceSchema = z.strictObject({
  id: idSchema,
  sensors: z.array(sensorSchema).min(1, { message: 'must list at least one sensor' }).max(32),
});

// NOTE: Intl accepts zone names in any case and resolves some IANA aliases to older names (Node 20
// resolves Asia/Kolkata to Asia/Calcutta). So a name that resolves to another one is accepted
// when each part of it starts with a capital letter, as every IANA name does.
function checkTimeZone(zone: string): string | undefined {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return 'must be an IANA time zone such as Europe/Berlin';
  }
  if (resolved === zone) return undefined;
  if (resolved.toLowerCase() === zone.toLowerCase()) return `"${zone}" must be written "${resolved}", as the IANA time zone database names it`;
  if (zone.split('/').some((part) => !/^[A-Z]/.test(part))) {
    return `"${zone}" must be written as the IANA time zone database names it, such as Europe/Berlin (this runtime reads it as ${resolved})`;
  }

  return undefined;
}

const timeZoneSchema = z.string().superRefine((zone, context) => {
  const problem = checkTimeZone(zone);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

const rruleSchema = z.string().superRefine((rrule, context) => {
  for (const problem of checkRrule(rrule)) {
    context.addIssue({ code: 'custom', message: `${problem} (in the RRULE ${rrule})` });
  }
});

// A wall-clock time without a zone or offset: `timezone` gives the zone it is read in.
const LOCAL_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

function isLocalTime(value: string): boolean {
  const match = LOCAL_TIME_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second));

  return date.getUTCFullYear() === year && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day &&
    hour! < 24 && minute! < 60 && second! < 60;
}

// Local times with and without seconds compare as strings once both have seconds.
const withSeconds = (localTime: string) => (localTime.length === 16 ? `${localTime}:00` : localTime);

const localTimeSchema = (example: string) =>
  z.string().refine(isLocalTime, { message: `must be a local time such as ${example}, without a zone or offset` });

const downtimeSchema = z
  .strictObject({
    id: idSchema,
    /** Reason the alerts are muted, shown with the mute in Datadog. */
    reason: z.string().trim().min(1).max(200),
    /** Rooms and devices to mute; both empty mutes the whole site. */
    rooms: z.array(roomNameSchema).default([]),
    devices: z.array(idSchema).default([]),
    /** Local wall-clock time, such as 2026-12-24T00:00, read in `timezone`. */
    start: localTimeSchema('2026-12-24T00:00'),
    end: localTimeSchema('2027-01-02T00:00').optional(),
    /** An RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=SA,SU, repeating from `start`. */
    recurrence: z
      .strictObject({
        rrule: rruleSchema,
        durationMinutes: z.number().int().min(1).max(7 * 24 * 60),
      })
      .optional(),
    timezone: timeZoneSchema,
  })
  .superRefine((downtime, context) => {
    if (downtime.end === undefined && downtime.recurrence === undefined) {
      context.addIssue({ code: 'custom', path: ['end'], message: 'is required unless recurrence is set' });
    }
    if (downtime.end !== undefined && downtime.recurrence !== undefined) {
      context.addIssue({ code: 'custom', path: ['end'], message: 'must be left out when recurrence is set' });
    }
    if (downtime.end !== undefined && withSeconds(downtime.end) <= withSeconds(downtime.start)) {
      context.addIssue({ code: 'custom', path: ['end'], message: `must be after start (${downtime.start})` });
    }
  });

// Datadog tag values: lower-case letters, digits and "_", "-", ".", "/", as `toTagValue` makes them.
const tagValueSchema = z.string().regex(/^[a-z][a-z0-9_./-]{0,199}$/, {
  message: 'must be a Datadog tag value: lower-case letters, digits, "_", "-", "." or "/", starting with a letter',
});

/**
 * The one deployment of ingest and the frontend that serves this site. Their monitors are
 * scoped by these names, so sites sharing a Datadog organization need a deployment each.
 */
const deploymentSchema = z.strictObject({
  /** The ingest Lambda's function name, as Datadog tags it (`functionname`). */
  ingestFunctionName: tagValueSchema.default('hometemp-ingest'),
  /** The frontend's APM service name. */
  frontendService: tagValueSchema.default('hometemp-frontend'),
  /** The `env` tag of the frontend's traces, when it sets `DD_ENV`. */
  env: tagValueSchema.optional(),
});

/**
 * One home: its rooms and their thresholds, its devices and sensors, how often collectors run,
 * where alerts go and when they are muted. Independent of any monitoring vendor.
 */
export const siteSchema = z
  .strictObject({
    /** Short name used in tags and titles, such as `home`. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, {
      message: 'must be 1-32 characters of a-z, 0-9 or "-", starting with a letter or digit',
    }),
    /**
     * Minutes between collector runs (the cron or timer interval). At most 60, because the
     * monitors need at least 2 readings in an hour to tell a silent sensor from a slow one.
     */
    collectionIntervalMinutes: z.number().int().min(1).max(60, {
      message: 'must be at most 60 minutes: the monitors compare 2 to 4 readings, so a longer interval would take hours to alert',
    }),
    slack: z.strictObject({ critical: slackChannelSchema, warning: slackChannelSchema }),
    rooms: z.array(siteRoomSchema).min(1, { message: 'must list at least one room' }),
    devices: z.array(deviceSchema).min(1, { message: 'must list at least one device' }),
    downtimes: z.array(downtimeSchema).default([]),
    deployment: deploymentSchema.prefault({}),
  })
  .superRefine((site, context) => {
    const roomNames = new Set<string>();
    site.rooms.forEach((room, index) => {
      if (roomNames.has(room.name)) {
        context.addIssue({ code: 'custom', path: ['rooms', index, 'name'], message: `"${room.name}" is listed twice` });
      }
      roomNames.add(room.name);
    });
    site.rooms.forEach((room, index) => {
      if (site.collectionIntervalMinutes > 60 || room.humidity.forHours * 60 >= 2 * site.collectionIntervalMinutes) return;
      context.addIssue({
        code: 'custom',
        path: ['rooms', index, 'humidity', 'forHours'],
        message: `is ${room.humidity.forHours}, which contains fewer than 2 readings at one every ${site.collectionIntervalMinutes} minutes; set it to at least ${Math.ceil((2 * site.collectionIntervalMinutes) / 60)} or lower collectionIntervalMinutes`,
      });
    });
    checkRoomTags(site, context);
    checkRoomSensors(site, context);
    const deviceIds = new Set<string>();
    const sensorIds = new Set<string>();
    site.devices.forEach((device, deviceIndex) => {
      if (deviceIds.has(device.id)) {
        context.addIssue({ code: 'custom', path: ['devices', deviceIndex, 'id'], message: `"${device.id}" is listed twice` });
      }
      deviceIds.add(device.id);
      device.sensors.forEach((sensor, sensorIndex) => {
        const path = ['devices', deviceIndex, 'sensors', sensorIndex];
        if (sensorIds.has(sensor.id)) {
          context.addIssue({ code: 'custom', path: [...path, 'id'], message: `"${sensor.id}" is used by another sensor; sensor ids must be unique in the site` });
        }
        sensorIds.add(sensor.id);
        if (!roomNames.has(sensor.room)) {
          context.addIssue({ code: 'custom', path: [...path, 'room'], message: `"${sensor.room}" is not one of the rooms (${[...roomNames].join(', ')})` });
        }
      });
    });
    const downtimeIds = new Set<string>();
    site.downtimes.forEach((downtime, index) => {
      if (downtimeIds.has(downtime.id)) {
        context.addIssue({ code: 'custom', path: ['downtimes', index, 'id'], message: `"${downtime.id}" is listed twice; downtime ids must be unique in the site` });
      }
      downtimeIds.add(downtime.id);
      downtime.rooms.filter((room) => !roomNames.has(room)).forEach((room) => {
        context.addIssue({ code: 'custom', path: ['downtimes', index, 'rooms'], message: `"${room}" is not one of the rooms` });
      });
      downtime.devices.filter((device) => !deviceIds.has(device)).forEach((device) => {
        context.addIssue({ code: 'custom', path: ['downtimes', index, 'devices'], message: `"${device}" is not one of the devices` });
      });
    });
  });

export type Site = z.output<typeof siteSchema>;
export type SiteInput = z.input<typeof siteSchema>;
export type SiteRoom = Site['rooms'][number];
export type SiteDevice = Site['devices'][number];
export type SiteSensor = SiteDevice['sensors'][number];
export type SiteDowntime = Site['downtimes'][number];
