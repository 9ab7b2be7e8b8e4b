import type { NextConfig } from 'next';

// No telemetry, even when a build is started without NEXT_TELEMETRY_DISABLED=1 (`next build` reads
// this after loading the config).
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

/**
 * Engify web app: a fully static export (`web/out`) served by the API server.
 * `/library` → `library.html`, `/prompts/x` → `prompts/x.html`.
 */
// `npm run dev` runs `next dev` with ENGIFY_API_URL pointing at the API process; /api is forwarded
// there so the browser sees one origin, as it does behind `npm start`.
const devApi = process.env.ENGIFY_API_URL;

const nextConfig: NextConfig = {
  ...(devApi
    ? { rewrites: async () => [{ source: '/api/:path*', destination: `${devApi}/api/:path*` }] }
    : { output: 'export' as const }),
  trailingSlash: false,
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
  // The repo-level ESLint config lints web/ too; don't run a second, Next-specific pass here.
  eslint: { ignoreDuringBuilds: true },
  experimental: {
    // Pages import the shared domain code from ../src (content loader, template renderer).
    externalDir: true,
    // ../src is NodeNext-style ESM: `import './x.js'` refers to `x.ts`.
    extensionAlias: {
      '.js': ['.ts', '.tsx', '.js'],
      '.mjs': ['.mts', '.mjs'],
    },
  },
};

export default nextConfig;
