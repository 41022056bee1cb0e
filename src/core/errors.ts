/**
 * The library's error classes. Every error the library raises on purpose is a TFError, named as
 * TF1/Python names it (ValueError, TypeError, InvalidArgumentError, ...), so `err.name` plus the
 * message reads exactly like TF1's traceback line.
 */
export class TFError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Python's ValueError: bad shapes, bad arguments found while building the graph. */
export class ValueError extends TFError {}

/** Python's TypeError (named so in messages); exported as `tf.errors.TypeError`. */
export class TFTypeError extends TFError {
  constructor(message: string) {
    super(message);
    this.name = 'TypeError';
  }
}

/** Python's AssertionError (e.g. reset_default_graph inside a session block). */
export class AssertionError extends TFError {}

/** Base of the errors a run raises (tf.errors.OpError). */
export class OpError extends TFError {
  constructor(
    message: string,
    /** The op the error happened in, when known. */
    readonly opName: string | null = null,
  ) {
    super(message);
  }
}
export class InvalidArgumentError extends OpError {}
export class FailedPreconditionError extends OpError {}
export class NotFoundError extends OpError {}
export class OutOfRangeError extends OpError {}
export class ResourceExhaustedError extends OpError {}
export class DataLossError extends OpError {}
export class CancelledError extends OpError {}
export class UnimplementedError extends OpError {}
export class InternalError extends OpError {}

/** Python's RuntimeError (e.g. using a closed Session). */
export class RuntimeError extends TFError {}
