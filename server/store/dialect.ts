/** The two stores one code path serves. */
export type Dialect = 'sqlite' | 'postgres';
