/** The test projects of the monorepo: one per package and app, plus the end-to-end suites. */
export const projects = ['packages/*', 'apps/*', 'e2e'];
