/** A ledger call that does not hold (unknown instance, id recorded twice, volume in use). Nothing is changed. */
export class LedgerError extends Error {
  override readonly name: string = 'LedgerError';
}
