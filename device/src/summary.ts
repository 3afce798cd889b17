import type { RunReport } from './run';

/** Formats the short human summary `run` prints on a terminal, one problem per line. */
export function formatSummary(
  report: Pick<RunReport, 'heartbeat' | 'sent' | 'rejectedByServer' | 'problems'>,
): string {
  const { heartbeat } = report;
  const sensors = heartbeat.sensors.map((sensor) => `${sensor.sensorId} ${sensor.status}`).join(', ');
  const rejected = report.rejectedByServer > 0 ? `, ${report.rejectedByServer} rejected by ingest` : '';
  const headline =
    `run ${heartbeat.outcome}: ${report.sent} readings sent${rejected}, ${heartbeat.spool.depth} in the spool. ` +
    `Sensors: ${sensors}\n`;

  return headline + report.problems.map((problem) => `  - ${problem}\n`).join('');
}
