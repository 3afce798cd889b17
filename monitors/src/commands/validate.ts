import { checkDefinitions } from '../checks';
import { generateMonitors } from '../definitions/generate';
import { renderCheckProblems } from '../renderer';
import { EXIT, loadSiteFile } from '../utils';
import type { CommandContext } from './context';

/** `validate`: loads the site and runs the local checks; needs no keys and makes no request. */
export async function runValidate(options: { site: string }, context: CommandContext): Promise<number> {
  const site = loadSiteFile(options.site);
  const monitors = generateMonitors(site);
  const problems = checkDefinitions(monitors, site.collectionIntervalMinutes);
  if (problems.length > 0) {
    context.stderr(renderCheckProblems(problems));
    return EXIT.failure;
  }
  context.stdout(`${options.site}: ${monitors.length} monitors pass the local checks.`);
  return EXIT.ok;
}
