export function LogoMark({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" className={className}>
      <rect width="32" height="32" rx="8" className="fill-primary" />
      <path
        d="M10 9.5h11M10 16h8M10 22.5h11M10 9.5v13"
        className="stroke-primary-foreground"
        strokeWidth="2.6"
        strokeLinecap="round"
        fill="none"
      />
      <circle cx="23.5" cy="16" r="2" className="fill-primary-foreground" />
    </svg>
  );
}
