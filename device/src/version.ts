/** Reported in every heartbeat; readings stamped before its release date are refused. */
export const COLLECTOR_VERSION = '0.1.0';
