/**
 * One error class per failure kind of the event log, so callers can branch on `instanceof`. An
 * aggregate that does not exist is not an error here (it loads as no events): the decider refuses
 * the command with a DomainError NOT_FOUND, which says what was not found in the caller's terms.
 */
export class ConcurrencyConflictError extends Error {
  override readonly name = "ConcurrencyConflictError";
  /** Events of the same append stored before the conflict (a multi-event append is not atomic). */
  stored = 0;
  constructor(readonly subject: string, readonly expectedVersion: number, cause?: unknown) {
    super(`Someone else changed ${subject} after version ${expectedVersion}: reload and decide again.`, { cause });
  }
}

export class RetriesExhaustedError extends Error {
  override readonly name = "RetriesExhaustedError";
  constructor(readonly subject: string, readonly attempts: number) {
    super(`Gave up on ${subject} after ${attempts} concurrent-update conflicts; try the request again.`);
  }
}

