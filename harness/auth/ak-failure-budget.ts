// The budget of requests a run may send under the REAL access key knowing they will fail the signature check.
// The vendor locks an AK after 5 consecutive signature failures (a locked AK stops every pipeline that uses it), so:
// at most PER_RUN such requests in one run, never more than IN_A_ROW without a request under the AK that succeeded
// in between. The run's broker holds the one budget every worker draws from (harness/run/broker.ts); a request the
// budget refuses is not sent.

export const AK_FAILURE_BUDGET = { perRun: 3, inARow: 2 } as const;

export class AkFailureBudget {
  private spent = 0;
  private row = 0;

  constructor(private readonly limits: { perRun: number; inARow: number } = AK_FAILURE_BUDGET) {}

  /** Takes one failing request from the budget; false: it must not be sent. */
  spend(): boolean {
    if (this.spent >= this.limits.perRun || this.row >= this.limits.inARow) return false;
    this.spent++;
    this.row++;
    return true;
  }

  /** A request under the AK succeeded (a 2xx): the vendor's consecutive-failure count is back to 0. */
  succeeded(): void {
    this.row = 0;
  }

  get state(): { spent: number; inARow: number } {
    return { spent: this.spent, inARow: this.row };
  }
}
