// Domain code asks this for the time instead of calling Date.now(), so tests can move
// time forward on a real server instead of faking timers.
export interface Clock {
  now(): Date;
  /**
   * Calls `listener` whenever the clock jumps (a test moving time), so that timers
   * computed from it are re-checked; the system clock never jumps. Returns a remover.
   */
  onJump?(listener: () => void): () => void;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that starts at the real time and that tests move forward explicitly. Frozen,
 * it stands still between moves, so durations a test computes by hand are exact.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  private readonly jumpListeners = new Set<() => void>();
  now(): Date {
    return new Date((this.frozenAt ?? Date.now()) + this.offsetMs);
  }
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
    for (const listener of [...this.jumpListeners]) listener();
  }
  onJump(listener: () => void): () => void {
    this.jumpListeners.add(listener);
    return () => this.jumpListeners.delete(listener);
  }
  freeze(): void {
    this.frozenAt = this.now().getTime();
    this.offsetMs = 0;
  }
}
