import type { Metadata, Viewport } from 'next';
import { SessionProvider } from '@/components/session/session-provider';
import { SiteFooter } from '@/components/site/site-footer';
import { SiteHeader } from '@/components/site/site-header';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Engify — prompt templates and patterns for engineering teams', template: '%s · Engify' },
  description:
    'A searchable library of prompt templates and prompt patterns that helps engineering teams get good at working with AI.',
  applicationName: 'Engify',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#15161d' },
  ],
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    // theme.js sets the `dark` class before React hydrates, hence suppressHydrationWarning.
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* Blocking on purpose: applies the colour scheme before first paint (no inline script, CSP-friendly). */}
        <script src="/theme.js" />
      </head>
      <body className="flex min-h-dvh flex-col">
        <a
          href="#main-content"
          className="fixed top-3 left-3 z-50 -translate-y-24 rounded-md bg-primary px-4 py-2 text-sm font-medium text-primary-foreground shadow-md transition-transform focus:translate-y-0"
        >
          Skip to content
        </a>
        <SessionProvider>
          <SiteHeader />
          <main id="main-content" tabIndex={-1} className="flex-1 outline-none">
            {children}
          </main>
          <SiteFooter />
        </SessionProvider>
      </body>
    </html>
  );
}
