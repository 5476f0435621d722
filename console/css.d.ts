// esbuild bundles the console's stylesheet beside its script (server/staff/console-page-routes.ts).
declare module '*.css';
