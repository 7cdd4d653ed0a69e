/**
 * The machine refused what the configuration asks for (a busy port, a database or Redis that
 * does not answer, a database another process owns). The CLI prints its message as one line and
 * exits 1: the operator needs the reason, not a stack trace.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
