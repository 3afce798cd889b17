import { HometempError } from '../../core/src/errors';

/** A sensor driver that cannot start on this machine; the message names the cause and the fix. */
export class SensorSetupError extends HometempError {}

/** The spool could not be written (disk full, read-only file system); what was there is intact. */
export class SpoolWriteError extends HometempError {}

/** Another collector run holds the lock. */
export class LockHeldError extends HometempError {}
