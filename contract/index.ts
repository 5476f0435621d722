// The one wire contract: constants, zod schemas and the types inferred from them.
export * from './constants.js';
export * as schemas from './schemas.js';
export type * from './types.js';
