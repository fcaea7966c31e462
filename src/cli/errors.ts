// Errors the CLI reports as one line and exit 2: the user asked for something impossible
// (bad flag, bad value) or handed in an input that cannot be used. Anything else that reaches the
// top level is a bug and is reported as such.

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export class InputError extends Error {
  override readonly name = "InputError";
}

export function isUserError(e: unknown): e is UsageError | InputError {
  return e instanceof UsageError || e instanceof InputError;
}
