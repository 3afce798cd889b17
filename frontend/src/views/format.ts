/** Formats a temperature or humidity with the one decimal the sensors resolve. */
export const formatMeasurement = (value: number) => value.toFixed(1);

/** Formats an instant as UTC for tooltips, such as "2026-01-31 08:15 UTC". */
export const formatUtc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The path of a sensor's page. Ids are restricted to URL-safe characters by the contract. */
export const sensorPath = (sensor: { deviceId: string; sensorId: string }) =>
  `/sensors/${sensor.deviceId}/${sensor.sensorId}`;
