/** The collector's version, sent at enrollment and in heartbeats. Kept in step with package.json. */
export const COLLECTOR_VERSION = "0.1.0";
