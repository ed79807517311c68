/** Exponential back-off with full jitter for retrying unprocessed batch entries. */
export async function backoff(attempt: number, baseMs = 50, capMs = 5000): Promise<void> {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

export const MAX_BATCH_ATTEMPTS = 8;
