import { spawnSync } from 'node:child_process';

const FOLDER = __dirname;

/** Runs a Debian-packaged Ansible tool in this folder; fails with the install hint if it is missing. */
function runTool(command: string, args: string[]) {
  const result = spawnSync(command, args, {
    cwd: FOLDER,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' },
  });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(`${command} is not installed; install it with: sudo apt-get install -y ansible ansible-lint`);
  }
  if (result.error) throw result.error;

  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('collector playbook', () => {
  it('passes ansible-playbook --syntax-check', () => {
    const result = runTool('ansible-playbook', ['--syntax-check', '-i', 'inventory.example.yml', 'collector.yml']);

    expect(result.output).toContain('playbook: collector.yml');
    expect(result.status).toBe(0);
  });

  it('passes ansible-lint offline', () => {
    // --offline: no Galaxy installs, no schema refresh and no version check over the network.
    const result = runTool('ansible-lint', ['--offline', 'collector.yml', 'inventory.example.yml']);

    expect(result.output).toContain('Passed');
    expect(result.status).toBe(0);
  });
});
