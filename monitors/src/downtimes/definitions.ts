import type { v2 } from '@datadog/datadog-api-client';
import { toTagValue } from '../../../core/src/index';
import type { Site, SiteDowntime } from '../../../core/src/index';
import { MANAGED_TAG } from '../definitions/types';
import { ownershipMarker } from '../ownership';
import { localTimeToUtc } from './local-time';

/** A one-off mute between two instants. */
export interface OneOffSchedule {
  start: Date;
  end: Date;
}

/** A repeating mute: Datadog reads `start` as wall-clock time in `timezone`. */
export interface RecurringSchedule {
  timezone: string;
  recurrences: { rrule: string; duration: string; start: string }[];
}

/** The attributes sync sends, in the v2 client's field names; every default is stated. */
export interface DowntimeAttributes {
  message: string;
  scope: string;
  monitorIdentifier: { monitorTags: string[] };
  displayTimezone: string;
  muteFirstRecoveryNotification: boolean;
  notifyEndStates: v2.DowntimeNotifyEndStateTypes[];
  notifyEndTypes: v2.DowntimeNotifyEndStateActions[];
  schedule: OneOffSchedule | RecurringSchedule;
}

/** One mute of the site description as a Datadog downtime; `key` is `downtime-<id>`. */
export interface DowntimeDefinition {
  key: string;
  name: string;
  attributes: DowntimeAttributes;
}

export function isRecurring(schedule: OneOffSchedule | RecurringSchedule): schedule is RecurringSchedule {
  return 'recurrences' in schedule;
}

/** Formats minutes as a v2 downtime duration: whole weeks, days or hours when exact, else minutes. */
export function durationOf(minutes: number): string {
  if (minutes % (7 * 1440) === 0) return `${minutes / (7 * 1440)}w`;
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}

// Datadog's recurrence start is wall-clock time without an offset; seconds are dropped.
const toMinute = (localTime: string) => localTime.slice(0, 16);

/**
 * Builds the scope: every monitor group of a listed device, and every group of a sensor in a
 * listed room or on a listed device. Room monitors group by sensor alone, so a room is muted
 * through its sensors' tags rather than through `room:`, which those groups do not carry.
 */
export function downtimeScope(site: Site, downtime: SiteDowntime): string {
  if (downtime.rooms.length === 0 && downtime.devices.length === 0) return '*';
  const sensors = site.devices.flatMap((device) =>
    device.sensors
      .filter((sensor) => downtime.rooms.includes(sensor.room) || downtime.devices.includes(device.id))
      .map((sensor) => toTagValue(sensor.id)),
  );
  const terms: string[] = [];
  if (downtime.devices.length > 0) terms.push(`device:(${downtime.devices.map(toTagValue).join(' OR ')})`);
  if (sensors.length > 0) terms.push(`sensor:(${sensors.join(' OR ')})`);

  return terms.join(' OR ');
}

function scheduleOf(downtime: SiteDowntime): OneOffSchedule | RecurringSchedule {
  if (downtime.recurrence !== undefined) {
    return {
      timezone: downtime.timezone,
      recurrences: [
        {
          rrule: downtime.recurrence.rrule,
          duration: durationOf(downtime.recurrence.durationMinutes),
          start: toMinute(downtime.start),
        },
      ],
    };
  }

  // The site schema requires `end` whenever `recurrence` is absent.
  return {
    start: localTimeToUtc(downtime.start, downtime.timezone),
    end: localTimeToUtc(downtime.end!, downtime.timezone),
  };
}

/**
 * Generates a Datadog downtime for every mute of the site. Each mutes only this site's managed
 * monitors (by their tags), and its message ends with the ownership line sync recognises.
 */
export function generateDowntimes(site: Site): DowntimeDefinition[] {
  return site.downtimes.map((downtime) => {
    const key = `downtime-${downtime.id}`;

    return {
      key,
      name: `[${site.name}] Downtime ${downtime.id}: ${downtime.reason}`,
      attributes: {
        message: `${downtime.reason}\n\n${ownershipMarker(site.name, key)}`,
        scope: downtimeScope(site, downtime),
        monitorIdentifier: { monitorTags: [MANAGED_TAG, `site:${site.name}`] },
        displayTimezone: downtime.timezone,
        muteFirstRecoveryNotification: false,
        notifyEndStates: ['alert', 'no data', 'warn'],
        notifyEndTypes: ['expired'],
        schedule: scheduleOf(downtime),
      },
    };
  });
}
