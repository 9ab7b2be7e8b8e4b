/**
 * Hands the variables filled in on a prompt page to the workbench it links to ("Run in workbench"),
 * through sessionStorage: this tab only, read once. Nothing secret, and it fails quietly without storage.
 */
const KEY = (slug: string) => `engify-workbench-values:${slug}`;

export function carryValues(slug: string, values: Record<string, string>): void {
  try {
    window.sessionStorage.setItem(KEY(slug), JSON.stringify(values));
  } catch {
    // No storage: the workbench starts from the prompt's defaults.
  }
}

export function takeCarriedValues(slug: string): Record<string, string> | null {
  try {
    const raw = window.sessionStorage.getItem(KEY(slug));
    if (raw === null) return null;
    window.sessionStorage.removeItem(KEY(slug));
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    return Object.fromEntries(
      Object.entries(parsed as Record<string, unknown>).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  } catch {
    return null;
  }
}
