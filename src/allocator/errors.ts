/** A call the allocator cannot take (bad input, or a duplicate); the engine's state is unchanged. */
export class AllocatorError extends Error {
  override readonly name = 'AllocatorError';
}
