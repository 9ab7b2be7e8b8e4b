/**
 * "Last used" times are shown to the minute, so they are written at most once a minute per key:
 * true when the stored time is unset or at least a minute old.
 */
export function isStale(lastUsedAt: string | null, now: Date): boolean {
  return lastUsedAt === null || now.getTime() - Date.parse(lastUsedAt) >= 60_000;
}
