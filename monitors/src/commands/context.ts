/** What a command may touch: the environment and two output streams. Tests pass their own. */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}
