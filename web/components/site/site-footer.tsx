import Link from 'next/link';
import { LogoMark } from './logo';

export function SiteFooter() {
  return (
    <footer className="mt-auto border-t">
      <div className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-8 text-sm text-muted-foreground sm:flex-row sm:items-center sm:justify-between sm:px-6">
        <div className="flex items-center gap-2">
          <LogoMark className="size-5" />
          <span>
            <span className="font-medium text-foreground">Engify</span> — get good at working with AI.
          </span>
        </div>
        <nav aria-label="Footer">
          <ul className="flex flex-wrap gap-x-5 gap-y-2">
            <li>
              <Link href="/library" className="rounded-sm hover:text-foreground">
                Prompt library
              </Link>
            </li>
            <li>
              <Link href="/patterns" className="rounded-sm hover:text-foreground">
                Prompt patterns
              </Link>
            </li>
            <li>
              <a href="/api/docs" className="rounded-sm hover:text-foreground">
                API docs
              </a>
            </li>
          </ul>
        </nav>
      </div>
    </footer>
  );
}
