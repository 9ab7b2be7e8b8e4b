import * as React from 'react';
import { cn } from '@/lib/utils';

/**
 * A determinate progress bar (`role="progressbar"`). `value` is 0–1; name it with `aria-label` and
 * say what the number means with `valueText` ("12 of 40 chunks").
 */
export function Progress({
  value,
  valueText,
  className,
  indicatorClassName,
  ...props
}: Omit<React.ComponentProps<'div'>, 'role'> & {
  value: number;
  valueText?: string;
  indicatorClassName?: string;
}) {
  const fraction = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
  const percent = Math.round(fraction * 100);
  return (
    <div
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={valueText ?? `${percent}%`}
      data-slot="progress"
      className={cn('relative h-1.5 w-full overflow-hidden rounded-full bg-muted', className)}
      {...props}
    >
      <div
        className={cn('h-full rounded-full bg-primary transition-[width] duration-300', indicatorClassName)}
        style={{ width: `${percent}%` }}
      />
    </div>
  );
}
