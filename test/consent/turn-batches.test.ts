import { describe, expect, it } from 'vitest';
import { TurnBatches } from '../../server/consent/turn-batches.js';

describe('calls batched per turn of the event loop', () => {
  it('when calls are made in the same turn, then they are handled together and each gets its own answer; a later turn is a new batch', async () => {
    const batches: number[][] = [];
    const doubling = new TurnBatches<number, number>(async (items) => {
      batches.push(items);
      return items.map((n) => n * 2);
    });
    expect(await Promise.all([1, 2, 3].map((n) => doubling.run(n)))).toEqual([2, 4, 6]);
    expect(await doubling.run(4)).toBe(8);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('when handling a batch together fails, then each call is handled on its own, and only the failing one fails', async () => {
    const batches: number[][] = [];
    const picky = new TurnBatches<number, string>(async (items) => {
      batches.push(items);
      if (items.includes(13)) throw new Error('not 13');
      return items.map(String);
    });
    const answers = await Promise.allSettled([12, 13, 14].map((n) => picky.run(n)));
    expect(answers).toEqual([
      { status: 'fulfilled', value: '12' },
      { status: 'rejected', reason: new Error('not 13') },
      { status: 'fulfilled', value: '14' },
    ]);
    expect(batches).toEqual([[12, 13, 14], [12], [13], [14]]);
  });
});
