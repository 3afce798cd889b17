import { RunDeadline } from './run-deadline';

const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

describe('RunDeadline', () => {
  it('aborts reading before work and run', async () => {
    const deadline = new RunDeadline({ runMs: 10_000, workMs: 5_000, readMs: 20 });

    await aborted(deadline.read);

    expect(deadline.work.aborted).toBe(false);
    expect(deadline.run.aborted).toBe(false);
    deadline.clear();
  });

  it('aborts every signal with the caller', () => {
    const caller = new AbortController();
    const deadline = new RunDeadline({ runMs: 10_000, workMs: 5_000, readMs: 3_000, abort: caller.signal });

    caller.abort();

    expect([deadline.run.aborted, deadline.work.aborted, deadline.read.aborted]).toEqual([true, true, true]);
    expect(deadline.remainingWorkMs()).toBe(0);
    deadline.clear();
  });

  it('keeps the process alive until cleared', () => {
    const before = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const deadline = new RunDeadline({ runMs: 10_000, workMs: 5_000, readMs: 3_000 });
    const during = process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;

    deadline.clear();

    expect(during - before).toBe(3);
    expect(process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length).toBe(before);
  });
});
