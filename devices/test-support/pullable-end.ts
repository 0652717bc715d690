import type { ManualScheduler } from '../scheduler.ts';
import { MemoryTransport, TransportError } from '../transport.ts';

/** The host end of a cable that can be pulled: while pulled, open() fails like a missing /dev node. */
export class PullableEnd extends MemoryTransport {
  plugged = true;
  /** When each open() was tried, on the test's clock (to check the backoff). */
  readonly opens: number[] = [];
  constructor(private readonly clock: ManualScheduler) {
    super('pullable:a');
  }
  override async open(): Promise<void> {
    this.opens.push(this.clock.now());
    if (!this.plugged) throw new TransportError('cannot open: No such file or directory', { disconnected: true });
    await super.open();
  }
  pull(): void {
    this.plugged = false;
    this.unplug();
  }
}
