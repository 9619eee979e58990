/**
 * The primitive floor of this machine: each primitive's CPU ms per operation, measured one after the
 * other in this process (and the broker), with the reference lifecycle's cost.
 *
 * @module
 */
import { lifecycleFloorMs, type Primitive, PRIMITIVES } from "../lifecycle.ts";
import { amqpFloor } from "./amqp.ts";
import { grpcFloor } from "./grpc.ts";
import { httpFloor } from "./http.ts";
import { kvFloor } from "./kv.ts";
import type { PrimitiveCost } from "./measure.ts";

/** The floor measured in one run. */
export interface Floor {
  /** Each primitive's cost. */
  primitives: Record<Primitive, PrimitiveCost>;
  /** CPU ms of the reference lifecycle at these costs. */
  lifecycleCpuMs: number;
  /**
   * When this floor is the mean of several measurements ({@linkcode meanFloor}): each one's reference
   * lifecycle CPU ms, in the order they were taken (absent: measured once).
   */
  rounds?: number[];
}

/** How much of each primitive to measure. */
export interface FloorPlan {
  /** Operations measured per primitive. */
  ops: Record<Primitive, number>;
  /** Operations in flight at once (1: one after the other). */
  lanes: number;
}

/** Measures the four primitives; `say` gets a line per primitive. */
export async function measureFloor(
  amqpUrl: string,
  brokerPid: number,
  plan: FloorPlan,
  say: (line: string) => void = () => {},
): Promise<Floor> {
  const run = async (p: Primitive, f: () => Promise<PrimitiveCost>) => {
    const cost = await f();
    say(
      `bench: floor ${p}: ${cost.cpuMs.toFixed(3)} CPU-ms per operation ` +
        `(${cost.ops} operations, ${cost.lanes} in flight)`,
    );
    return cost;
  };
  const primitives = {
    http: await run("http", () => httpFloor(plan.ops.http, plan.lanes)),
    grpc: await run("grpc", () => grpcFloor(plan.ops.grpc, plan.lanes)),
    kv: await run("kv", () => kvFloor(plan.ops.kv, plan.lanes)),
    amqp: await run("amqp", () => amqpFloor(amqpUrl, brokerPid, plan.ops.amqp, plan.lanes)),
  };
  return { primitives, lifecycleCpuMs: lifecycleOf(primitives) };
}

/** The reference lifecycle's CPU ms at `primitives`' costs. */
function lifecycleOf(primitives: Record<Primitive, PrimitiveCost>): number {
  return lifecycleFloorMs({
    http: primitives.http.cpuMs,
    grpc: primitives.grpc.cpuMs,
    kv: primitives.kv.cpuMs,
    amqp: primitives.amqp.cpuMs,
  });
}

/**
 * The mean of floors measured at different times of one run (the bench measures before the system
 * starts and after it stops): each primitive's costs averaged, per operation weighted by operations,
 * and `rounds` listing each floor's reference lifecycle. On a shared machine one measurement can be off
 * by a third from the next minute's; the mean is the steadier reference, and the rounds show the spread.
 */
export function meanFloor(floors: readonly Floor[]): Floor {
  if (floors.length === 0) throw new RangeError("meanFloor needs at least one floor");
  const primitives = Object.fromEntries(PRIMITIVES.map((p) => {
    const costs = floors.map((f) => f.primitives[p]);
    const ops = costs.reduce((s, c) => s + c.ops, 0);
    const mean = (k: "cpuMs" | "otherCpuMs" | "wallMs") => costs.reduce((s, c) => s + c[k] * c.ops, 0) / ops;
    return [p, {
      cpuMs: mean("cpuMs"),
      otherCpuMs: mean("otherCpuMs"),
      wallMs: mean("wallMs"),
      ops,
      lanes: costs[0]!.lanes,
    }];
  })) as Record<Primitive, PrimitiveCost>;
  return {
    primitives,
    lifecycleCpuMs: lifecycleOf(primitives),
    rounds: floors.flatMap((f) => f.rounds ?? [f.lifecycleCpuMs]),
  };
}
