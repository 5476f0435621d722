/** The time zone of an organization that did not give one: the MSP's own. */
export const DEFAULT_TIME_ZONE = 'America/Toronto';
