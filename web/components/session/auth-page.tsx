import * as React from 'react';
import Link from 'next/link';
import { LogoMark } from '@/components/site/logo';
import { Container } from '@/components/page-header';

/** Centered card layout shared by /signin and /signup. */
export function AuthPage({
  title,
  description,
  children,
}: {
  title: string;
  description: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <Container className="grid justify-items-center py-10 sm:py-16">
      <div className="w-full max-w-md">
        <div className="mb-6 grid justify-items-center gap-3 text-center">
          <Link href="/" aria-label="Engify home" className="rounded-md">
            <LogoMark className="size-10" />
          </Link>
          <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{title}</h1>
          <p className="text-sm text-pretty text-muted-foreground">{description}</p>
        </div>
        <div className="rounded-xl border bg-card p-5 shadow-xs sm:p-7">{children}</div>
      </div>
    </Container>
  );
}
