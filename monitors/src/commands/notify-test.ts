import { loadSlackWebhook } from '../config';
import { alertRoutingReminder, MISSING_WEBHOOK, renderSlackResult, SLACK_TEST_TEXT } from '../renderer';
import { postToSlack } from '../slack';
import { EXIT, loadSiteFile } from '../utils';
import type { CommandContext } from './context';

/**
 * `notify-test`: posts one test message to `SLACK_WEBHOOK_URL`, then names the `@slack-…`
 * handles that alerts use instead.
 */
export async function runNotifyTest(options: { site: string }, context: CommandContext): Promise<number> {
  const site = loadSiteFile(options.site);
  const url = loadSlackWebhook(context.env);
  if (!url) {
    context.stderr(MISSING_WEBHOOK);
    return EXIT.failure;
  }
  const result = await postToSlack(url, [SLACK_TEST_TEXT(site.name)]);
  const text = renderSlackResult(result);
  if (result.failures.length > 0) {
    context.stderr(text);
    return EXIT.failure;
  }
  context.stdout(text);
  context.stdout(alertRoutingReminder(site.slack));
  return EXIT.ok;
}
