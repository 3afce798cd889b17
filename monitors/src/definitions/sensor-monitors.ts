import type { Site } from '../../../core/src/index';
import { buildMessage } from './messages';
import { anyOf, toTagValue, windowOf } from './tags';
import { MANAGED_TAG, ID_TAG_PREFIX } from './types';
import type { GeneratorOptions, MonitorDefinition } from './types';

/**
 * Collection intervals without data before a Pi or a sensor counts as silent. Four intervals
 * (an hour at 15 minutes) tolerate one or two missed runs, which a DHT sensor's failed reads
 * or a Wi-Fi drop cause routinely, without waking anyone.
 */
export const SILENT_AFTER_INTERVALS = 4;

export function baseTags(site: Site, key: string, service: string): string[] {
  return [MANAGED_TAG, `${ID_TAG_PREFIX}${key}`, `site:${site.name}`, `service:${service}`, 'team:home'];
}

/**
 * Builds the filter on the site's devices, or on those with a sensor in `room`. Every room,
 * sensor and collector query carries it, so two sites in one Datadog organization with a room of
 * the same name do not alert each other.
 */
export function deviceFilter(site: Site, room?: string): string {
  const devices = room === undefined ? site.devices : site.devices.filter((device) => device.sensors.some((sensor) => sensor.room === room));
  const scoped = devices.length > 0 ? devices : site.devices;

  return anyOf('device', scoped.map((device) => toTagValue(device.id)));
}

/**
 * The silent-Pi and silent-sensor monitors. Both alert through no-data only: a group (a device,
 * or a sensor) that sends nothing for `SILENT_AFTER_INTERVALS` intervals goes to No Data once, is
 * not renotified, and recovers as soon as data returns. Datadog drops a group without points
 * from the evaluation instead of counting it as 0, so a threshold such as `<= 0` could never
 * fire. The threshold is `< 0` instead, which no count or sum of ones can reach, and the message
 * has no alert section.
 */
export function silenceMonitors(site: Site, options: GeneratorOptions): MonitorDefinition[] {
  const silentMinutes = SILENT_AFTER_INTERVALS * site.collectionIntervalMinutes;
  const window = windowOf(silentMinutes);
  const shared = {
    type: 'query alert' as const,
    priority: 2,
    cadence: 'collector' as const,
    options: {
      thresholds: { critical: 0 },
      notifyNoData: true,
      noDataTimeframe: silentMinutes,
      requireFullWindow: false,
      renotifyInterval: 0,
      evaluationDelay: 0,
      includeTags: true,
      notifyAudit: false,
      newGroupDelay: 0,
    },
  };
  const silentFor = `${silentMinutes} minutes (${SILENT_AFTER_INTERVALS} collection intervals)`;

  return [
    {
      ...shared,
      key: 'pi-silent',
      name: `[${site.name}] Pi {{device.name}} sent no heartbeat for ${silentFor}`,
      query: `sum(${window}):sum:hometemp.heartbeat.runs{${deviceFilter(site)}} by {device} < 0`,
      message: buildMessage(site, {
        noData: `Pi {{device.name}} has sent no heartbeat for ${silentFor}: it is off, offline or its timer stopped.`,
        recovery: 'Pi {{device.name}} is sending heartbeats again.',
        runbook: 'Check power and Wi-Fi, then `systemctl list-timers hometemp*` on the Pi.',
      }),
      tags: baseTags(site, 'pi-silent', 'hometemp-collector'),
    },
    {
      ...shared,
      key: 'sensor-silent',
      name: `[${site.name}] Sensor {{sensor.name}} in {{room.name}} sent no reading for ${silentFor}`,
      query: `sum(${window}):count:hometemp.temperature{${deviceFilter(site)}} by {device,sensor,room} < 0`,
      message: buildMessage(site, {
        noData: `Sensor {{sensor.name}} in {{room.name}} (Pi {{device.name}}) has sent no accepted reading for ${silentFor}: it is unplugged, failing its reads, or stuck and rejected.`,
        recovery: 'Sensor {{sensor.name}} in {{room.name}} is sending readings again.',
        runbook: 'Look at `hometemp.heartbeat.sensor_status` for the reason, then at the wiring.',
      }),
      tags: baseTags(site, 'sensor-silent', 'hometemp-collector'),
    },
  ];
}
