import { cn } from '@/lib/utils';

export function PageHeader({
  eyebrow,
  title,
  description,
  children,
  className,
}: {
  eyebrow?: React.ReactNode;
  title: React.ReactNode;
  description?: React.ReactNode;
  children?: React.ReactNode;
  className?: string;
}) {
  return (
    <div className={cn('grid gap-3', className)}>
      {eyebrow && <div className="text-sm font-medium text-primary">{eyebrow}</div>}
      <h1 className="text-3xl font-semibold tracking-tight text-balance sm:text-4xl">{title}</h1>
      {description && (
        <p className="max-w-2xl text-base text-pretty text-muted-foreground sm:text-lg">{description}</p>
      )}
      {children}
    </div>
  );
}

export function Container({ className, ...props }: React.ComponentProps<'div'>) {
  return <div className={cn('mx-auto w-full max-w-6xl px-4 sm:px-6', className)} {...props} />;
}
