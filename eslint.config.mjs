// ESLint v9 flat config: type-aware typescript-eslint rules for the TypeScript sources and tests,
// plain @eslint/js rules for the CommonJS Node scripts, and eslint-config-prettier last so no
// stylistic rule competes with Prettier (formatting is checked by `npm run format:check`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier/flat';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// import.meta.dirname needs Node 20.11; this works on every Node 20.
const ROOT = path.dirname(fileURLToPath(import.meta.url));

const TS_FILES = ['src/**/*.ts', '__tests__/**/*.ts', 'bench/**/*.ts'];
const JS_FILES = ['scripts/**/*.js', 'bench/**/*.js', 'jest.config.js'];

// `_`-prefixed names are deliberately unused (matches TypeScript's noUnusedParameters convention).
const unusedVars = ['error', { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }];

export default defineConfig([
  globalIgnores(['dist/', 'lib/', 'node_modules/', 'coverage/', '__tests__/fixtures/']),

  {
    linterOptions: { reportUnusedDisableDirectives: 'error' }
  },

  {
    files: TS_FILES,
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: ROOT
      }
    },
    rules: {
      '@typescript-eslint/no-unused-vars': unusedVars
    }
  },

  {
    files: JS_FILES,
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'commonjs',
      globals: { ...globals.node }
    },
    rules: {
      'no-unused-vars': unusedVars
    }
  },

  {
    files: ['eslint.config.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } }
  },

  prettier
]);
