import type { Site, SiteRoom } from '../../../core/src/index';
import { buildMessage } from './messages';
import { baseTags, deviceFilter } from './sensor-monitors';
import { allOf, toTagValue, windowOf } from './tags';
import type { GeneratorOptions, MonitorDefinition, MonitorOptionsDefinition } from './types';

/**
 * Collection intervals a temperature must stay past a threshold. The window normally contains
 * 3 readings, and still 2 after one missed run. Too hot compares their minimum and too cold their
 * maximum, so a single odd reading (a door opened, the sun on the sensor) cannot alert.
 */
export const TEMPERATURE_INTERVALS = 3;

// Degrees or %RH a value must move back before the monitor recovers, so a reading that
// hovers at the threshold does not alert and recover on every run.
const HYSTERESIS = 1;

function roomOptions(options: GeneratorOptions, thresholds: MonitorOptionsDefinition['thresholds']): MonitorOptionsDefinition {
  return {
    thresholds,
    // Silence has its own monitor: a room monitor without data stays quiet.
    notifyNoData: false,
    requireFullWindow: false,
    renotifyInterval: options.renotifyMinutes,
    renotifyStatuses: ['alert'],
    evaluationDelay: 0,
    includeTags: true,
    notifyAudit: false,
    newGroupDelay: 0,
  };
}

function temperatureMonitors(site: Site, room: SiteRoom, options: GeneratorOptions): MonitorDefinition[] {
  const tag = toTagValue(room.name);
  const window = windowOf(TEMPERATURE_INTERVALS * site.collectionIntervalMinutes);
  const metric = `avg:hometemp.temperature{${allOf(`room:${tag}`, deviceFilter(site, room.name))}} by {sensor}`;
  const { high, low } = room.temperature;
  const hotKey = `room-${tag}-too-hot`;
  const coldKey = `room-${tag}-too-cold`;
  const runbook = `Every reading of the last ${TEMPERATURE_INTERVALS} collection intervals was past the threshold.`;

  return [
    {
      key: hotKey,
      name: `[${site.name}] ${room.name} is too hot`,
      type: 'query alert',
      query: `min(${window}):${metric} >= ${high.critical}`,
      message: buildMessage(site, {
        alert: `${room.name} is at or above the critical ${high.critical} °C on sensor {{sensor.name}}; the lowest recent reading was {{value}} °C.`,
        warning: `${room.name} is at or above the warning ${high.warning} °C on sensor {{sensor.name}}; the lowest recent reading was {{value}} °C.`,
        recovery: `${room.name} is back to {{value}} °C on sensor {{sensor.name}}.`,
        runbook,
      }),
      tags: [...baseTags(site, hotKey, 'hometemp-ingest'), `room:${tag}`],
      priority: 2,
      cadence: 'collector',
      options: roomOptions(options, {
        critical: high.critical,
        warning: high.warning,
        criticalRecovery: high.critical - HYSTERESIS,
        warningRecovery: high.warning - HYSTERESIS,
      }),
    },
    {
      key: coldKey,
      name: `[${site.name}] ${room.name} is too cold`,
      type: 'query alert',
      query: `max(${window}):${metric} <= ${low.critical}`,
      message: buildMessage(site, {
        alert: `${room.name} is at or below the critical ${low.critical} °C on sensor {{sensor.name}}; the highest recent reading was {{value}} °C.`,
        warning: `${room.name} is at or below the warning ${low.warning} °C on sensor {{sensor.name}}; the highest recent reading was {{value}} °C.`,
        recovery: `${room.name} is back to {{value}} °C on sensor {{sensor.name}}.`,
        runbook,
      }),
      tags: [...baseTags(site, coldKey, 'hometemp-ingest'), `room:${tag}`],
      priority: 2,
      cadence: 'collector',
      options: roomOptions(options, {
        critical: low.critical,
        warning: low.warning,
        criticalRecovery: low.critical + HYSTERESIS,
        warningRecovery: low.warning + HYSTERESIS,
      }),
    },
  ];
}

/**
 * Too humid: the lowest humidity over `forHours` is past the threshold, so every reading in
 * that span was, and a shower or a cooking session does not alert.
 */
function humidityMonitor(site: Site, room: SiteRoom, options: GeneratorOptions): MonitorDefinition {
  const tag = toTagValue(room.name);
  const key = `room-${tag}-too-humid`;
  const { high, forHours } = room.humidity;

  return {
    key,
    name: `[${site.name}] ${room.name} has been too humid for ${forHours} hours`,
    type: 'query alert',
    query: `min(${windowOf(forHours * 60)}):avg:hometemp.humidity{${allOf(`room:${tag}`, deviceFilter(site, room.name))}} by {sensor} >= ${high.critical}`,
    message: buildMessage(site, {
      alert: `${room.name} has stayed at or above the critical ${high.critical} %RH for ${forHours} hours; the lowest reading was {{value}} %RH on sensor {{sensor.name}}.`,
      warning: `${room.name} has stayed at or above the warning ${high.warning} %RH for ${forHours} hours; the lowest reading was {{value}} %RH on sensor {{sensor.name}}.`,
      recovery: `${room.name} is down to {{value}} %RH on sensor {{sensor.name}}.`,
      runbook: 'Air the room or run a dehumidifier; mould starts above about 70 %RH.',
    }),
    tags: [...baseTags(site, key, 'hometemp-ingest'), `room:${tag}`],
    priority: 3,
    cadence: 'collector',
    options: roomOptions(options, {
      critical: high.critical,
      warning: high.warning,
      criticalRecovery: high.critical - HYSTERESIS,
      warningRecovery: high.warning - HYSTERESIS,
    }),
  };
}

/** Too hot, too cold and too humid for every room of the site, each multi-alert by sensor. */
export function roomMonitors(site: Site, options: GeneratorOptions): MonitorDefinition[] {
  return site.rooms.flatMap((room) => [
    ...temperatureMonitors(site, room, options),
    humidityMonitor(site, room, options),
  ]);
}
