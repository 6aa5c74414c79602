/** Unit specs beside the code and e2e specs under test/, all on SQLite in memory. */
const swcOptions = {
  sourceMaps: 'inline',
  module: { type: 'commonjs' },
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  },
};

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json', 'mjs', 'cjs'],
  testRegex: ['src/.*\\.spec\\.ts$', 'test/.*\\.e2e-spec\\.ts$'],
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', swcOptions],
  },
  // @nestjs/* 12, @nestjs/jwt, oauth4webapi and openid-client ship ES modules only: compile them to CommonJS too.
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|oauth4webapi|openid-client|jose|file-type|strtok3|token-types|@tokenizer|uint8array-extras|load-esm)/)',
  ],
  setupFiles: ['<rootDir>/test/utils/setup-env.ts'],
  // Compiles src/ once for the servers that specs spawn (test/utils/process.ts), and removes it after.
  globalSetup: '<rootDir>/test/utils/global-setup.ts',
  globalTeardown: '<rootDir>/test/utils/global-teardown.ts',
  testTimeout: 30000,
};
