// ESLint flat config: type-aware rules everywhere, and import rules that keep the layers apart.
//   HTTP (src/http)  ->  bot layer (src/bot)  ->  capabilities/core  <-  adapters (*.repository.ts, src/infra/db)
// Only src/bot may import the Bot Framework / teams-ai SDKs, only src/http restify, and only
// repositories and src/infra/db the mongodb driver.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sdk = {
  group: [
    'botbuilder',
    'botbuilder-*',
    'botframework-*',
    '@microsoft/teams-ai',
    '@microsoft/teams-ai/*',
  ],
  message: 'Bot Framework / teams-ai belong in src/bot only (the thin SDK layer).',
};
const restify = { group: ['restify', 'restify-*'], message: 'restify belongs in src/http only.' };
const mongodb = {
  group: ['mongodb', 'mongodb/*'],
  message: 'The mongodb driver belongs in *.repository.ts files and src/infra/db only.',
};
/**
 * A capability is used only through its face (its index.ts), never through its other files:
 * inside src/capabilities a sibling's files are `../<capability>/<file>`; elsewhere
 * `…/capabilities/<capability>/<file>`.
 */
const siblingInternals = {
  regex: '^\\.\\./[^./][^/]*/',
  message: "Use another capability only through its face: import from '../<capability>'.",
};
const capabilityInternals = {
  regex: 'capabilities/[^/]+/',
  message: "Use a capability only through its face: import from '…/capabilities/<capability>'.",
};
const restrict = (...patterns) => ['error', { patterns }];

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', '.data/**', '.cache/**', 'devTools/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: [
      'src/bot/**',
      'src/http/**',
      'src/infra/db/**',
      'src/**/*.repository.ts',
      'src/index.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        sdk,
        restify,
        mongodb,
        capabilityInternals,
      ),
    },
  },
  {
    files: ['src/capabilities/**/*.ts'],
    ignores: ['src/**/*.repository.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        sdk,
        restify,
        mongodb,
        capabilityInternals,
        siblingInternals,
      ),
    },
  },
  {
    files: ['src/bot/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(restify, mongodb, capabilityInternals),
    },
  },
  {
    files: ['src/http/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict(sdk, mongodb) },
  },
  {
    files: ['src/infra/db/**/*.ts', 'src/**/*.repository.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        sdk,
        restify,
        capabilityInternals,
        siblingInternals,
      ),
    },
  },
  {
    files: ['tools/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
