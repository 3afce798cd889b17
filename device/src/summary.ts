import type { RunReport } from './run';

/** Formats the short human summary `run` prints on a terminal, one problem per line. */
export function formatSummary(
  report: Pick<RunReport, 'heartbeat' | 'sent' | 'rejectedByServer' | 'problems'>,
): string {
  const { heartbeat } = report;
  const sensors = heartbeat.sensors.map((sensor) => `${sensor.sensorId} ${sensor.status}`).join(', ');
  const rejected = report.rejectedByServer > 0 ? `, ${report.rejectedByServer} rejected by ingest` : '';
  const headline =
    `run ${heartbeat.outcome}: ${formatCount(report.sent, 'reading')} sent${rejected}, ${heartbeat.spool.depth} in the spool. ` +
    `Sensors: ${sensors}\n`;

  return headline + report.problems.map((problem) => `  - ${problem}\n`).join('');
}

/** Formats a count with its noun, singular for 1: `formatCount(1, 'spool line')` is "1 spool line". */
export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
