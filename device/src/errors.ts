import { HometempError } from '../../core/src/errors';

/** A sensor driver that cannot start on this machine; the message names the cause and the fix. */
export class SensorSetupError extends HometempError {}

/** The spool, run lock or sensor state could not be written (a full disk, a read-only file system). */
export class SpoolWriteError extends HometempError {}

/** Another collector run holds the lock. */
export class LockHeldError extends HometempError {}
