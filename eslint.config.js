// Flat config: typescript-eslint's type-aware recommended rules over the whole project.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      '.local/',
      'coverage/',
      'dist/',
      'web/dist/',
      'test-artifacts/',
      'bench/.data/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The domain core must stay free of the AWS SDK: adapters live in shared/aws.
    files: ['shared/**/*.ts'],
    ignores: ['shared/aws/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*'],
              message: 'The domain core imports no AWS SDK; use an adapter in shared/aws.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/**/*.js'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', localStorage: 'readonly' },
    },
  },
);
