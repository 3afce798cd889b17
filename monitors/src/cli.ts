import { Command, InvalidArgumentError } from 'commander';
import { HometempError } from '../../core/src/index';
import { renderRejections } from './renderer';
import { ValidationRejectedError } from './sync';
import { runNotifyTest } from './commands/notify-test';
import { runSync } from './commands/sync';
import { runValidate } from './commands/validate';
import type { CommandContext } from './commands/context';
import { EXIT } from './utils';

const DEFAULT_SITE_FILE = 'site.json';
const DEFAULT_TIMEOUT_SECONDS = 30;

function parseTimeout(value: string): number {
  const timeout = Number(value);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 600) {
    throw new InvalidArgumentError('must be a number of seconds above 0 and at most 600, such as 30');
  }
  return timeout;
}

async function guarded(context: CommandContext, debug: boolean, action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ValidationRejectedError) context.stderr(renderRejections(error.rejections));
    else if (error instanceof HometempError) context.stderr(`error: ${error.message}`);
    else context.stderr(`error: unexpected failure: ${error instanceof Error ? error.message : String(error)}${debug ? '' : ' (rerun with --debug for the stack)'}`);
    if (debug && error instanceof Error && error.stack !== undefined) context.stderr(error.stack);
    return EXIT.failure;
  }
}

/** Parses `argv` (without node and script) and runs one command; resolves to the exit code. */
export async function runCli(argv: string[], context: CommandContext): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('hometemp-monitors')
    .description('Datadog monitors for a hometemp site, planned and applied from the site description')
    .exitOverride()
    .option('--debug', 'print the stack of an error', false)
    .configureOutput({ writeOut: (text) => context.stdout(text.trimEnd()), writeErr: (text) => context.stderr(text.trimEnd()) });
  const siteOption = ['--site <file>', 'site description (JSON)', DEFAULT_SITE_FILE] as const;

  program
    .command('sync')
    .description('show what would change in Datadog; with --apply, change it')
    .option(...siteOption)
    .option('--apply', 'create, update (and with --prune delete) monitors as planned', false)
    .option('--prune', 'delete managed monitors that are no longer declared', false)
    .option('--adopt', 'take over unmanaged monitors whose name matches a declared one', false)
    .option('--json', 'print the plan as JSON', false)
    .option('--timeout <seconds>', 'seconds one Datadog request may take before sync fails', parseTimeout, DEFAULT_TIMEOUT_SECONDS)
    .action(async (options) => {
      exitCode = await guarded(context, program.opts().debug === true, () => runSync(options, context));
    });
  program
    .command('validate')
    .description('check the site description and generated monitors locally, without Datadog')
    .option(...siteOption)
    .action(async (options) => {
      exitCode = await guarded(context, program.opts().debug === true, () => runValidate(options, context));
    });
  program
    .command('notify-test')
    .description('post a test message to SLACK_WEBHOOK_URL')
    .option(...siteOption)
    .action(async (options) => {
      exitCode = await guarded(context, program.opts().debug === true, () => runNotifyTest(options, context));
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    return code === 0 ? EXIT.ok : EXIT.failure;
  }
  return exitCode;
}
