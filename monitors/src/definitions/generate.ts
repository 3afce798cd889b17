import type { Site } from '../../../core/src/index';
import { healthMonitors } from './health-monitors';
import { roomMonitors } from './room-monitors';
import { silenceMonitors } from './sensor-monitors';
import { DEFAULT_GENERATOR_OPTIONS } from './types';
import type { GeneratorOptions, MonitorDefinition } from './types';

/** Generates every monitor of a site, in a stable order. */
export function generateMonitors(
  site: Site,
  options: Partial<GeneratorOptions> = {},
): MonitorDefinition[] {
  const { ingestFunctionName, frontendService, env } = site.deployment;
  const resolved = { ...DEFAULT_GENERATOR_OPTIONS, ingestFunctionName, frontendService, env, ...options };

  return [
    ...silenceMonitors(site, resolved),
    ...roomMonitors(site, resolved),
    ...healthMonitors(site, resolved),
  ];
}
