/** A worker's pause between polls that new work can end at once: `wait` resolves after `ms`, or at the next `wake`. */
export class WakeableWait {
  private wakeNow: (() => void) | null = null;

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeNow === done) this.wakeNow = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeNow = done;
    });
  }

  wake(): void {
    this.wakeNow?.();
  }
}
