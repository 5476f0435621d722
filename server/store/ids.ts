const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every stored id is a random UUID in lower-case text: anything else names nothing. */
export const isUuid = (id: string): boolean => UUID.test(id);
