/** The test projects of the monorepo: one per package and app, the end-to-end suites, and the test kit's own tests. */
export const projects = ['packages/*', 'apps/*', 'e2e', 'test-kit'];
