import type { Sleep } from '../api';

/** What a command may touch: the environment, two output streams and the clock's waits. */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Waits between retries of Datadog requests; tests pass one that returns at once. */
  sleep?: Sleep;
  /** The current time, which decides whether a one-off downtime is already over. */
  now?: () => Date;
}
