import * as React from 'react';
import { Label } from '@/components/ui/label';
import { cn } from '@/lib/utils';

export interface FieldA11y {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/**
 * Label + control + hint + inline error, wired up for screen readers: the control gets
 * `aria-invalid` and `aria-describedby` pointing at the hint and the error.
 */
export function FormField({
  id,
  label,
  hint,
  error,
  optional,
  className,
  labelClassName,
  children,
}: {
  id: string;
  label: React.ReactNode;
  hint?: React.ReactNode;
  error?: string;
  optional?: boolean;
  className?: string;
  labelClassName?: string;
  children: (a11y: FieldA11y) => React.ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={cn('grid gap-2', className)}>
      <div className="flex items-baseline gap-1">
        <Label htmlFor={id} className={labelClassName}>
          {label}
        </Label>
        {optional && <span className="ml-1 text-xs text-muted-foreground">optional</span>}
      </div>
      {children({
        id,
        ...(error ? { 'aria-invalid': true as const } : {}),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      })}
      {hint && (
        <p id={`${id}-hint`} className="text-xs leading-relaxed text-muted-foreground">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-xs font-medium text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}
