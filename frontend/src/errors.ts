import { HometempError } from '../../core/src/index';

/** The readings store could not be read; the request may succeed if tried again later. */
export class StoreReadError extends HometempError {}
