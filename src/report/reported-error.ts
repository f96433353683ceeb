/** A failure whose details were already reported (one ::error:: each): it only ends the step. */
export class ReportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportedError';
  }
}
