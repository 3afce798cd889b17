import type { Site } from '../../../core/src/index';

/** Texts of each notification. Every text names the room, sensor or device and the value. */
export interface MessageTexts {
  /** Left out for a monitor that alerts through no-data only. */
  alert?: string;
  warning?: string;
  recovery: string;
  noData?: string;
  /** The first thing to check, appended to every section but recovery. */
  runbook: string;
}

/** Returns the Datadog notification handle of a Slack channel. */
export function slackHandle(channel: string): string {
  return `@slack-${channel}`;
}

/**
 * Builds a monitor message with `is_alert`, `is_warning`, `is_recovery` and `is_no_data`
 * sections: critical and no-data go to the critical channel, warnings to the warning channel,
 * and recoveries to both so everyone who was alerted learns that it is over.
 */
export function buildMessage(site: Site, texts: MessageTexts): string {
  const critical = slackHandle(site.slack.critical);
  const warning = slackHandle(site.slack.warning);
  const recoveryHandles = critical === warning ? critical : `${critical} ${warning}`;
  const sections: string[] = [];
  if (texts.alert !== undefined) {
    sections.push(`{{#is_alert}}${texts.alert}\n${texts.runbook} ${critical}{{/is_alert}}`);
  }
  if (texts.warning !== undefined) {
    sections.push(`{{#is_warning}}${texts.warning}\n${texts.runbook} ${warning}{{/is_warning}}`);
  }
  if (texts.noData !== undefined) {
    sections.push(`{{#is_no_data}}${texts.noData}\n${texts.runbook} ${critical}{{/is_no_data}}`);
  }
  sections.push(`{{#is_recovery}}${texts.recovery} ${recoveryHandles}{{/is_recovery}}`);

  return sections.join('\n');
}
