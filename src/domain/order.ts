/**
 * Queue order. `orderKey` is a position in the event log (the seq of the event that put a service in
 * the queue), so arrival order survives a wall clock that jumps. `front` placement goes before any
 * arrival and stays first come, first served among fronts.
 */
export const FRONT_OFFSET = 1e15;
