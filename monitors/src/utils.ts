import { readFileSync } from 'node:fs';
import { ConfigError, describeIssues, siteSchema } from '../../core/src/index';
import type { Site } from '../../core/src/index';

/** Exit codes of `hometemp-monitors`. */
export const EXIT = { ok: 0, failure: 1, changesPending: 2 } as const;

/**
 * Reads and validates a site description.
 * @throws ConfigError naming the file and every invalid field.
 */
export function loadSiteFile(path: string): Site {
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read site description ${path}: ${(error as Error).message}`, { cause: error });
  }
  const result = siteSchema.safeParse(input);
  if (!result.success) {
    const lines = describeIssues(result.error).map((problem) => `  ${problem.path}: ${problem.message}`);
    throw new ConfigError([`site description ${path} is invalid:`, ...lines].join('\n'));
  }
  return result.data;
}
