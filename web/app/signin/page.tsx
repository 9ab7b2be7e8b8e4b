import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AuthForm, AuthFormSkeleton } from '@/components/session/auth-form';
import { AuthPage } from '@/components/session/auth-page';

export const metadata: Metadata = { title: 'Sign in', robots: { index: false } };

export default function SignInPage() {
  return (
    <AuthPage
      title="Sign in to Engify"
      description="Save your own prompts, keep favorites and create API keys."
    >
      <Suspense fallback={<AuthFormSkeleton />}>
        <AuthForm mode="signin" />
      </Suspense>
    </AuthPage>
  );
}
