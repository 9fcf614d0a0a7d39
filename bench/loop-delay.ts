/** Event-loop delay of a bench process (bench/child.ts for the server and simulator, bench/load.ts for itself). */
import { type EventLoopUtilization, monitorEventLoopDelay, performance } from 'node:perf_hooks';

/**
 * How late this process's event loop runs a timer (perf_hooks.monitorEventLoopDelay, 10 ms
 * resolution): a request that arrives during a long turn waits about that long at each crossing.
 * `utilization`: the share of the time the loop was busy (performance.eventLoopUtilization).
 */
export function loopDelaySampler() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  let elu: EventLoopUtilization | undefined;
  return {
    start() {
      histogram.reset();
      histogram.enable();
      elu = performance.eventLoopUtilization();
    },
    stop() {
      histogram.disable();
      const ms = (ns: number) => ns / 1e6;
      return {
        type: 'loop',
        p50Ms: ms(histogram.percentile(50)),
        p99Ms: ms(histogram.percentile(99)),
        maxMs: ms(histogram.max),
        utilization: performance.eventLoopUtilization(elu).utilization,
      };
    },
  };
}

export type LoopDelay = ReturnType<ReturnType<typeof loopDelaySampler>['stop']>;
