// playwright-core is installed by `npm run test:ui` into tools/e2e/ui/node_modules only (it is not
// a devDependency of the package, so `npm ci` does not bring it, and the type check runs before
// test:ui in CI). The type check therefore sees it as `any`, installed or not.
declare module 'playwright-core';
