// Lint rules that keep the architecture as docs/architecture.md describes it.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.bench/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // A function a newcomer can read at once.
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'binding', message: 'private Node API' },
        { object: 'process', property: '_linkedBinding', message: 'private Node API' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The core reports through typed errors and hooks: no console, no exit, no CLI packages.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: ['yargs', 'chalk', 'ora'],
          patterns: [{ group: ['**/cli/**', '**/output/**', '**/explore/**'], message: 'the core does not know its callers' }],
        },
      ],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']", message: 'throw a typed error' }],
    },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.js'],
    rules: { 'max-lines-per-function': 'off' },
  },
  {
    files: ['**/*.cjs', 'bin/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
