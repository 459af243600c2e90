// Failed authentications per client address: after too many within a window, the client is
// answered 429 until the window has passed, so tokens cannot be guessed at speed. Successful
// requests are not counted (the rate limit for everyone is @fastify/rate-limit's, in app.ts).
import { ApiError } from './errors';

export interface AuthThrottle {
  /** Refuses a client that has failed too often; call before authenticating. */
  check(client: string): void;
  failed(client: string): void;
}

export function createAuthThrottle(options: { maxFailures: number; windowMs: number; now?: () => number }): AuthThrottle {
  const now = options.now ?? Date.now;
  const failures = new Map<string, { count: number; resetAt: number }>();
  return {
    check(client) {
      const entry = failures.get(client);
      if (!entry) return;
      if (entry.resetAt <= now()) failures.delete(client);
      else if (entry.count >= options.maxFailures) {
        throw new ApiError(429, 'FOR_MANGA_FORSOK', 'För många misslyckade inloggningsförsök; vänta en stund och försök igen');
      }
    },
    failed(client) {
      const entry = failures.get(client);
      if (entry && entry.resetAt > now()) entry.count += 1;
      else failures.set(client, { count: 1, resetAt: now() + options.windowMs });
      // Forget old entries now and then, so that a scan of addresses cannot fill the memory.
      if (failures.size > 10_000) for (const [key, value] of failures) if (value.resetAt <= now()) failures.delete(key);
    },
  };
}
