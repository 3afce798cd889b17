import type { Sleep } from '../api';

/** The parts of the process a command may use: environment, output streams, clock and waits. */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Waits between retries of Datadog requests; tests pass one that returns at once. */
  sleep?: Sleep;
  /** The current time, which decides whether a one-off downtime is already over. */
  now?: () => Date;
}
