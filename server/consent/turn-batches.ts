interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Calls made in the same turn of the event loop, handled together: one transaction, one round
 * trip, one commit for all of them (a commit costs more than a short write). Each caller still
 * gets its own answer, once they are all done. If handling them together fails, each is handled
 * again on its own, so that a failure is only its own caller's.
 */
export class TurnBatches<Item, Result> {
  private waiting: Waiting<Item, Result>[] = [];

  constructor(private readonly handle: (items: Item[]) => Promise<Result[]>) {}

  run(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      if (!this.waiting.length) setImmediate(() => void this.flush());
      this.waiting.push({ item, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    try {
      const results = await this.handle(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const w of batch) this.handle([w.item]).then(([result]) => w.resolve(result!), w.reject);
    }
  }
}
