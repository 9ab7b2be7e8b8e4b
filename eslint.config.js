// One lint config for the whole repository (API, web, tests, infra).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const adapters = { group: ['**/adapters/**'], message: 'Depend on a port in src/ports, not on an adapter.' };
const runtime = { group: ['**/runtime/**'], message: 'Only composition roots know about runtimes.' };
const composition = {
  group: ['**/services.js', '**/app.js'],
  message: 'Composition modules are imported by runtimes only.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'web/out/', 'web/.next/', 'web/next-env.d.ts', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  // The dependency rule (see ARCHITECTURE.md): features and ports never reach into adapters,
  // runtimes or the composition root; lib is pure and depends on nothing of ours.
  {
    files: ['src/features/**/*.ts', 'src/ports/**/*.ts', 'src/http/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [adapters, runtime, composition] }] },
  },
  {
    files: ['src/lib/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            adapters,
            runtime,
            composition,
            {
              group: ['**/features/**', '**/ports/**', '**/http/**'],
              message: 'lib holds pure helpers only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/adapters/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [runtime, composition] }] },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            runtime,
            composition,
            { group: ['**/adapters/sqlite/**'], message: 'The web app talks to /api.' },
          ],
        },
      ],
    },
  },
);
