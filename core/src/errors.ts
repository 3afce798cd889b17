/** Base class of every error hometemp raises on purpose; `name` is the subclass name. */
export class HometempError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration file or environment that does not pass validation. */
export class ConfigError extends HometempError {}

/** A reading or batch that does not match the reading contract. */
export class InvalidReadingError extends HometempError {}

/** DynamoDB did not accept a write, even after retries; the caller may try again later. */
export class StoreUnavailableError extends HometempError {}

/**
 * A batch write that stopped at a failed write, which is its `cause`; `stored` lists the
 * readings written before it, so their metrics can still be sent.
 */
export class PartialWriteError<T> extends HometempError {
  constructor(
    message: string,
    readonly stored: T[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
