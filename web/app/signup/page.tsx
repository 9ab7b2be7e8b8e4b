import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AuthForm, AuthFormSkeleton } from '@/components/session/auth-form';
import { AuthPage } from '@/components/session/auth-page';

export const metadata: Metadata = { title: 'Create an account', robots: { index: false } };

export default function SignUpPage() {
  return (
    <AuthPage
      title="Create your account"
      description="Free. Write and share your own prompt templates, keep favorites, rate prompts and use the API with a personal key."
    >
      <Suspense fallback={<AuthFormSkeleton />}>
        <AuthForm mode="signup" />
      </Suspense>
    </AuthPage>
  );
}
