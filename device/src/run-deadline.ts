/**
 * The run's time limits as abort signals driven by timers that this object holds and clears.
 * Node 20 can garbage-collect an `AbortSignal.timeout` that only `AbortSignal.any` refers to,
 * and then it never fires, so none is used here. The timers are referenced, which keeps the
 * process alive while a run is in progress; `clear()` releases them when the run ends.
 */
export class RunDeadline {
  /** Aborts at the run deadline. */
  readonly run: AbortSignal;
  /** Aborts when the time for reading and delivery is over, or at `run`. */
  readonly work: AbortSignal;
  /** Aborts when the sensors' share of the work time is over, or at `work`. */
  readonly read: AbortSignal;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly workEndsAt: number;

  constructor(options: { runMs: number; workMs: number; readMs: number; abort?: AbortSignal }) {
    const run = this.controllerAfter(options.runMs);
    const work = this.controllerAfter(options.workMs);
    const read = this.controllerAfter(options.readMs);
    // Each signal also aborts when a longer one does: when the caller aborts, all of them do.
    this.follow(options.abort, run);
    this.follow(run.signal, work);
    this.follow(work.signal, read);
    this.run = run.signal;
    this.work = work.signal;
    this.read = read.signal;
    this.workEndsAt = performance.now() + options.workMs;
  }

  /** Milliseconds left before `work` aborts; 0 once it has. */
  remainingWorkMs(): number {
    return this.work.aborted ? 0 : Math.max(0, this.workEndsAt - performance.now());
  }

  /** Stops every timer, so the finished run keeps nothing alive. */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  private controllerAfter(ms: number): AbortController {
    const controller = new AbortController();
    this.timers.push(setTimeout(() => controller.abort(), ms));

    return controller;
  }

  private follow(signal: AbortSignal | undefined, controller: AbortController): void {
    if (!signal) return;
    if (signal.aborted) controller.abort();
    else signal.addEventListener('abort', () => controller.abort(), { once: true });
  }
}
