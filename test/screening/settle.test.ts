import { describe, expect, it } from 'vitest';
import { settleAfterLoad } from '../../shared/screening/settle.js';

describe('settleAfterLoad', () => {
  it('resolves by its bound when no major collection comes, and keeps nothing pending', async () => {
    const guard = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 5_000).unref());
    const outcome = await Promise.race([settleAfterLoad(20).then(() => 'settled' as const), guard]);
    expect(outcome).toBe('settled');
    // Again, as a second loader in the same process would: the first left no observer behind.
    await expect(settleAfterLoad(1)).resolves.toBeUndefined();
  });
});
